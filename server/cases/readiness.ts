import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import type { FieldError } from '../errors';
import { submissionProblems } from './rules';
import { assertMayEditCase } from './update';

/**
 * What SUBMIT (or RESUBMIT) would refuse now (SPEC §5), for the applicant firm to fix first: the
 * very rules the workflow runs as the event's guard, judged at this moment, nothing changed.
 * 404 to those who may not see the case, 403 to those who may see but not edit it.
 */
export async function caseSubmissionProblems(ctx: ServiceContext, id: string): Promise<FieldError[]> {
  return ctx.app.db.transaction(async (tx) => {
    const { row } = await assertMayEditCase(ctx, id, tx);
    const [round] = await tx.select().from(rounds).where(eq(rounds.id, row.roundId));
    if (!round) throw new Error(`case ${row.id} points at a missing round`);
    return submissionProblems(ctx.app.clock.now())(tx, row, round);
  });
}
