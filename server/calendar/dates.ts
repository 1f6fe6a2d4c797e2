// Plain calendar arithmetic on ISO date strings. Every Date here is a UTC midnight used as a day
// counter, so results never depend on the machine's time zone.
import type { IsoDate } from './types.js';

const DAY_MS = 86_400_000;
// Asia/Shanghai has been UTC+8 without daylight saving since 1991.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateParts {
  year: number;
  month: number; // 1–12
  day: number;
}

/** Splits an ISO date, refusing impossible ones such as 2026-02-30 rather than rolling them over. */
export function dateParts(date: IsoDate): DateParts {
  const match = ISO_PATTERN.exec(date);
  const parts = match && { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (!parts || isoFromEpochDay(epochDayOf(parts)) !== date) {
    throw new RangeError(`not a calendar date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
  }
  return parts;
}

function epochDayOf({ year, month, day }: DateParts): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

// Epoch days (days since 1970-01-01) let the counting loops step with integers and skip re-parsing.
export function isoFromEpochDay(epochDay: number): IsoDate {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

export function epochDay(date: IsoDate): number {
  return epochDayOf(dateParts(date));
}

export function yearOfEpochDay(epochDay: number): number {
  return new Date(epochDay * DAY_MS).getUTCFullYear();
}

export function isWeekendEpochDay(epochDay: number): boolean {
  const dow = new Date(epochDay * DAY_MS).getUTCDay();
  return dow === 0 || dow === 6;
}

export function yearOf(date: IsoDate): number {
  return dateParts(date).year;
}

export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`day count must be an integer, got ${n}`);
  return isoFromEpochDay(epochDay(date) + n);
}

export function isWeekend(date: IsoDate): boolean {
  return isWeekendEpochDay(epochDay(date));
}

/** Builds and validates an ISO date from numbers (month 1–12). */
export function isoDate({ year, month, day }: DateParts): IsoDate {
  const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  dateParts(text);
  return text;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function shanghaiDate(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('shanghaiDate needs a valid instant');
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59.000 Shanghai time: the moment a deadline falling on `date` expires (SPEC §4). */
export function endOfShanghaiDay(date: IsoDate): Date {
  return new Date(epochDay(date) * DAY_MS + DAY_MS - 1000 - SHANGHAI_OFFSET_MS);
}
