import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { cases, taskClaims } from '../../db/schema';
import { inboxTasks } from '../../workflows/case/chart';
import { OPEN, SEEING } from '../../workflows/case/expert-guards';
import type { InboxTask } from '../../workflows/case/types';

/** A clock of one assignee that has run out while their assignment is still open: ASSIGN_EXPERTS may replace them (expert-candidates.ts, replacesOpenAssignment). */
export const lateAssignee = (clock: string) => sql`(${sql.raw(clock)}.assignee_id is not null and ${sql.raw(clock)}.overdue and ${sql.raw(clock)}.status in ('expired', 'running')
  and exists (select 1 from jsonb_array_elements(coalesce(${cases.snapshot}->'context'->'experts', '[]'::jsonb)) a
    where a->>'expertId' = ${sql.raw(clock)}.assignee_id::text and a->>'status' = any(${`{${OPEN.join(',')}}`}::text[])))`;

/** The SQL of each `onlyWhile` a chart task may declare (workflows/case/types.ts InboxTask), true of a row of `cases`. */
export const ONLY_WHILE: Record<NonNullable<InboxTask['onlyWhile']>, (task: InboxTask) => SQL> = {
  assigneeOverdue: (task) => sql`exists (select 1 from clocks late where late.owner_id = ${cases.id} and late.kind = ${task.urgentBy ?? ''} and ${lateAssignee('late')})`,
  // the assignments that can still score or have (expert-guards.ts SEEING), against the quorum frozen into the case
  // an open assignment whose expert can no longer act (server/cases/unavailable-experts.ts says it for one case)
  assigneeUnavailable: () => sql`exists (select 1 from jsonb_array_elements(coalesce(${cases.snapshot}->'context'->'experts', '[]'::jsonb)) a
    join users gone on gone.id::text = a->>'expertId'
    where a->>'status' = any(${`{${OPEN.join(',')}}`}::text[]) and (not gone.active or not (gone.roles @> array['expert']::text[])))`,
  panelShort: () => sql`(select count(*) from jsonb_array_elements(coalesce(${cases.snapshot}->'context'->'experts', '[]'::jsonb)) a
    where a->>'status' = any(${`{${SEEING.join(',')}}`}::text[])) < (${cases.snapshot}->'context'->'expertReview'->>'quorum')::int`,
};

/**
 * True of a task claim (a row of task_claims) whose task waits only while something holds of the
 * case (`onlyWhile`) once none of its state's tasks for the claim's role holds any more: the late
 * or declined experts are replaced, though the case stays in expert review. Such a hold is given
 * back with the transition that ended the task, as one on a state the case has left is; otherwise
 * it would name its holder again when the task next comes back. Read after the transition's
 * writes: it looks at the case row and the clocks as they are now.
 */
export const conditionalHoldEnded: SQL | undefined = (() => {
  const byState = new Map<string, { path: string; role: InboxTask['role']; when: SQL[]; always: boolean }>();
  for (const task of inboxTasks) {
    const path = task.path.join('.');
    const key = `${path} ${task.role}`;
    const group = byState.get(key) ?? { path, role: task.role, when: [], always: false };
    if (task.onlyWhile) group.when.push(ONLY_WHILE[task.onlyWhile](task));
    else group.always = true;
    byState.set(key, group);
  }
  const conditional = [...byState.values()].filter((g) => !g.always && g.when.length > 0);
  return or(
    ...conditional.map(
      (g) =>
        sql`(${and(eq(taskClaims.task, g.path), eq(taskClaims.role, g.role as never))} and not exists (select 1 from ${cases} where ${cases.id} = ${taskClaims.caseId} and (${or(...g.when)})))`,
    ),
  );
})();
