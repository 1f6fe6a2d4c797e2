// Time-zone-safe doors into chinese-days' lunar and solar-term functions.
//
// chinese-days parses 'YYYY-MM-DD' strings as UTC midnight but then reads and formats dates with
// local-time getters, so west of Greenwich its answers drift by a day. Handing it a *local*
// midnight Date instead makes its reading and formatting agree in every zone. Only its default
// export is used: the package is CommonJS and Node's ESM loader exposes no named exports for it.
import chineseDays from 'chinese-days';
import { addCalendarDays, dateParts, isoDate } from './dates.js';
import type { IsoDate } from './types.js';

// The lunar tables inside chinese-days cover lunar years 1900–2100.
export const LUNAR_MIN_YEAR = 1901;
export const LUNAR_MAX_YEAR = 2099;

function localMidnight(date: IsoDate): Date {
  const { year, month, day } = dateParts(date);
  return new Date(year, month - 1, day);
}

/** Gregorian date of a day in a regular (non-leap) lunar month. */
export function solarFromLunar(lunarYear: number, lunarMonth: number, lunarDay: number): IsoDate {
  assertLunarYear(lunarYear);
  // chinese-days takes the lunar date disguised as a Gregorian one, so a lunar day that is not a
  // valid Gregorian day (2/30) cannot be asked for; isoDate refuses it instead of rolling it over.
  const input = localMidnight(isoDate({ year: lunarYear, month: lunarMonth, day: lunarDay }));
  return chineseDays.getSolarDateFromLunar(input).date;
}

/** Day of 清明 (the 'pure_brightness' solar term, always in April). */
export function qingmingDate(year: number): IsoDate {
  assertLunarYear(year);
  return undoUtcReadAsLocal(chineseDays.getSolarTermDate(year, 4, 'pure_brightness'));
}

// getSolarTermDate builds the term's day as a UTC midnight and formats it with local getters, which
// west of Greenwich names the previous day. Reading that same midnight locally shows whether it did.
function undoUtcReadAsLocal(reported: IsoDate): IsoDate {
  const { year, month, day } = dateParts(reported);
  const readLocally = new Date(Date.UTC(year, month - 1, day)).getDate();
  return readLocally === day ? reported : addCalendarDays(reported, 1);
}

function assertLunarYear(year: number): void {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new RangeError(`chinese-days lunar data covers ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}; got ${year}`);
  }
}
