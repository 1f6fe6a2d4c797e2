import { sql, type SQL } from 'drizzle-orm';
import type { User } from '../context';
import type { Role } from '../../db/schema/accounts';
import { claimMachine, type ClaimStateMeta } from '../../workflows/claim/machine';
import { NO_PRO_RATA } from './pro-rata';
import { waitingSince, type TaskCursor } from './since';

// The inbox's second source beside the cases (list.ts): claims waiting in a state whose meta
// declares a task, for the role it names, within that role's jurisdiction over claims.
const claimTasks = Object.entries(claimMachine.root.states).flatMap(([state, node]) => {
  const task = (node.meta as ClaimStateMeta | undefined)?.task;
  return task ? [{ state, ...task }] : [];
});

/** The claims a role decides, as SQL over `claims` joined to its case; undefined when the role decides none. */
function jurisdiction(role: Role, user: User): SQL | undefined {
  // the staff of the policy's insurer (server/claims/workflow.ts seesClaimAs)
  if (role === 'insurer' && user.insurerId) return sql`cases.insurer_id = ${user.insurerId}`;
  return undefined;
}

/**
 * The claim rows of the inbox, in the columns of the case rows and the same order, with their own
 * cursor condition; null when the person has no claim to decide.
 */
export function claimTaskRows(user: User, after: TaskCursor | null, noDue: string, limit: number): SQL | null {
  const branches = user.roles.flatMap((role) => {
    const where = jurisdiction(role, user);
    if (!where) return [];
    return claimTasks.filter((t) => t.role === role).map((t) => ({ when: sql`(claims.state = ${t.state} and ${where})`, task: t.label }));
  });
  if (branches.length === 0) return null;
  const pick = (value: (b: (typeof branches)[number]) => string) => sql`(case ${sql.join(branches.map((b) => sql`when ${b.when} then ${value(b)}::text`), sql` `)} end)`;
  return sql`
    select claims.id, claims.case_id, cases.round_id, null::text as via, claims.id as claim_id, null::uuid as batch_id, claims.number, claims.state, ${pick((b) => b.task.en)} as task, ${pick((b) => b.task.zh)} as task_zh,
           cases.material->>'name' as material_name, e.name as firm_name, null::int as batch_payments, null::text as batch_total, ${NO_PRO_RATA}
           null::text as kind, null::date as due_on, null::timestamptz as due_at, ${noDue}::timestamptz as sort_due, s.since,
           null::boolean as overdue, null::boolean as provisional, null::text as status, null::int as paused_left,
           null::uuid as claimed_by, null::text as claimed_by_name, null::timestamptz as claimed_at
    from claims
    join cases on cases.id = claims.case_id
    join enterprises e on e.id = cases.enterprise_id
    -- waiting since it entered its state: the insurer's decision, since it was reported
    cross join lateral (select ${waitingSince('claim', sql`claims.id`, sql`claims.reported_at`)} as since) s
    where (${sql.join(branches.map((b) => b.when), sql` or `)})
      ${after ? sql`and (${noDue}::timestamptz, s.since, claims.id) > (${after.due}::timestamptz, ${after.since}::timestamptz, ${after.id}::uuid)` : sql``}
    order by s.since, claims.id
    limit ${limit}`;
}
