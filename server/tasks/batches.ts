import { sql, type SQL } from 'drizzle-orm';
import type { User } from '../context';
import { relatedToBatch } from '../batches/related';
import { batchMachine, type BatchStateMeta } from '../../workflows/batch/machine';
import { NO_PRO_RATA } from './pro-rata';
import { waitingSince, type TaskCursor } from './since';

// The inbox's third source beside the cases (list.ts) and the claims (claims.ts): disbursement
// batches waiting in a state whose meta declares a task, for finance. The batch's own page acts.
const batchTasks = Object.entries(batchMachine.root.states).flatMap(([state, node]) => {
  const task = (node.meta as BatchStateMeta | undefined)?.task;
  return task ? [{ state, ...task }] : [];
});

/** The person's own ties to a batch's firms (their firm, their affiliations), false when they have none (finance staff, as a rule). */
function relatedToMember(user: User): SQL {
  if (!user.enterpriseId && user.affiliations.length === 0) return sql`false`;
  const affiliations = user.affiliations.length > 0 ? sql`array[${sql.join(user.affiliations.map((a) => sql`${a}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;
  return relatedToBatch(sql`b.id`, { enterpriseId: sql`${user.enterpriseId}::uuid`, affiliations });
}

/**
 * The batch rows of the inbox, in the columns of the case rows and the same order, with their own
 * cursor condition; null when the person has no batch to act on. A draft (new, or returned) is its
 * creator's task, to submit; a batch awaiting approval is the task of every finance user who may
 * approve it (neither its creator nor its submitter); an approved one, with payments still
 * unrecorded, of every finance user, dated by its payment clock.
 */
export function batchTaskRows(user: User, after: TaskCursor | null, noDue: string, limit: number): SQL | null {
  const branches = batchTasks
    .filter((t) => user.roles.includes(t.role))
    .map((t) => ({
      when: sql`(b.state = ${t.state}${t.secondPerson ? sql` and b.created_by <> ${user.id} and coalesce(b.snapshot->'context'->>'submittedBy', '') <> ${user.id}` : sql``}${t.creatorOnly ? sql` and b.created_by = ${user.id}` : sql``})`,
      task: t.label,
      clock: t.urgentBy ?? null,
    }));
  if (branches.length === 0) return null;
  const pick = (value: (b: (typeof branches)[number]) => string | null) => sql`(case ${sql.join(branches.map((b) => sql`when ${b.when} then ${value(b)}::text`), sql` `)} end)`;
  const sortDue = sql`coalesce(k.due_at, ${noDue}::timestamptz)`;
  return sql`
    select b.id, null::uuid as case_id, b.round_id, null::text as via, null::uuid as claim_id, b.id as batch_id, b.number, b.state, ${pick((b) => b.task.en)} as task, ${pick((b) => b.task.zh)} as task_zh,
           null::text as material_name, pay.firm_name,
           pay.payments as batch_payments, pay.total as batch_total, ${NO_PRO_RATA}
           k.kind, k.due_on, k.due_at, ${sortDue} as sort_due, s.since, k.overdue, k.provisional, k.status, k.paused_left,
           null::uuid as claimed_by, null::text as claimed_by_name, null::timestamptz as claimed_at
    from disbursement_batches b
    -- what it pays, cancelled payments left out (scope.ts batchTotals); the firm named when there is only one
    join lateral (
      select count(*)::int as payments, coalesce(sum(p.amount_fen), 0)::text as total,
             (case when count(distinct c.enterprise_id) = 1 then min(e.name) end) as firm_name
      from payments p join cases c on c.id = p.case_id join enterprises e on e.id = c.enterprise_id
      where p.batch_id = b.id and p.status <> 'cancelled'
    ) pay on true
    left join lateral (
      select kind, due_on, due_at, overdue, provisional, status, remaining_working_days as paused_left from clocks
      where owner_id = b.id and kind = ${pick((b) => b.clock)} and status in ('running', 'paused', 'expired')
      order by started_at desc limit 1
    ) k on true
    cross join lateral (select ${waitingSince('batch', sql`b.id`, sql`b.created_at`)} as since) s
    where (${sql.join(
      branches.map((b) => b.when),
      sql` or `,
    )}) and not ${relatedToMember(user)}
      ${after ? sql`and (${sortDue}, s.since, b.id) > (${after.due}::timestamptz, ${after.since}::timestamptz, ${after.id}::uuid)` : sql``}
    order by sort_due, s.since, b.id
    limit ${limit}`;
}
