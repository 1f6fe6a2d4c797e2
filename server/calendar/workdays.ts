// Working-day counting for deadlines (SPEC §4, "Clocks"). Pure: the calendar comes in as data, so
// the same inputs always give the same deadline. Default rule Mon–Fri; a published year is adjusted
// only by its official overrides, an unpublished one by the statutory holidays (provisionally).
import { epochDay, isoFromEpochDay, isWeekendEpochDay, yearOf, yearOfEpochDay } from './dates.js';
import { statutoryHolidays } from './statutory.js';
import type { CalendarData, DayOverride, IsoDate } from './types.js';

export type { CalendarData, DayKind, DayOverride, IsoDate } from './types.js';
export { addCalendarDays, endOfShanghaiDay, shanghaiDate } from './dates.js';
export { statutoryHolidays } from './statutory.js';

// No real schedule rests this long; reaching it means the calendar data is broken, and failing beats
// looping for ever.
const MAX_REST_RUN = 366;

/**
 * Rows of years that are not published are dropped: a half-entered schedule must not mix with the
 * statutory fallback, which the year keeps until it is marked published.
 */
export function calendarFrom(rows: DayOverride[], publishedYears: Iterable<number>): CalendarData {
  const years = new Set(publishedYears);
  const overrides = new Map<IsoDate, DayOverride>();
  for (const row of rows) {
    if (years.has(yearOf(row.date))) overrides.set(row.date, row);
  }
  return { publishedYears: years, overrides };
}

// Statutory lists depend only on the year, so they are worth computing once per process.
const statutoryCache = new Map<number, ReadonlyMap<IsoDate, DayOverride>>();

function statutoryDays(year: number): ReadonlyMap<IsoDate, DayOverride> {
  let days = statutoryCache.get(year);
  if (!days) {
    days = new Map(statutoryHolidays(year).map((row) => [row.date, row]));
    statutoryCache.set(year, days);
  }
  return days;
}

function workingOn(day: number, cal: CalendarData): boolean {
  const year = yearOfEpochDay(day);
  const date = isoFromEpochDay(day);
  const override = cal.publishedYears.has(year) ? cal.overrides.get(date) : statutoryDays(year).get(date);
  return override ? override.kind === 'workday' : !isWeekendEpochDay(day);
}

export function isWorkingDay(date: IsoDate, cal: CalendarData): boolean {
  return workingOn(epochDay(date), cal);
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working-day count must be a whole number ≥ 0, got ${n}`);
}

export interface WorkingDayResult {
  date: IsoDate;
  /** true if any year walked through was unpublished, so the date must be recomputed later */
  provisional: boolean;
}

/** Walks one day at a time in `step` direction until `n` working days have been passed. */
function walkWorkingDays(from: IsoDate, n: number, step: 1 | -1, cal: CalendarData): WorkingDayResult {
  assertCount(n);
  let day = epochDay(from);
  let provisional = false;
  let found = 0;
  let restRun = 0;
  while (found < n) {
    day += step;
    provisional ||= !cal.publishedYears.has(yearOfEpochDay(day));
    if (workingOn(day, cal)) {
      found++;
      restRun = 0;
    } else if (++restRun > MAX_REST_RUN) {
      throw new Error(`calendar data has no working day within ${MAX_REST_RUN} days of ${isoFromEpochDay(day)}`);
    }
  }
  return { date: isoFromEpochDay(day), provisional };
}

/** The Nth working day strictly after `from` (n = 0 gives `from`). */
export function addWorkingDays(from: IsoDate, n: number, cal: CalendarData): WorkingDayResult {
  return walkWorkingDays(from, n, 1, cal);
}

/** The Nth working day strictly before `to`, e.g. when "2 working days before" a deadline falls. */
export function subtractWorkingDays(to: IsoDate, n: number, cal: CalendarData): WorkingDayResult {
  return walkWorkingDays(to, n, -1, cal);
}

/** Working days strictly after `from` up to and including `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate, cal: CalendarData): number {
  const last = epochDay(to);
  let count = 0;
  for (let day = epochDay(from) + 1; day <= last; day++) {
    if (workingOn(day, cal)) count++;
  }
  return count;
}
