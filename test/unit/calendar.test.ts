import { describe, it, expect } from 'vitest';
import chineseDays from 'chinese-days';
import { officialOverrides } from '../../server/calendar/official.js';
import {
  addCalendarDays,
  addWorkingDays,
  calendarFrom,
  endOfShanghaiDay,
  isWorkingDay,
  shanghaiDate,
  statutoryHolidays,
  subtractWorkingDays,
  workingDaysBetween,
  type CalendarData,
} from '../../server/calendar/workdays.js';

function officialCalendar(fromYear: number, toYear: number): CalendarData {
  const { rows, years } = officialOverrides(fromYear, toYear);
  return calendarFrom(rows, years);
}

const cal2026 = officialCalendar(2026, 2026);
const noOfficialData = calendarFrom([], []);

// Node re-reads process.env.TZ on assignment, so a block can be run as if on another machine.
function inTimeZone<T>(tz: string, run: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

function isWeekendDate(date: string): boolean {
  return new Date(`${date}T00:00:00Z`).getUTCDay() % 6 === 0;
}

function holidayDates(year: number, name: string): string[] {
  return statutoryHolidays(year)
    .filter((row) => row.name?.split('、').includes(name))
    .map((row) => row.date);
}

describe('counting working days with the official 2026 schedule', () => {
  it('runs a notice published on Wed 2026-09-30 over National Day to Tue 2026-10-13', () => {
    const days = [1, 2, 3, 4, 5].map((n) => addWorkingDays('2026-09-30', n, cal2026).date);
    expect(days).toEqual(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13']);
    expect(addWorkingDays('2026-09-30', 5, cal2026)).toEqual({ date: '2026-10-13', provisional: false });
  });

  it('treats the make-up Saturday as working and the weekday holiday as rest', () => {
    expect(isWorkingDay('2026-10-10', cal2026)).toBe(true);
    expect(isWorkingDay('2026-10-01', cal2026)).toBe(false);
    expect(isWorkingDay('2026-10-17', cal2026)).toBe(false);
    expect(isWorkingDay('2026-10-16', cal2026)).toBe(true);
  });

  it('counts no working days over a plain weekend', () => {
    expect(workingDaysBetween('2026-03-06', '2026-03-08', cal2026)).toBe(0);
    expect(addWorkingDays('2026-03-06', 1, cal2026)).toEqual({ date: '2026-03-09', provisional: false });
  });

  it('counts from a weekend day to the following Monday as the first working day', () => {
    expect(addWorkingDays('2026-03-07', 1, cal2026).date).toBe('2026-03-09');
  });

  it('gives back `from` for zero working days and refuses negative or fractional counts', () => {
    expect(addWorkingDays('2026-10-03', 0, cal2026)).toEqual({ date: '2026-10-03', provisional: false });
    expect(() => addWorkingDays('2026-10-03', -1, cal2026)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-10-03', 1.5, cal2026)).toThrow(RangeError);
  });

  it('finds a reminder day 2 working days before a deadline across the make-up Saturday', () => {
    expect(subtractWorkingDays('2026-10-13', 2, cal2026)).toEqual({ date: '2026-10-10', provisional: false });
  });

  it('rests on exactly the weekdays off in the State Council 2026 notice (gov.cn content_7047091)', () => {
    const weekdaysOff: string[] = [];
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addCalendarDays(d, 1)) {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay() % 6 !== 0;
      if (weekday && !isWorkingDay(d, cal2026)) weekdaysOff.push(d);
    }
    expect(weekdaysOff).toEqual([
      '2026-01-01', '2026-01-02',
      '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
      '2026-04-06',
      '2026-05-01', '2026-05-04', '2026-05-05',
      '2026-06-19',
      '2026-09-25',
      '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
    ]);
  });
});

describe('workingDaysBetween', () => {
  it('undoes addWorkingDays for every start in late 2026 and counts up to 25', () => {
    const cal = officialCalendar(2026, 2026);
    for (let from = '2026-09-01'; from <= '2026-12-31'; from = addCalendarDays(from, 1)) {
      for (let n = 0; n <= 25; n++) {
        expect(workingDaysBetween(from, addWorkingDays(from, n, cal).date, cal)).toBe(n);
      }
    }
  });

  it('is 0 when `to` is on or before `from`', () => {
    expect(workingDaysBetween('2026-10-13', '2026-10-13', cal2026)).toBe(0);
    expect(workingDaysBetween('2026-10-13', '2026-10-08', cal2026)).toBe(0);
  });
});

describe('statutory fallback for unpublished years', () => {
  it('places 2031 春节 from 除夕 to 初三 as chinese-days converts the lunar calendar', () => {
    const days = holidayDates(2031, '春节');
    expect(days).toEqual(['2031-01-22', '2031-01-23', '2031-01-24', '2031-01-25']);
    const lunar = days.map((d) => chineseDays.getLunarDate(d));
    expect(lunar.map((l) => [l.lunarMon, l.lunarDay])).toEqual([[12, 29], [1, 1], [1, 2], [1, 3]]);
    expect(chineseDays.getLunarDate(addCalendarDays('2031-01-22', 1)).lunarYear).toBe(2031);
  });

  it('puts 2031 端午 and 中秋 on lunar 5/5 and 8/15, and 清明 on its solar term', () => {
    const [duanwu] = holidayDates(2031, '端午');
    const [zhongqiu] = holidayDates(2031, '中秋');
    expect(duanwu && chineseDays.getLunarDate(duanwu)).toMatchObject({ lunarMon: 5, lunarDay: 5, isLeap: false });
    expect(zhongqiu && chineseDays.getLunarDate(zhongqiu)).toMatchObject({ lunarMon: 8, lunarDay: 15, isLeap: false });
    expect(holidayDates(2031, '清明')).toEqual(['2031-04-05']);
  });

  it('lists the fixed-date holidays and merges 中秋 into 国庆节 when they coincide in 2031', () => {
    expect(holidayDates(2031, '元旦')).toEqual(['2031-01-01']);
    expect(holidayDates(2031, '劳动节')).toEqual(['2031-05-01', '2031-05-02']);
    expect(holidayDates(2031, '国庆节')).toEqual(['2031-10-01', '2031-10-02', '2031-10-03']);
    expect(statutoryHolidays(2031).find((row) => row.date === '2031-10-01')?.name).toBe('中秋、国庆节');
  });

  it('marks a deadline across 2031 春节 provisional and skips the holiday and its day in lieu', () => {
    // 初三 falls on Saturday 2031-01-25, so Monday 01-27 is the 补假 day (第六条)
    expect(addWorkingDays('2031-01-21', 1, noOfficialData)).toEqual({ date: '2031-01-28', provisional: true });
  });

  it('adds no make-up working days, so a weekend stays rest', () => {
    expect(statutoryHolidays(2031).every((row) => row.kind === 'holiday')).toBe(true);
    expect(isWorkingDay('2031-01-26', noOfficialData)).toBe(false);
  });

  it('becomes provisional only once the count reaches an unpublished year', () => {
    expect(addWorkingDays('2026-12-21', 5, cal2026)).toEqual({ date: '2026-12-28', provisional: false });
    expect(addWorkingDays('2026-12-28', 5, cal2026)).toEqual({ date: '2027-01-05', provisional: true });
  });

  it('ignores override rows of a year that is not marked published', () => {
    const cal = calendarFrom([{ date: '2031-01-22', kind: 'workday', name: 'draft' }], []);
    expect(cal.overrides.size).toBe(0);
    expect(isWorkingDay('2031-01-22', cal)).toBe(false);
  });
});

describe('days in lieu (补假) of the statutory fallback', () => {
  const weekdaysOff = (year: number) => statutoryHolidays(year).filter((row) => !isWeekendDate(row.date));

  it('gives Monday 2028-01-03 off when 元旦 falls on Saturday', () => {
    expect(statutoryHolidays(2028).slice(0, 2)).toEqual([
      { date: '2028-01-01', kind: 'holiday', name: '元旦' },
      { date: '2028-01-03', kind: 'holiday', name: '元旦补假' },
    ]);
    expect(addWorkingDays('2027-12-31', 1, noOfficialData)).toEqual({ date: '2028-01-04', provisional: true });
  });

  it('gives one weekday per weekend day of a festival, after the festival, in date order', () => {
    // 国庆 2033 runs Sat–Mon: Saturday and Sunday give Tuesday and Wednesday
    expect(holidayDates(2033, '国庆节补假')).toEqual(['2033-10-04', '2033-10-05']);
    // 春节 2027 runs Fri–Mon (除夕 to 初三): its weekend gives Tuesday and Wednesday
    expect(holidayDates(2027, '春节补假')).toEqual(['2027-02-09', '2027-02-10']);
  });

  it('gives nothing in lieu for a festival whose days all fall on weekdays', () => {
    // 2031: 元旦 on Wednesday, 中秋 and 国庆 Wednesday to Friday
    expect(holidayDates(2031, '元旦补假')).toEqual([]);
    expect(holidayDates(2031, '国庆节补假')).toEqual([]);
    expect(statutoryHolidays(2031).filter((row) => row.date >= '2031-10-01' && row.date <= '2031-10-31').map((row) => row.date)).toEqual([
      '2031-10-01', '2031-10-02', '2031-10-03',
    ]);
  });

  it('never gives a day in lieu on a weekend or on a day already off', () => {
    for (let year = 2027; year <= 2060; year++) {
      const rows = statutoryHolidays(year);
      expect(new Set(rows.map((row) => row.date)).size).toBe(rows.length);
      expect(rows.filter((row) => row.name?.endsWith('补假')).every((row) => !isWeekendDate(row.date))).toBe(true);
    }
  });

  it('gives off only weekdays that the State Council also gave off in 2022, 补假 included', () => {
    const official = officialCalendar(2022, 2022);
    expect(weekdaysOff(2022).map((row) => row.date)).toEqual([
      '2022-01-03', '2022-01-31', '2022-02-01', '2022-02-02', '2022-02-03', '2022-04-05',
      '2022-05-02', '2022-05-03', '2022-06-03', '2022-09-12', '2022-10-03', '2022-10-04', '2022-10-05',
    ]);
    expect(weekdaysOff(2022).every((row) => !isWorkingDay(row.date, official))).toBe(true);
  });
});

describe('official overrides from chinese-days', () => {
  it('reports 2004 through at least 2026 as published and nothing before or far ahead', () => {
    const { years } = officialOverrides(1990, 2100);
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    expect(years.every((year, i) => i === 0 || year === (years[i - 1] ?? 0) + 1)).toBe(true);
    expect(years).not.toContain(2100);
  });

  it('keeps only weekday holidays and weekend make-up days, named by festival', () => {
    const rows = officialOverrides(2026, 2026).rows;
    expect(rows.find((row) => row.date === '2026-10-10')).toEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节' });
    expect(rows.find((row) => row.date === '2026-10-03')).toBeUndefined();
    expect(rows.filter((row) => row.kind === 'workday').map((row) => row.date)).toEqual([
      '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10',
    ]);
  });
});

describe('results do not depend on the machine time zone', () => {
  it('builds the same official and statutory rows in Los Angeles as in Shanghai', () => {
    const build = () => ({ official: officialOverrides(2025, 2026), statutory: statutoryHolidays(2031) });
    expect(inTimeZone('America/Los_Angeles', build)).toEqual(inTimeZone('Asia/Shanghai', build));
  });
});

describe('Shanghai dates and deadline instants', () => {
  it('puts 2026-11-26T17:00:00Z on 2026-11-27 in Shanghai', () => {
    expect(shanghaiDate(new Date('2026-11-26T17:00:00Z'))).toBe('2026-11-27');
    expect(shanghaiDate(new Date('2026-11-26T15:59:59.999Z'))).toBe('2026-11-26');
  });

  it('ends 2026-10-13 at 23:59:59 +08:00', () => {
    expect(endOfShanghaiDay('2026-10-13').toISOString()).toBe('2026-10-13T15:59:59.000Z');
  });

  it('adds calendar days across month, year and leap-day boundaries', () => {
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('refuses malformed or impossible dates', () => {
    expect(() => addCalendarDays('2026-02-30', 0)).toThrow(RangeError);
    expect(() => addCalendarDays('2026-9-30', 0)).toThrow(RangeError);
    expect(() => isWorkingDay('2026-13-01', cal2026)).toThrow(RangeError);
  });
});
