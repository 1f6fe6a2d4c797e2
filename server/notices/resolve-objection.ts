import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { notices, objections } from '../../db/schema';
import type { CaseEventOf } from '../../workflows/case/events';
import type { EventMeta } from '../../workflows/case/types';
import type { CaseRow } from '../engine/scope';
import { enqueueEmail } from '../mail/enqueue';
import type { ObjectionVars } from '../mail/templates';

const OUTCOME = {
  upheld: { zh: '异议成立，该申请未获通过', en: 'the objection was upheld and the application rejected' },
  dismissed: { zh: '异议不成立', en: 'the objection was dismissed' },
} as const;

/**
 * The objection's side of RESOLVE_OBJECTION, in the case's transaction (server/cases/workflow.ts
 * persist): the machine has decided what the case does; here the objection row records the
 * outcome, and the person who objected is told when they left an email address.
 */
export async function recordResolution(tx: Tx, row: CaseRow, event: CaseEventOf<'RESOLVE_OBJECTION', EventMeta>, now: Date): Promise<void> {
  const [resolved] = await tx
    .update(objections)
    .set({ status: event.outcome, resolutionReason: event.reason, resolvedBy: event.meta.actorId, resolvedAt: now })
    .where(and(eq(objections.id, event.objectionId), eq(objections.caseId, row.id), eq(objections.status, 'open')))
    .returning();
  // the machine accepted it only for an objection open on this case (workflows/case/notice-guards.ts)
  if (!resolved) throw new Error(`objection ${event.objectionId} is not open on case ${row.id}`);
  if (!resolved.contact || !z.email().safeParse(resolved.contact).success) return;
  const [notice] = await tx.select({ number: notices.number }).from(notices).where(eq(notices.id, resolved.noticeId));
  const data: ObjectionVars = {
    noticeNumber: notice?.number ?? '',
    caseNumber: row.number,
    materialName: row.material.name ?? '',
    outcomeZh: OUTCOME[event.outcome].zh,
    outcomeEn: OUTCOME[event.outcome].en,
    reason: event.reason,
  };
  await enqueueEmail(tx, { to: resolved.contact, template: 'objection.resolved', data, now, owner: { kind: 'notice', id: resolved.noticeId } });
}
