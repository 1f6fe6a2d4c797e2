import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cases, clocks, notices, objections, rounds } from '../../db/schema';

/**
 * The reference an objector quotes: the notice's number and the short form of the objection's id
 * (GS2026-003-1A2B3C4D). Worked out from the row each time, so the receipt, the emails and the
 * reviewers' list say the same.
 */
export const objectionReference = (noticeNumber: string, objectionId: string) => `${noticeNumber}-${objectionId.slice(0, 8).toUpperCase()}`;

export interface ObjectionHandling {
  reference: string;
  /** the working days the round gives the provincial reviewers to resolve an objection (SPEC §4: 10) */
  workingDays: number;
  /** the last day of the case's running objection clock; null once no clock runs (it was resolved) */
  resolveBy: string | null;
}

/** What the objector of `objectionId` on `noticeId` is told: its reference, and by when it will be resolved; null when there is no such objection on that notice. */
export async function objectionHandling(db: DbOrTx, noticeId: string, objectionId: string): Promise<ObjectionHandling | null> {
  const [row] = await db
    .select({ id: objections.id, caseId: objections.caseId, number: notices.number, lengths: rounds.clockLengths })
    .from(objections)
    .innerJoin(notices, eq(notices.id, objections.noticeId))
    .innerJoin(cases, eq(cases.id, objections.caseId))
    .innerJoin(rounds, eq(rounds.id, cases.roundId))
    .where(and(eq(objections.id, objectionId), eq(objections.noticeId, noticeId)));
  if (!row) return null;
  const [clock] = await db
    .select({ dueOn: clocks.dueOn })
    .from(clocks)
    .where(and(eq(clocks.ownerId, row.caseId), eq(clocks.kind, 'objection'), eq(clocks.status, 'running')))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  return {
    reference: objectionReference(row.number, row.id),
    workingDays: row.lengths.objectionWorkingDays,
    resolveBy: clock?.dueOn ?? null,
  };
}
