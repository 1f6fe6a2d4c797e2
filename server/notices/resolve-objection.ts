import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { notices, objections } from '../../db/schema';
import type { CaseEventOf } from '../../workflows/case/events';
import type { CaseEvent, EventMeta } from '../../workflows/case/types';
import type { CaseRow } from '../engine/scope';
import { enqueueEmail } from '../mail/enqueue';
import type { ObjectionVars } from '../mail/templates';
import { objectionReference } from './objection-receipt';

const OUTCOME = {
  upheld: { zh: '异议成立，该申请未获通过', en: 'the objection was upheld and the application rejected' },
  dismissed: { zh: '异议不成立', en: 'the objection was dismissed' },
} as const;

// why an objection still open when its case was decided needs no answer of its own
const MOOT = {
  upheld: {
    zh: '该申请已因另一项异议成立而未获通过',
    en: 'the application was rejected on another objection, which was upheld',
    recorded: 'moot: the application was rejected on another objection, which was upheld',
  },
  WITHDRAW: { zh: '申请企业已撤回该申请', en: 'the firm withdrew the application', recorded: 'moot: the firm withdrew the application' },
  other: { zh: '该申请已有结论', en: 'the application has been decided', recorded: 'moot: the application was decided' },
} as const;

type Objection = typeof objections.$inferSelect;

/**
 * The objections' side of a case event, in the case's transaction (server/cases/workflow.ts
 * persist): RESOLVE_OBJECTION records its outcome on its objection; and a case that leaves its
 * notice while objections are open on it (another one upheld, the firm withdrew) leaves none
 * open — they are closed as moot, and each objector who left an email address is told.
 */
export async function objectionsFollow(tx: Tx, stateBefore: string, row: CaseRow, event: CaseEvent, now: Date): Promise<void> {
  if (event.type === 'RESOLVE_OBJECTION') await recordResolution(tx, row, event, now);
  const held = stateBefore === 'notice' || stateBefore === 'objection';
  if (!held || row.state === 'notice' || row.state === 'objection') return;
  const why = event.type === 'RESOLVE_OBJECTION' && event.outcome === 'upheld' ? MOOT.upheld : event.type === 'WITHDRAW' ? MOOT.WITHDRAW : MOOT.other;
  const closed = await tx
    .update(objections)
    .set({ status: 'moot', resolutionReason: why.recorded, resolvedBy: event.meta.actorId, resolvedAt: now })
    .where(and(eq(objections.caseId, row.id), eq(objections.status, 'open')))
    .returning();
  for (const objection of closed) await tellObjector(tx, objection, row, 'objection.closed', { outcomeZh: why.zh, outcomeEn: why.en, reason: '' }, now);
}

async function recordResolution(tx: Tx, row: CaseRow, event: CaseEventOf<'RESOLVE_OBJECTION', EventMeta>, now: Date): Promise<void> {
  const [resolved] = await tx
    .update(objections)
    .set({ status: event.outcome, resolutionReason: event.reason, resolvedBy: event.meta.actorId, resolvedAt: now })
    .where(and(eq(objections.id, event.objectionId), eq(objections.caseId, row.id), eq(objections.status, 'open')))
    .returning();
  // the machine accepted it only for an objection open on this case (workflows/case/notice-guards.ts)
  if (!resolved) throw new Error(`objection ${event.objectionId} is not open on case ${row.id}`);
  const outcome = OUTCOME[event.outcome];
  await tellObjector(tx, resolved, row, 'objection.resolved', { outcomeZh: outcome.zh, outcomeEn: outcome.en, reason: event.reason }, now);
}

type Told = Pick<ObjectionVars, 'outcomeZh' | 'outcomeEn' | 'reason'>;

/**
 * An email to the person who objected, when they left an email address. Anyone may type any
 * address into the form, so it carries nothing they typed: only the notice, the case and what
 * became of it.
 */
export async function tellObjector(tx: Tx, objection: Objection, row: Pick<CaseRow, 'number' | 'material'>, template: 'objection.received' | 'objection.resolved' | 'objection.closed', told: Told, now: Date): Promise<void> {
  if (!objection.contact || !z.email().safeParse(objection.contact).success) return;
  const [notice] = await tx.select({ number: notices.number }).from(notices).where(eq(notices.id, objection.noticeId));
  const noticeNumber = notice?.number ?? '';
  // the reference the objector was given on filing (the page's receipt), to quote in an enquiry
  const data: ObjectionVars = { noticeNumber, reference: objectionReference(noticeNumber, objection.id), caseNumber: row.number, materialName: row.material.name ?? '', ...told };
  await enqueueEmail(tx, { to: objection.contact, template, data, now, owner: { kind: 'notice', id: objection.noticeId } });
}
