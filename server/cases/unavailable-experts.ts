import { and, arrayContains, eq, inArray, not, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { users } from '../../db/schema';
import { OPEN } from '../../workflows/case/expert-guards';
import type { CaseContext } from '../../workflows/case/types';

/**
 * The experts holding an open assignment on the case (not yet answered, or accepted) who can no
 * longer act on it: their account was deactivated, or is no longer an expert's. The provincial
 * reviewer may replace them as one who is overdue (expert-guards.ts replacesOpenAssignment); until
 * then the case shows them so and waits in the provincial inbox (tasks/only-while.ts).
 */
export async function unavailableExperts(db: DbOrTx, context: Pick<Partial<CaseContext>, 'experts'>): Promise<Set<string>> {
  const open = (context.experts ?? []).filter((a) => OPEN.includes(a.status)).map((a) => a.expertId);
  if (open.length === 0) return new Set();
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, open), or(eq(users.active, false), not(arrayContains(users.roles, ['expert'])))));
  return new Set(rows.map((r) => r.id));
}
