// Statutory holidays of the national holiday law (全国年节及纪念日放假办法, as amended 2024), used
// for years whose State Council schedule is not yet published (SPEC §4). Weekend days are listed too;
// the yearly make-up arrangements (调休) and compensatory weekdays are not predictable, so they
// are left out and such results are marked provisional by the caller.
import { addCalendarDays, isoDate } from './dates.js';
import { qingmingDate, solarFromLunar } from './chinese-days.js';
import type { DayOverride, IsoDate } from './types.js';

interface Festival {
  name: string;
  dates: (year: number) => IsoDate[];
}

// Names match chinese-days' official data, so provisional and official rows read alike.
const FESTIVALS: readonly Festival[] = [
  { name: '元旦', dates: (year) => [isoDate({ year, month: 1, day: 1 })] },
  { name: '春节', dates: springFestival },
  { name: '清明', dates: (year) => [qingmingDate(year)] },
  { name: '劳动节', dates: (year) => consecutive(isoDate({ year, month: 5, day: 1 }), 2) },
  { name: '端午', dates: (year) => [solarFromLunar(year, 5, 5)] },
  { name: '中秋', dates: (year) => [solarFromLunar(year, 8, 15)] },
  { name: '国庆节', dates: (year) => consecutive(isoDate({ year, month: 10, day: 1 }), 3) },
];

// 除夕 is the day before 正月初一, whether the twelfth month has 29 or 30 days; the lunar new year
// falls between 21 Jan and 20 Feb, so all four days stay in the same Gregorian year.
function springFestival(year: number): IsoDate[] {
  const newYearsEve = addCalendarDays(solarFromLunar(year, 1, 1), -1);
  return consecutive(newYearsEve, 4);
}

function consecutive(first: IsoDate, count: number): IsoDate[] {
  return Array.from({ length: count }, (_, i) => addCalendarDays(first, i));
}

/** The statutory days off of `year`, in date order; coinciding festivals share one row. */
export function statutoryHolidays(year: number): DayOverride[] {
  const byDate = new Map<IsoDate, DayOverride>();
  for (const festival of FESTIVALS) {
    for (const date of festival.dates(year)) {
      const existing = byDate.get(date);
      const name = existing?.name ? `${existing.name}、${festival.name}` : festival.name;
      byDate.set(date, { date, kind: 'holiday', name });
    }
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}
