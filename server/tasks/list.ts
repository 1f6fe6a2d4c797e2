import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ServiceContext, User } from '../context';
import { badRequest } from '../errors';
import { cases } from '../../db/schema';
import type { ClockStatus } from '../../db/schema/clocks';
import { inboxTasks } from '../../workflows/case/chart';
import { visibleAs } from '../cases/visibility';

export const tasksQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// What each role has to do, and the clock that says by when (SPEC §2, §4): declared as `task` on
// the states of the chart (workflows/case/chart.ts). A case is in an inbox while its state waits
// for one of the person's roles, within that role's jurisdiction; the case page offers the buttons.
interface Waiting {
  when: SQL;
  task: string;
  taskZh: string;
  clock: string | null;
}

/** Where a state lives in the row: the indexed state column, or the snapshot for a parallel region. */
function inState(path: readonly string[], primary: string | null): SQL {
  if (primary !== null) return sql`${cases.state} = ${primary}`;
  const region = `{${path.slice(0, -1).join(',')}}`;
  return sql`(${cases.snapshot}->'value') #>> ${region}::text[] = ${path.at(-1)}`;
}

function waitingFor(user: User): Waiting[] {
  return user.roles.flatMap((role) => {
    const jurisdiction = visibleAs(role, user);
    if (!jurisdiction) return [];
    return inboxTasks
      .filter((t) => t.role === role)
      .map((t) => ({ when: sql`(${jurisdiction} and ${inState(t.path, t.primary)})`, task: t.label.en, taskZh: t.label.zh, clock: t.urgentBy ?? null }));
  });
}

const NO_DUE = '9999-12-31T00:00:00.000Z';
interface Cursor {
  due: string;
  id: string;
}
function decode(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<Cursor>;
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (typeof c.due !== 'string' || !iso.test(c.due) || Number.isNaN(Date.parse(c.due)) || typeof c.id !== 'string' || !uuid.test(c.id)) throw new Error('shape');
    return { due: c.due, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  }
}

interface TaskRowBase extends Record<string, unknown> {
  id: string;
  number: string;
  state: string;
  task: string;
  task_zh: string;
  material_name: string | null;
  firm_name: string;
  sort_due: Date;
}
// the clock columns come from a left join: all null when the task has no running clock, all set (they are not null in clocks) when it has one
type TaskRow =
  | (TaskRowBase & { kind: null; due_on: null; due_at: null; overdue: null; provisional: null; status: null })
  | (TaskRowBase & { kind: string; due_on: string; due_at: Date; overdue: boolean; provisional: boolean; status: ClockStatus });

/** GET /tasks: my inbox, soonest deadline first, overdue ones marked. */
export async function listTasks(ctx: ServiceContext, q: z.output<typeof tasksQuerySchema>) {
  const waiting = waitingFor(ctx.user);
  if (waiting.length === 0) return { items: [], nextCursor: null };
  // a person with several roles sees each case once, under the first task that applies
  const task = sql`case ${sql.join(waiting.map((w) => sql`when ${w.when} then ${w.task}`), sql` `)} end`;
  const taskZh = sql`case ${sql.join(waiting.map((w) => sql`when ${w.when} then ${w.taskZh}`), sql` `)} end`;
  const clock = sql`case ${sql.join(waiting.map((w) => sql`when ${w.when} then ${w.clock}`), sql` `)} end`;
  const after = q.cursor ? decode(q.cursor) : null;
  const rows = (await ctx.app.db.execute(sql`
    select cases.id, cases.number, cases.state, ${task} as task, ${taskZh} as task_zh,
           cases.material->>'name' as material_name, e.name as firm_name,
           k.kind, k.due_on, k.due_at, coalesce(k.due_at, ${NO_DUE}::timestamptz) as sort_due, k.overdue, k.provisional, k.status
    from cases
    join enterprises e on e.id = cases.enterprise_id
    left join lateral (
      select kind, due_on, due_at, overdue, provisional, status from clocks
      where owner_id = cases.id and status in ('running', 'paused', 'expired')
        and kind = ${clock}
      order by started_at desc limit 1
    ) k on true
    where (${sql.join(waiting.map((w) => w.when), sql` or `)})
      ${after ? sql`and (coalesce(k.due_at, ${NO_DUE}::timestamptz), cases.id) > (${after.due}::timestamptz, ${after.id}::uuid)` : sql``}
    order by sort_due, cases.id
    limit ${q.limit + 1}`)) as unknown as TaskRow[];
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      caseId: r.id,
      number: r.number,
      state: r.state,
      task: r.task,
      taskZh: r.task_zh,
      materialName: r.material_name,
      firmName: r.firm_name,
      due: r.kind ? { kind: r.kind, dueOn: r.due_on, dueAt: new Date(r.due_at).toISOString(), overdue: Boolean(r.overdue), provisional: Boolean(r.provisional), status: r.status } : null,
    })),
    nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify({ due: toIso(last.sort_due), id: last.id })).toString('base64url') : null,
  };
}

const toIso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

