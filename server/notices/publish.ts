import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { cases, noticeCases, noticeCounters, notices, rounds } from '../../db/schema';
import { NOTICE_MACHINE_VERSION, type NoticeMachine } from '../../workflows/notice/machine';
import { noticeClocks } from '../../workflows/notice/clocks';
import type { CaseEvent } from '../../workflows/case/types';
import type { ServiceContext, User } from '../context';
import { unprocessable, type FieldError } from '../errors';
import { applyEvent, initialState } from '../engine/transition';
import { countForward } from '../engine/counting';
import { shanghaiDate } from '../calendar/workdays';
import { caseWorkflow } from '../cases/workflow';
import { noticeWorkflow } from './workflow';
import { noticeView } from './present';

/** Who publishes notices (POST /notices and the notice publishing page). */
export const NOTICE_PUBLISHERS: readonly User['roles'][number][] = ['provincial'];

export const publishNoticeSchema = z.strictObject({
  caseIds: z
    .array(z.uuid({ error: 'not a case id' }).toLowerCase())
    .min(1, 'name at least one case')
    .max(500, 'at most 500 cases on one notice')
    .refine((ids) => new Set(ids).size === ids.length, { message: 'a case is named twice', params: { messageZh: '同一申请被选了两次' } }),
});

/**
 * POST /notices (SPEC §4): in one transaction the notice is created and published, its period
 * starts, and each member case — locked in id order — hears NOTICE_OPENED from the system.
 */
export async function publishNotice(ctx: ServiceContext, input: z.output<typeof publishNoticeSchema>) {
  return ctx.app.db.transaction(async (tx) => {
    const now = ctx.app.clock.now();
    const ids = [...input.caseIds].sort();
    const roundId = await checkMembers(tx, input.caseIds);
    const [round] = await tx.select({ clockLengths: rounds.clockLengths }).from(rounds).where(eq(rounds.id, roundId));
    if (!round) throw new Error(`round ${roundId} vanished`);

    const def = noticeWorkflow(ctx.app);
    const id = randomUUID();
    const first = initialState<NoticeMachine>(def, NOTICE_MACHINE_VERSION, { noticeId: id, caseIds: ids });
    // the period as the clock counts it: from the next working day after publication (SPEC §4)
    const calendar = await ctx.app.calendar.get(tx);
    const today = shanghaiDate(now);
    const spec = noticeClocks.noticePeriod;
    await tx.insert(notices).values({
      id,
      number: await nextNumber(tx, Number(today.slice(0, 4))),
      roundId,
      state: first.state,
      machineVersion: first.machineVersion,
      snapshot: first.snapshot,
      publishedBy: ctx.user.id,
      openedAt: now,
      startsOn: countForward(spec.unit, today, 1, calendar).date,
      closesOn: countForward(spec.unit, today, spec.length(round.clockLengths), calendar).date,
    });
    await tx.insert(noticeCases).values(ids.map((caseId) => ({ noticeId: id, caseId })));
    const meta = { at: now.toISOString(), actorId: ctx.user.id, role: 'provincial' as const };
    const published = await applyEvent(tx, ctx.app, def, { id, user: ctx.user, requestId: ctx.requestId, event: { type: 'PUBLISH', meta } });

    const cw = caseWorkflow(ctx.app);
    for (const caseId of ids) {
      const event = { type: 'NOTICE_OPENED', noticeId: id, meta: { at: meta.at, actorId: null, role: 'system' } } satisfies CaseEvent;
      await applyEvent(tx, ctx.app, cw, { id: caseId, user: null, requestId: ctx.requestId, event });
    }
    return noticeView(published.row, ids);
  });
}

/**
 * Locks the named cases in id order (the order every multi-row lock takes) and names each that
 * cannot go on the notice; answers their round.
 */
async function checkMembers(tx: Tx, caseIds: readonly string[]): Promise<string> {
  const rows = await tx
    .select({ id: cases.id, state: cases.state, roundId: cases.roundId, submittedAt: cases.submittedAt })
    .from(cases)
    .where(inArray(cases.id, [...caseIds]))
    .orderBy(asc(cases.id))
    .for('update');
  const onOpen = await tx
    .select({ caseId: noticeCases.caseId, number: notices.number })
    .from(noticeCases)
    .innerJoin(notices, eq(notices.id, noticeCases.noticeId))
    .where(and(inArray(noticeCases.caseId, [...caseIds]), eq(notices.state, 'open')));
  const roundId = rows[0]?.roundId ?? '';
  const problems: FieldError[] = caseIds.flatMap((id, i): FieldError[] => {
    const path = `caseIds.${i}`;
    const row = rows.find((r) => r.id === id);
    // a draft is nobody's business but its firm's: it answers like no case at all
    if (!row || row.submittedAt === null) return [{ path, code: 'notice.noCase', message: `no submitted case has the id ${id}`, messageZh: `没有编号为 ${id} 的已提交申请` }];
    const open = onOpen.find((o) => o.caseId === id);
    if (open) return [{ path, code: 'notice.onOpenNotice', message: `case ${id} is already on the open notice ${open.number}`, messageZh: `申请 ${id} 已在公示 ${open.number} 中` }];
    if (row.state !== 'awaitingNotice') {
      return [{ path, code: 'notice.notAwaiting', message: `case ${id} is ${row.state}, not awaiting the public notice`, messageZh: `申请 ${id} 当前状态为 ${row.state}，不在待公示状态` }];
    }
    if (row.roundId !== roundId) return [{ path, code: 'notice.otherRound', message: `case ${id} belongs to another round than the others named: a notice lists the cases of one round`, messageZh: `申请 ${id} 与其他申请不属于同一申报批次，一次公示只列同一批次的申请` }];
    return [];
  });
  if (problems.length > 0) throw unprocessable('the notice cannot be published', problems);
  return roundId;
}

async function nextNumber(tx: Tx, year: number): Promise<string> {
  const [row] = await tx
    .insert(noticeCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: noticeCounters.year, set: { last: sql`${noticeCounters.last} + 1` } })
    .returning();
  return `GS${year}-${String(row?.last ?? 1).padStart(3, '0')}`;
}
