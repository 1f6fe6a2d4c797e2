import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ServiceContext, User } from '../context';
import { badRequest } from '../errors';
import { isCalendarInstant, UUID } from '../domain/keyset';
import { cases } from '../../db/schema';
import type { ClockStatus } from '../../db/schema/clocks';
import { inboxTasks } from '../../workflows/case/chart';
import { holdsAssignment, visibleAs } from '../cases/visibility';
import { OPEN } from '../../workflows/case/expert-guards';
import { lateAssignee, ONLY_WHILE } from './only-while';
import type { InboxTask } from '../../workflows/case/types';
import type { Role } from '../../db/schema/accounts';
import { formatYuan } from '../domain/money';
import { shanghaiDate, workingDaysBetween, type CalendarData, type IsoDate } from '../calendar/workdays';
import { claimTaskRows } from './claims';
import { batchTaskRows } from './batches';
import { NO_PRO_RATA, proRataTaskRows } from './pro-rata';
import { waitingSince, type TaskCursor } from './since';

export const tasksQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// What each role has to do, and the clock that says by when (SPEC §2, §4): declared as `task` on
// the states of the chart (workflows/case/chart.ts). A case is in an inbox while its state waits
// for one of the person's roles, within that role's jurisdiction; the case page offers the buttons.
export interface Waiting {
  when: SQL;
  role: Role;
  /** the chart path of the state the task waits in */
  path: string;
  task: string;
  taskZh: string;
  clock: string | null;
  /** the round's closing is the deadline, and the task leaves the inbox once the round has closed */
  byRoundClose: boolean;
  /** the deadline is the earliest overdue clock of somebody else's open assignment (a late expert's) */
  ofLateAssignee: boolean;
  /** the step is taken on another aggregate (a notice, a disbursement batch), not on the case */
  via: NonNullable<InboxTask['via']> | null;
}

/** Where a state lives in the row: the indexed state column, or the snapshot for a parallel region. */
function inState(path: readonly string[], primary: string | null): SQL {
  const region = `{${path.slice(0, -1).join(',')}}`;
  // a step inside a stage (expert: assigning, reviewing) is the stage's column and the step's value
  if (primary !== null && path.at(-2) === primary) return sql`(${cases.state} = ${primary} and (${cases.snapshot}->'value') #>> ${region}::text[] = ${path.at(-1)})`;
  if (primary !== null) return sql`${cases.state} = ${primary}`;
  return sql`(${cases.snapshot}->'value') #>> ${region}::text[] = ${path.at(-1)}`;
}

/** The case's round still takes submissions at `now` (SUBMIT's rule, server/cases/readiness.ts). */
const roundOpenAt = (now: Date) =>
  sql`(${cases.submittedAt} is not null or exists (select 1 from rounds r where r.id = ${cases.roundId} and r.closes_at > ${now.toISOString()}::timestamptz))`;

export function waitingFor(user: User, now: Date): Waiting[] {
  return user.roles.flatMap((role) => {
    // an expert's task is their own open assignment, not every case they were assigned to
    const jurisdiction = role === 'expert' ? holdsAssignment(user, OPEN) : visibleAs(role, user);
    if (!jurisdiction) return [];
    return inboxTasks
      .filter((t) => t.role === role)
      .map((t) => ({
        when: sql`(${jurisdiction} and ${inState(t.path, t.primary)}${t.byRoundClose ? sql` and ${roundOpenAt(now)}` : sql``}${t.onlyWhile ? sql` and ${ONLY_WHILE[t.onlyWhile](t)}` : sql``})`,
        role,
        path: t.path.join('.'),
        task: t.label.en,
        taskZh: t.label.zh,
        clock: t.urgentBy ?? null,
        byRoundClose: t.byRoundClose === true,
        ofLateAssignee: t.onlyWhile === 'assigneeOverdue',
        via: t.via ?? null,
      }));
  });
}

const NO_DUE = '9999-12-31T00:00:00.000Z';
const VIAS = ['notice', 'batch'] as const;
/**
 * A deadline this near is marked due soon: the lead of the reviewers' reminders (SPEC §4, "2
 * working days before" the municipal, provincial, expert and objection clocks), so that the mark
 * shows from the day their reminder goes out.
 */
export const DUE_SOON_WORKING_DAYS = 2;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isInstant = (v: unknown): v is string => typeof v === 'string' && ISO.test(v) && isCalendarInstant(v);
/** A cursor of ours; one given out before the inbox was ordered by `since` too (it has none) is refused as any other it did not give out. */
function decode(s: string): TaskCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<TaskCursor>;
    if (!isInstant(c.due) || !isInstant(c.since) || typeof c.id !== 'string' || !UUID.test(c.id)) throw new Error('shape');
    return { due: c.due, since: c.since, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);
  }
}

interface TaskRowBase extends Record<string, unknown> {
  /** the task's own id, the cursor's: the case's, the claim's for a claim to decide, the batch's for a batch */
  id: string;
  case_id: string | null;
  round_id: string;
  via: string | null;
  claim_id: string | null;
  batch_id: string | null;
  number: string;
  state: string;
  task: string;
  task_zh: string;
  material_name: string | null;
  firm_name: string | null;
  batch_payments: number | null;
  batch_total: string | null;
  pro_rata_id: string | null;
  pro_rata_cases: number | null;
  pro_rata_total: string | null;
  pro_rata_available: string | null;
  pro_rata_by: string | null;
  pro_rata_by_name: string | null;
  sort_due: Date;
  /** when the task began waiting (since.ts): the second key of the order */
  since: Date;
  claimed_by: string | null;
  claimed_by_name: string | null;
  claimed_at: Date | null;
}
// the clock columns come from a left join: all null when the task has no running clock, all set (they are not null in clocks) when it has one
type TaskRow =
  | (TaskRowBase & { kind: null; due_on: null; due_at: null; overdue: null; provisional: null; status: null; paused_left: null })
  | (TaskRowBase & { kind: string; due_on: string; due_at: Date; overdue: boolean; provisional: boolean; status: ClockStatus; paused_left: number | null });

/**
 * GET /tasks: my inbox, soonest deadline first, overdue ones marked; cases, claims to decide,
 * disbursement batches and pro-rata proposals to approve. Tasks due alike (those without a
 * deadline, above all) come in the order they began waiting, the oldest first.
 */
export async function listTasks(ctx: ServiceContext, q: z.output<typeof tasksQuerySchema>) {
  const now = ctx.app.clock.now();
  const waiting = waitingFor(ctx.user, now);
  const after = q.cursor ? decode(q.cursor) : null;
  const sources = [
    ...(waiting.length > 0 ? [caseTaskRows(ctx, waiting, after, q.limit + 1)] : []),
    ...[claimTaskRows(ctx.user, after, NO_DUE, q.limit + 1), batchTaskRows(ctx.user, after, NO_DUE, q.limit + 1), proRataTaskRows(ctx.user, after, NO_DUE, q.limit + 1)].filter((rows) => rows !== null),
  ];
  const [first, ...others] = sources;
  if (!first) return { items: [], nextCursor: null };
  // each source brings its first page in the inbox's order; the union keeps the first of them all
  const query =
    others.length === 0 ? first : sql`select * from (${sql.join(sources.map((s) => sql`(${s})`), sql` union all `)}) tasks order by sort_due, since, id limit ${q.limit + 1}`;
  const rows = (await ctx.app.db.execute(query)) as unknown as TaskRow[];
  const page = rows.slice(0, q.limit);
  const calendar = await ctx.app.calendar.get(ctx.app.db);
  const today = shanghaiDate(now);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      caseId: r.case_id,
      roundId: r.round_id,
      claimId: r.claim_id,
      batchId: r.batch_id,
      proRataId: r.pro_rata_id,
      number: r.number,
      state: r.state,
      task: r.task,
      taskZh: r.task_zh,
      via: VIAS.find((v) => v === r.via) ?? null,
      materialName: r.material_name,
      firmName: r.firm_name,
      batch: r.batch_id ? { payments: r.batch_payments ?? 0, total: formatYuan(BigInt(r.batch_total ?? '0')) } : null,
      proRata: r.pro_rata_id
        ? {
            cases: r.pro_rata_cases ?? 0,
            total: formatYuan(BigInt(r.pro_rata_total ?? '0')),
            available: formatYuan(BigInt(r.pro_rata_available ?? '0')),
            proposedBy: { id: r.pro_rata_by ?? '', name: r.pro_rata_by_name ?? '' },
          }
        : null,
      due: r.kind ? dueOf(r, today, calendar) : null,
      claimedBy: r.claimed_by ? { id: r.claimed_by, name: r.claimed_by_name ?? '', at: new Date(r.claimed_at ?? 0).toISOString(), mine: r.claimed_by === ctx.user.id } : null,
    })),
    nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify({ due: toIso(last.sort_due), since: toIso(last.since), id: last.id })).toString('base64url') : null,
  };
}

/** A task's deadline, with the working days left counted on the clocks' own calendar; a paused clock keeps those it had when it stopped. */
function dueOf(r: Extract<TaskRow, { kind: string }>, today: IsoDate, calendar: CalendarData) {
  const overdue = Boolean(r.overdue);
  const paused = r.status === 'paused';
  const remainingWorkingDays = paused ? (r.paused_left ?? 0) : workingDaysBetween(today, r.due_on, calendar);
  return {
    kind: r.kind,
    dueOn: r.due_on,
    dueAt: new Date(r.due_at).toISOString(),
    overdue,
    dueSoon: !overdue && !paused && remainingWorkingDays <= DUE_SOON_WORKING_DAYS,
    provisional: Boolean(r.provisional),
    status: r.status,
    remainingWorkingDays,
  };
}

const toIso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The cases waiting for the person, in the inbox's order, after the cursor. */
function caseTaskRows(ctx: ServiceContext, waiting: readonly Waiting[], after: TaskCursor | null, limit: number): SQL {
  // a person with several roles sees each case once, under the first task that applies
  const task = firstOf(waiting, (w) => w.task);
  const taskZh = firstOf(waiting, (w) => w.taskZh);
  const via = taskVia(waiting);
  const clock = firstOf(waiting, (w) => w.clock);
  const flag = (pick: (w: Waiting) => boolean) => sql`(case ${sql.join(waiting.map((w) => sql`when ${w.when} then ${sql.raw(String(pick(w)))}`), sql` `)} end)`;
  const byRoundClose = flag((w) => w.byRoundClose);
  const ofLateAssignee = flag((w) => w.ofLateAssignee);
  const role = taskRole(waiting);
  return sql`
    select cases.id, cases.id as case_id, cases.round_id, ${via} as via, null::uuid as claim_id, null::uuid as batch_id, cases.number, cases.state, ${task} as task, ${taskZh} as task_zh,
           cases.material->>'name' as material_name, e.name as firm_name, null::int as batch_payments, null::text as batch_total, ${NO_PRO_RATA}
           k.kind, k.due_on, k.due_at, coalesce(k.due_at, ${NO_DUE}::timestamptz) as sort_due, s.since, k.overdue, k.provisional, k.status, k.paused_left,
           claim.user_id as claimed_by, claimer.name as claimed_by_name, claim.claimed_at
    from cases
    join enterprises e on e.id = cases.enterprise_id
    left join task_claims claim on claim.case_id = cases.id and claim.role = ${role}
    left join users claimer on claimer.id = claim.user_id
    left join lateral (
      (select kind, due_on, due_at, overdue, provisional, status, remaining_working_days as paused_left from clocks
      where owner_id = cases.id and status in ('running', 'paused', 'expired')
        and kind = ${clock}
        -- a clock per assignee (an expert's own) is the task of that person only, or of whoever replaces them once it has run out
        and (case when ${ofLateAssignee} then ${lateAssignee('clocks')} else (assignee_id is null or assignee_id = ${ctx.user.id}) end)
      order by (case when ${ofLateAssignee} then due_at end), started_at desc limit 1)
      union all
      -- a draft is due when its round closes: the last day is the Beijing date of the closing's last moment
      (select 'roundClosing', ((r.closes_at - interval '1 millisecond') at time zone 'Asia/Shanghai')::date, r.closes_at, false, false, 'running'::text, null::int
      from rounds r where r.id = cases.round_id and ${byRoundClose})
      limit 1
    ) k on true
    cross join lateral (select ${waitingSince('case', sql`cases.id`, sql`cases.created_at`)} as since) s
    where (${sql.join(waiting.map((w) => w.when), sql` or `)})
      ${after ? sql`and (coalesce(k.due_at, ${NO_DUE}::timestamptz), s.since, cases.id) > (${after.due}::timestamptz, ${after.since}::timestamptz, ${after.id}::uuid)` : sql``}
    order by sort_due, s.since, cases.id
    limit ${limit}`;
}


/** A value of the first task that applies to the row, as SQL over the inbox's conditions. */
function firstOf(waiting: readonly Waiting[], value: (w: Waiting) => string | null): SQL {
  return sql`case ${sql.join(waiting.map((w) => sql`when ${w.when} then ${value(w)}`), sql` `)} end`;
}

/** Which of the person's roles a case waits for, as SQL over the same conditions as the inbox. */
export function taskRole(waiting: readonly Waiting[]): SQL {
  return firstOf(waiting, (w) => w.role);
}

/** Where the task a case waits in for the person is done when not on the case (a notice, a batch), as SQL over the inbox conditions; null when on the case. */
export function taskVia(waiting: readonly Waiting[]): SQL {
  return firstOf(waiting, (w) => w.via);
}

/** The chart path of the task a case waits in for the person, as SQL over the inbox conditions. */
export function taskPath(waiting: readonly Waiting[]): SQL {
  return firstOf(waiting, (w) => w.path);
}
