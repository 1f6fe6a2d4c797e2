import { eq } from 'drizzle-orm';
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { DbOrTx } from '../../db/client';
import { notices } from '../../db/schema';
import { noticeClocks, type NoticeClockKind } from '../../workflows/notice/clocks';
import { noticeMachines, type NoticeEvent, type NoticeStateMeta } from '../../workflows/notice/machine';
import type { AppContext, User } from '../context';
import { notFound } from '../errors';
import type { Loaded, WorkflowDefinition } from '../engine/workflow';
import { noticeScope, type NoticeRow } from './scope';

export type NoticeFacts = Record<never, never>;
export type LoadedNotice = Loaded<NoticeRow, NoticeFacts>;

/** One statement; `lock` takes the notice row FOR UPDATE. */
export async function readNotice(db: DbOrTx, id: string, lock: boolean): Promise<LoadedNotice> {
  const query = db.select().from(notices).where(eq(notices.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('notice');
  return { row, facts: {} };
}

/** Who may send what in the notice's current state: its states' declared `may`. */
function permits(snapshot: AnyMachineSnapshot, type: string): readonly string[] {
  const metas = Object.values(snapshot.getMeta() as Record<string, NoticeStateMeta | undefined>);
  return metas.flatMap((m) => m?.may?.[type as NoticeEvent['type']] ?? []);
}

// Provincial reviewers publish notices and read their history; the public reads them through
// routes of their own that show no personal data (server/notices/list-public.ts, get-public.ts).
const seesNotices = (user: User) => user.roles.includes('provincial');

/** The public notice as the engine runs it (SPEC §4: notices "have small machines of their own"). */
export function noticeWorkflow(app: AppContext): WorkflowDefinition<NoticeRow, NoticeFacts, NoticeEvent> {
  return {
    kind: 'notice',
    noun: 'notice',
    machines: noticeMachines,
    clocks: noticeClocks,
    load: readNotice,
    canSee: seesNotices,
    authorise: (snapshot, user, _facts, type) => {
      const role = user.roles.find((r) => permits(snapshot, type).includes(r));
      if (role) return { ok: true, role };
      if (seesNotices(user)) return { ok: false, kind: 'not_now' };
      return { ok: false, kind: 'forbidden', reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' } };
    },
    systemMay: (snapshot, type) => permits(snapshot, type).includes('system'),
    guardReasons: {},
    primaryState: (value: StateValue) => (typeof value === 'string' ? value : (Object.keys(value)[0] ?? 'unknown')),
    effectScope: (tx, { row }, now, actorId) => noticeScope(tx, app, row, now, actorId),
    expiryEvent: (kind, meta) => ({ type: 'DEADLINE_EXPIRED', clock: kind as NoticeClockKind, meta: { ...meta, role: 'system' } }),
    prepare: async (tx, { row }, event, now) => ({ scope: await noticeScope(tx, app, row, now, event.meta.actorId) }),
    persist: async (tx, row, next, _event, now) => {
      const [updated] = await tx
        .update(notices)
        .set({
          snapshot: { value: next.value, context: next.context },
          state: next.state,
          version: row.version + 1,
          ...(next.state === 'closed' ? { closedAt: now } : {}),
        })
        .where(eq(notices.id, row.id))
        .returning();
      if (!updated) throw new Error('notice row vanished under its lock');
      return updated;
    },
  };
}
