import { sql, type SQL } from 'drizzle-orm';
import type { User } from '../context';
import type { TaskCursor } from './since';

// The inbox's fourth source beside the cases, claims and batches: a round's open pro-rata proposal
// (按比例核减方案, SPEC §6), the task of every finance user but its proposer (four eyes, as
// approve.ts refuses the proposer). It leaves the inbox once approved, or superseded by a newer
// proposal of the round (propose.ts): neither is open any more. Approved on the proposal's page.
export const PRO_RATA_TASK = { en: 'approve the pro-rata reduction', zh: '审核按比例核减方案' } as const;

/**
 * The pro-rata rows of the inbox, in the columns of the case rows and the same order (no deadline:
 * after every task that has one, by when it was proposed); null when the person is not finance.
 */
export function proRataTaskRows(user: User, after: TaskCursor | null, noDue: string, limit: number): SQL | null {
  if (!user.roles.includes('finance')) return null;
  const since = sql`date_trunc('milliseconds', p.proposed_at)`;
  return sql`
    select p.id, null::uuid as case_id, p.round_id, null::text as via, null::uuid as claim_id, null::uuid as batch_id, r.name as number, p.status as state,
           ${PRO_RATA_TASK.en}::text as task, ${PRO_RATA_TASK.zh}::text as task_zh,
           null::text as material_name, null::text as firm_name, null::int as batch_payments, null::text as batch_total,
           p.id as pro_rata_id, (select count(*)::int from pro_rata_items i where i.proposal_id = p.id) as pro_rata_cases,
           p.total_fen::text as pro_rata_total, p.available_fen::text as pro_rata_available, p.proposed_by as pro_rata_by, u.name as pro_rata_by_name,
           null::text as kind, null::date as due_on, null::timestamptz as due_at, ${noDue}::timestamptz as sort_due, ${since} as since,
           null::boolean as overdue, null::boolean as provisional, null::text as status, null::int as paused_left,
           null::uuid as claimed_by, null::text as claimed_by_name, null::timestamptz as claimed_at
    from pro_rata_proposals p
    join rounds r on r.id = p.round_id
    join users u on u.id = p.proposed_by
    where p.status = 'open' and p.proposed_by <> ${user.id}
      ${after ? sql`and (${noDue}::timestamptz, ${since}, p.id) > (${after.due}::timestamptz, ${after.since}::timestamptz, ${after.id}::uuid)` : sql``}
    order by ${since}, p.id
    limit ${limit}`;
}

/** The pro-rata columns of the other sources' rows: none. */
export const NO_PRO_RATA = sql.raw(
  'null::uuid as pro_rata_id, null::int as pro_rata_cases, null::text as pro_rata_total, null::text as pro_rata_available, null::uuid as pro_rata_by, null::text as pro_rata_by_name,',
);
