// What adding or removing one day of the calendar would do, asked before it is done: the change
// is checked as replaceCalendarYear would check it, and the running deadlines it moves counted.
import { and, count, eq, gte, isNull, lt, or } from 'drizzle-orm';
import { calendarYears, clocks } from '../../db/schema';
import type { ServiceContext } from '../context';
import { unprocessable } from '../errors';
import { dayProblems, requireRole, type CalendarYearBody } from './admin';

/**
 * The running working-day deadlines whose count passes over `day`: those counted from before it and
 * due on or after it. A day turned into a holiday or back into a working day inside that window
 * moves the due date; outside it, it cannot. A year whose schedule is not published is not counted
 * at all (workdays.ts), so a day of it moves nothing until the year is published.
 */
async function deadlinesOver(ctx: ServiceContext, year: number, day: string): Promise<number> {
  const [row] = await ctx.app.db.select({ published: calendarYears.published }).from(calendarYears).where(eq(calendarYears.year, year));
  if (!row?.published) return 0;
  const [n] = await ctx.app.db
    .select({ n: count() })
    .from(clocks)
    .where(and(eq(clocks.status, 'running'), eq(clocks.unit, 'workingDays'), gte(clocks.dueOn, day), or(isNull(clocks.countedFrom), lt(clocks.countedFrom, day))));
  return n?.n ?? 0;
}

/** Checks the year as it would be after the change (422 with the reasons, as the change itself), and counts what it moves. */
export async function previewCalendarDay(ctx: ServiceContext, year: number, body: CalendarYearBody, day: string) {
  requireRole(ctx, ['admin'], 'only administrators may change the working-day calendar');
  const problems = dayProblems(year, body.days);
  if (problems.length > 0) throw unprocessable(`the ${year} schedule cannot be loaded`, problems);
  return { published: body.published, moves: await deadlinesOver(ctx, year, day) };
}
