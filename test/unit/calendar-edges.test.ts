import { describe, expect, it } from 'vitest';
import { chineseName, isComplete, officialOverrides } from '../../server/calendar/official.js';
import { qingmingDate, solarFromLunar } from '../../server/calendar/chinese-days.js';
import { dateParts } from '../../server/calendar/dates.js';
import { addCalendarDays, addWorkingDays, calendarFrom, shanghaiDate, statutoryHolidays, subtractWorkingDays, type DayOverride } from '../../server/calendar/workdays.js';

// The edges of the working-day calendar (SPEC §4) beyond calendar.test.ts: the bounds of the lunar
// data, what makes an official year complete, the order of days in lieu, and broken calendar data.

describe('the lunar data of chinese-days', () => {
  it('covers lunar years 1901 to 2099 and refuses others, saying so', () => {
    expect(solarFromLunar(1901, 1, 1)).toBe('1901-02-19');
    expect(solarFromLunar(2099, 8, 15)).toMatch(/^2099-(09|10)-\d\d$/);
    expect(qingmingDate(1901)).toMatch(/^1901-04-0[4-6]$/);
    expect(qingmingDate(2099)).toMatch(/^2099-04-0[4-6]$/);
    expect(() => solarFromLunar(1900, 1, 1)).toThrow(new RangeError('chinese-days lunar data covers 1901–2099; got 1900'));
    expect(() => solarFromLunar(2100, 1, 1)).toThrow(new RangeError('chinese-days lunar data covers 1901–2099; got 2100'));
    expect(() => qingmingDate(2026.5)).toThrow(new RangeError('chinese-days lunar data covers 1901–2099; got 2026.5'));
  });
});

describe('official schedules', () => {
  const all = ['元旦', '春节', '清明', '劳动节', '端午', '中秋', '国庆节'];

  it('counts a year as published only when every holiday its law had is listed', () => {
    expect(isComplete(2027, new Set(all))).toBe(true);
    expect(isComplete(2027, new Set(all.filter((n) => n !== '中秋')))).toBe(true);
    for (const missing of ['元旦', '春节', '清明', '劳动节', '端午', '国庆节']) {
      expect(isComplete(2027, new Set(all.filter((n) => n !== missing))), missing).toBe(false);
    }
    expect(isComplete(2027, new Set(['元旦']))).toBe(false);
    expect(isComplete(2027, undefined)).toBe(false);
  });

  it('asks for 清明 and 端午 from 2008, when they became public holidays, and not before', () => {
    const old = new Set(['元旦', '春节', '劳动节', '国庆节']);
    expect(isComplete(2007, old)).toBe(true);
    expect(isComplete(2008, old)).toBe(false);
    expect(isComplete(2007, new Set(['元旦', '春节', '劳动节']))).toBe(false);
  });

  it('reads the Chinese name of an entry "English,中文,days"', () => {
    expect(chineseName('National Day,国庆节,3')).toBe('国庆节');
    expect(chineseName('a,b,c,d')).toBe('c');
    expect(chineseName('National Day,国庆节')).toBeNull();
    expect(chineseName('')).toBeNull();
  });

  it('lists its overrides in date order, holidays and make-up days interleaved', () => {
    const rows = officialOverrides(2026, 2026).rows;
    const dates = rows.map((r) => r.date);
    expect(dates).toEqual([...dates].sort());
    expect(rows.slice(0, 3)).toEqual([
      { date: '2026-01-01', kind: 'holiday', name: '元旦' },
      { date: '2026-01-02', kind: 'holiday', name: '元旦' },
      { date: '2026-01-04', kind: 'workday', name: '元旦' },
    ]);
  });

  it('refuses years that are not whole numbers', () => {
    expect(() => officialOverrides(2025.5, 2026)).toThrow(new RangeError('years must be integers, got 2025.5–2026'));
    expect(() => officialOverrides(2025, 2026.5)).toThrow(new RangeError('years must be integers, got 2025–2026.5'));
  });
});

describe('days in lieu of the statutory fallback', () => {
  it('are given in date order of the weekend festival days, whatever order the festivals are listed in', () => {
    // 2039: National Day from Saturday 1 October, with 中秋 on Sunday the 2nd
    expect(statutoryHolidays(2039).filter((r) => r.date >= '2039-09-01' && r.date <= '2039-10-31')).toEqual([
      { date: '2039-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2039-10-02', kind: 'holiday', name: '中秋、国庆节' },
      { date: '2039-10-03', kind: 'holiday', name: '国庆节' },
      { date: '2039-10-04', kind: 'holiday', name: '国庆节补假' },
      { date: '2039-10-05', kind: 'holiday', name: '中秋、国庆节补假' },
    ]);
  });
});

describe('dates', () => {
  it('refuses malformed input with the reason', () => {
    expect(() => dateParts('2026-02-30')).toThrow(new RangeError('not a calendar date in YYYY-MM-DD form: "2026-02-30"'));
    expect(() => addCalendarDays('2026-01-01', 1.5)).toThrow(new RangeError('day count must be an integer, got 1.5'));
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(new RangeError('shanghaiDate needs a valid instant'));
    expect(() => addWorkingDays('2026-01-01', -1, calendarFrom([], []))).toThrow(new RangeError('working-day count must be a whole number ≥ 0, got -1'));
  });
});

describe('calendar data without working days', () => {
  // every day of a published year off: nothing a real schedule does, but data can be broken
  const daysOff = (year: number): DayOverride[] => {
    const rows: DayOverride[] = [];
    for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addCalendarDays(d, 1)) rows.push({ date: d, kind: 'holiday', name: null });
    return rows;
  };

  it('still finds a working day after a rest of 366 days', () => {
    // 2030 entirely off, then 元旦 2031 (statutory): the 2nd of January 2031 is the first working day
    const cal = calendarFrom(daysOff(2030), [2030]);
    expect(addWorkingDays('2029-12-31', 1, cal)).toEqual({ date: '2031-01-02', provisional: true });
    expect(subtractWorkingDays('2031-01-02', 1, cal)).toEqual({ date: '2029-12-31', provisional: true });
  });

  it('fails, naming the day, rather than looping for ever when no working day follows within 366 days', () => {
    const cal = calendarFrom([...daysOff(2030), ...daysOff(2031)], [2030, 2031]);
    expect(() => addWorkingDays('2029-12-31', 1, cal)).toThrow(new Error('calendar data has no working day within 366 days of 2031-01-02'));
  });
});
