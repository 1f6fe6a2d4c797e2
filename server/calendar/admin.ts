// The working-day calendar as administrators keep it (SPEC §4: "held in a table that an
// administrator can correct"): read a year, or replace a year's schedule and recount the running
// deadlines it touches, in one transaction.
import { z } from 'zod';
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { calendarChanges, calendarDays, calendarYears } from '../../db/schema';
import type { AppContext, ServiceContext } from '../context';
import { forbidden, unprocessable, type FieldError } from '../errors';
import { recomputeClocks } from '../engine/recompute';
import { isWeekend } from './dates';
import { LUNAR_MAX_YEAR } from './chinese-days';
import { statutoryHolidays } from './statutory';
import { bullJob } from '../jobs/registry';

// Real schedules list about thirty days; the bound also keeps any rest run far below the
// 366-day limit of the counting code.
const MAX_DAYS = 100;

export const calendarYearParams = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a four-digit year')
    .transform(Number)
    .pipe(z.int().min(2000, 'the calendar covers 2000–2100').max(2100, 'the calendar covers 2000–2100')),
});

export const calendarYearBody = z
  .strictObject({
    published: z.boolean().meta({ description: "true once the State Council's schedule is complete; until then deadlines over the year stay provisional" }),
    days: z
      .array(
        z.strictObject({
          date: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
          kind: z.enum(['holiday', 'workday'], { error: "must be 'holiday' (a weekday off) or 'workday' (a weekend day worked, 调休上班)" }),
          name: z.string().trim().min(1).max(50).nullish().meta({ description: 'the festival, e.g. 春节' }),
        }),
      )
      .max(MAX_DAYS, `at most ${MAX_DAYS} days`)
      .meta({ description: 'departures from the Mon–Fri rule only; replaces every row of the year' }),
  })
  .meta({ id: 'CalendarYear' });

export type CalendarYearBody = z.output<typeof calendarYearBody>;

export function requireRole(ctx: ServiceContext, roles: readonly string[], what: string): void {
  if (!ctx.user.roles.some((r) => roles.includes(r))) throw forbidden(what);
}

async function yearView(db: DbOrTx, year: number) {
  const [row] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  const days = await db
    .select({ date: calendarDays.date, kind: calendarDays.kind, name: calendarDays.name, source: calendarDays.source })
    .from(calendarDays)
    .where(and(gte(calendarDays.date, `${year}-01-01`), lte(calendarDays.date, `${year}-12-31`)))
    .orderBy(asc(calendarDays.date));
  return { year, published: row?.published ?? false, days };
}

/**
 * Until a year's schedule is marked published, its rows are not counted (workdays.ts): deadlines
 * over it run on the statutory holidays instead and are provisional. The answer says so and lists
 * those days, so that a year without rows does not read as "Monday to Friday all year".
 */
function withFallback(view: Awaited<ReturnType<typeof yearView>>) {
  // the lunar tables end in 2099; the counting code cannot count through 2100 either
  const statutory = view.published || view.year > LUNAR_MAX_YEAR ? [] : statutoryHolidays(view.year);
  return { ...view, provisional: !view.published, statutoryDays: statutory.map((d) => ({ date: d.date, kind: 'holiday' as const, name: d.name })) };
}

export async function readCalendarYear(ctx: ServiceContext, year: number) {
  requireRole(ctx, ['admin', 'provincial'], 'only administrators and provincial reviewers read the calendar');
  return withFallback(await yearView(ctx.app.db, year));
}

const reason = (path: string, code: string, message: string, messageZh: string): FieldError => ({ path, code, message, messageZh });

export function dayProblems(year: number, days: CalendarYearBody['days']): FieldError[] {
  const problems: FieldError[] = [];
  const firstIndex = new Map<string, number>();
  days.forEach((day, i) => {
    if (!day.date.startsWith(`${year}-`)) {
      problems.push(reason(`days.${i}.date`, 'calendar.other_year', `${day.date} is not in ${year}`, `${day.date} 不在 ${year} 年内`));
      return;
    }
    const first = firstIndex.get(day.date);
    if (first === undefined) firstIndex.set(day.date, i);
    else problems.push(reason(`days.${i}.date`, 'calendar.duplicate', `${day.date} is already listed as days.${first}`, `${day.date} 与 days.${first} 重复`));
    const weekend = isWeekend(day.date);
    if (day.kind === 'workday' && !weekend) {
      problems.push(reason(`days.${i}.kind`, 'calendar.pointless_workday', `${day.date} is a weekday and a working day anyway: list only weekend days worked`, `${day.date} 本为工作日，只需列出调休上班的周末`));
    }
    if (day.kind === 'holiday' && weekend) {
      problems.push(reason(`days.${i}.kind`, 'calendar.pointless_holiday', `${day.date} is a weekend day and a rest day anyway: list only weekdays off`, `${day.date} 本为休息日，只需列出放假的工作日`));
    }
  });
  return problems;
}

// A deadline timer firing for a clock being recounted locks timer then case, this edit case then
// timer; Postgres aborts one of the two, and the edit is safe to run again from the start.
async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (attempt >= attempts || code !== '40P01') throw err;
    }
  }
}

/**
 * Where a day of a replaced schedule comes from: a day the schedule held before, unchanged, keeps
 * its source (the State Council's stays official); a day added or changed is the administrator's.
 */
function sourceOf(day: CalendarYearBody['days'][number], before: readonly { date: string; kind: string; name: string | null; source: 'official' | 'admin' }[]) {
  const was = before.find((b) => b.date === day.date);
  return was && was.kind === day.kind && was.name === (day.name ?? null) ? was.source : ('admin' as const);
}

/**
 * Replaces a year's schedule (rows and published flag) and recounts the running deadlines it can
 * move. The year before and after, who changed it and what was recounted go to calendar_changes.
 */
export async function replaceCalendarYear(ctx: ServiceContext, year: number, body: CalendarYearBody) {
  requireRole(ctx, ['admin'], 'only administrators may change the working-day calendar');
  const problems = dayProblems(year, body.days);
  if (problems.length > 0) throw unprocessable(`the ${year} schedule cannot be loaded`, problems);
  const now = ctx.app.clock.now();
  const result = await retryOnDeadlock(() =>
    ctx.app.db.transaction(async (tx) => {
      // one calendar edit at a time, so each recount sees the whole calendar it will leave behind
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('firstbatch.calendar'))`);
      const before = await yearView(tx, year);
      await tx.insert(calendarYears).values({ year, published: body.published }).onConflictDoUpdate({ target: calendarYears.year, set: { published: body.published } });
      await tx.delete(calendarDays).where(and(gte(calendarDays.date, `${year}-01-01`), lte(calendarDays.date, `${year}-12-31`)));
      if (body.days.length > 0) {
        await tx.insert(calendarDays).values(body.days.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? null, source: sourceOf(d, before.days) })));
      }
      const recomputed = await recomputeClocks(tx, ctx.app, { year, now, actorId: ctx.user.id });
      const after = await yearView(tx, year);
      await tx.insert(calendarChanges).values({
        year,
        changedBy: ctx.user.id,
        requestId: ctx.requestId,
        before,
        after,
        recomputedClockIds: recomputed.map((r) => r.clockId),
        at: now,
      });
      return { ...withFallback(after), recomputed };
    }),
  );
  ctx.app.calendar.invalidate();
  await scheduleSecondPass(ctx, year);
  const changedBy = { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email };
  ctx.app.log.info(
    { year, published: body.published, days: body.days.length, recomputed: result.recomputed.map((r) => r.clockId), changedBy: changedBy.id, requestId: ctx.requestId },
    'working-day calendar year replaced',
  );
  return { ...result, changedBy, changedAt: now.toISOString() };
}

// Other processes keep their calendar for up to 5 s, and a transition that began before this edit
// may commit after the recount read the clocks: either can leave a deadline counted on the old
// calendar. A second recount a little later catches those (recounting is idempotent).
const SECOND_PASS_DELAY_MS = 15_000;

async function scheduleSecondPass(ctx: ServiceContext, year: number): Promise<void> {
  try {
    const { name, data, opts } = bullJob('recount', { year, requestedAt: Date.now() }, ctx.app.clock.now());
    await ctx.app.queues.deadlines.add(name, data, { ...opts, delay: SECOND_PASS_DELAY_MS });
  } catch (err) {
    ctx.app.log.warn({ err, year }, 'could not schedule the second recount of the calendar year');
  }
}

/** The deadlines worker's `recount` job: recount a year's running deadlines on the current calendar. */
export async function recountYear(app: AppContext, year: number): Promise<number> {
  const recomputed = await retryOnDeadlock(() =>
    app.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('firstbatch.calendar'))`);
      return recomputeClocks(tx, app, { year, now: app.clock.now(), actorId: null });
    }),
  );
  if (recomputed.length > 0) app.log.info({ year, recomputed: recomputed.map((r) => r.clockId) }, 'second recount moved deadlines');
  return recomputed.length;
}
