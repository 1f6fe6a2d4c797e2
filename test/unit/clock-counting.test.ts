import { describe, expect, it } from 'vitest';
import { officialOverrides } from '../../server/calendar/official.js';
import { calendarFrom } from '../../server/calendar/workdays.js';
import { countBack, countForward, daysLeft } from '../../server/engine/counting.js';

// A clock's dates in its own unit (SPEC §4): working days follow the State Council calendar,
// calendar days (and the days left to a fixed date) do not — 国庆 2026 (1–7 October) is a week of
// holidays for the first and seven plain days for the others.
const { rows, years } = officialOverrides(2026, 2026);
const cal = calendarFrom(rows, years);

describe('counting a clock in its unit', () => {
  it('counts calendar days forward over holidays and weekends, never provisionally', () => {
    expect(countForward('calendarDays', '2026-09-30', 7, cal)).toEqual({ date: '2026-10-07', provisional: false });
    expect(countForward('workingDays', '2026-09-30', 1, cal)).toEqual({ date: '2026-10-08', provisional: false });
    // past the published years a working-day count is provisional, a calendar-day one is not
    expect(countForward('calendarDays', '2027-12-30', 3, cal)).toEqual({ date: '2028-01-02', provisional: false });
    expect(countForward('workingDays', '2027-12-30', 3, cal).provisional).toBe(true);
  });

  it('gives a resumed fixed-date clock back its days as calendar days', () => {
    expect(countForward('fixedDate', '2026-09-30', 7, cal)).toEqual({ date: '2026-10-07', provisional: false });
  });

  it('puts a calendar-day reminder that many calendar days before the due date', () => {
    expect(countBack('calendarDays', '2026-10-07', 3, cal)).toBe('2026-10-04');
    expect(countBack('fixedDate', '2026-10-07', 3, cal)).toBe('2026-10-04');
    expect(countBack('workingDays', '2026-10-08', 1, cal)).toBe('2026-09-30');
  });

  it('leaves the calendar days strictly after today up to the due date, and none once it has passed', () => {
    expect(daysLeft('calendarDays', '2026-10-01', '2026-10-07', cal)).toBe(6);
    expect(daysLeft('calendarDays', '2026-10-07', '2026-10-07', cal)).toBe(0);
    expect(daysLeft('calendarDays', '2026-10-09', '2026-10-07', cal)).toBe(0);
    expect(daysLeft('workingDays', '2026-10-01', '2026-10-09', cal)).toBe(2);
  });
});
