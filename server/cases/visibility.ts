import { and, eq, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { cases } from '../../db/schema';
import type { User } from '../context';
import type { Role } from '../../db/schema/accounts';
import type { AssignmentStatus } from '../../workflows/case/types';
import { SEEING } from '../../workflows/case/expert-guards';

/**
 * The SQL twin of `canSee` in workflows/case/permissions.ts, for lists: the same rule per role.
 * test/integration/visibility.test.ts checks the two agree.
 */
export function visibleCases(user: User): SQL {
  return seenInAnyRole(user, visibleAs);
}

/** What `user` sees in any of its roles, from what each role sees (undefined: nothing); false when no role sees anything. */
export function seenInAnyRole(user: User, seenAs: (role: Role, user: User) => SQL | undefined): SQL {
  const defined = user.roles.map((role) => seenAs(role, user)).filter((p): p is SQL => p !== undefined);
  return or(...defined) ?? sql`false`;
}

/** The cases `user` sees in one of its roles; undefined when that role sees none. */
export function visibleAs(role: Role, user: User): SQL | undefined {
  const submitted = isNotNull(cases.submittedAt);
  switch (role) {
    case 'firm':
      return user.enterpriseId ? eq(cases.enterpriseId, user.enterpriseId) : undefined;
    case 'municipal':
      return user.city ? and(submitted, eq(cases.city, user.city)) : undefined;
    case 'provincial':
      return submitted;
    case 'insurer':
      return user.insurerId ? and(submitted, eq(cases.insurerId, user.insurerId)) : undefined;
    case 'finance':
      return isNotNull(cases.approvedAt);
    case 'expert':
      // the twin of assignedExperts() (server/cases/workflow.ts): an assignment still held
      return holdsAssignment(user, SEEING);
    default:
      return undefined;
  }
}

/** Cases where `user` holds an expert assignment in one of the statuses (GIN index cases_experts_idx). */
export function holdsAssignment(user: User, statuses: readonly AssignmentStatus[]): SQL {
  return (
    or(...statuses.map((status) => sql`${cases.snapshot}->'context'->'experts' @> ${JSON.stringify([{ expertId: user.id, status }])}::jsonb`)) ?? sql`false`
  );
}
