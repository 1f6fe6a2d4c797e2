// Statutory holidays of the national holiday law (全国年节及纪念日放假办法, as amended 2024), used
// for years whose State Council schedule is not yet published (SPEC §4). Weekend days are listed
// too, and so are the weekdays the law gives in lieu of them (补假, 第六条). The yearly make-up
// arrangements (调休) are not predictable, so they are left out and such results are marked
// provisional by the caller.
import { addCalendarDays, isoDate, isWeekend } from './dates.js';
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
  addDaysInLieu(byDate);
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

// 《全国年节及纪念日放假办法》第六条: "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。"
// Kept simple: each festival day on a weekend gives the next weekday that is not already off,
// taken in date order, so a festival of two weekend days gives two weekdays (国庆 Sat–Mon in
// 2033 gives Tue and Wed). The State Council's schedule may place them otherwise; until it is
// loaded the result is provisional anyway.
function addDaysInLieu(byDate: Map<IsoDate, DayOverride>): void {
  const festivalDays = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  for (const day of festivalDays) {
    if (!isWeekend(day.date)) continue;
    let date = addCalendarDays(day.date, 1);
    while (isWeekend(date) || byDate.has(date)) date = addCalendarDays(date, 1);
    byDate.set(date, { date, kind: 'holiday', name: `${day.name ?? ''}补假` });
  }
}
