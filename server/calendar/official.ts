// Official State Council day overrides, taken from the schedules bundled in chinese-days. They seed
// the admin-correctable calendar table; the counting code never reads chinese-days itself.
//
// The package's documented JSON file is read rather than its functions: the functions build their
// date table by formatting UTC midnights with local getters, so on a machine west of Greenwich
// every official day comes out one day early. The JSON was generated once and is zone-free.
import schedule from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { isWeekend, yearOf } from './dates.js';
import type { DayKind, DayOverride, IsoDate } from './types.js';

// Entries read "English,中文,days", e.g. "National Day,国庆节,3".
type Listing = Readonly<Record<IsoDate, string>>;
const HOLIDAYS: Listing = schedule.holidays;
const WORKDAYS: Listing = schedule.workdays;

// A year counts as published only if chinese-days names every holiday its law had. 中秋 is not
// required because in 2020 it fell inside 国庆节 and is not named separately; 清明 and 端午 became
// public holidays in 2008.
const ALWAYS_REQUIRED = ['元旦', '春节', '劳动节', '国庆节'];
const REQUIRED_FROM_2008 = ['清明', '端午'];

export function chineseName(entry: string): string | null {
  const parts = entry.split(',');
  return parts.length >= 3 ? (parts.at(-2) ?? null) : null;
}

function festivalsByYear(): Map<number, Set<string>> {
  const byYear = new Map<number, Set<string>>();
  for (const [date, entry] of Object.entries(HOLIDAYS)) {
    const name = chineseName(entry);
    const year = yearOf(date);
    const names = byYear.get(year) ?? new Set<string>();
    if (name !== null) names.add(name);
    byYear.set(year, names);
  }
  return byYear;
}

export function isComplete(year: number, festivals: ReadonlySet<string> | undefined): boolean {
  const required = year >= 2008 ? [...ALWAYS_REQUIRED, ...REQUIRED_FROM_2008] : ALWAYS_REQUIRED;
  return festivals !== undefined && required.every((name) => festivals.has(name));
}

// Only departures from the Mon–Fri rule are kept: a festival that falls on a Saturday changes
// nothing. A day listed both ways is a working day, as chinese-days itself decides.
function departures(years: ReadonlySet<number>): DayOverride[] {
  const byDate = new Map<IsoDate, DayOverride>();
  const add = (listing: Listing, kind: DayKind, keep: (date: IsoDate) => boolean): void => {
    for (const [date, entry] of Object.entries(listing)) {
      if (years.has(yearOf(date)) && keep(date)) byDate.set(date, { date, kind, name: chineseName(entry) });
    }
  };
  add(HOLIDAYS, 'holiday', (date) => !isWeekend(date));
  add(WORKDAYS, 'workday', isWeekend);
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * Official overrides for the years in [fromYear, toYear] whose schedule chinese-days has in full.
 * `years` lists exactly those years; callers treat every other year as unpublished.
 */
export function officialOverrides(fromYear: number, toYear: number): { rows: DayOverride[]; years: number[] } {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear)) {
    throw new RangeError(`years must be integers, got ${fromYear}–${toYear}`);
  }
  const festivals = festivalsByYear();
  const years: number[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    if (isComplete(year, festivals.get(year))) years.push(year);
  }
  return { rows: departures(new Set(years)), years };
}
