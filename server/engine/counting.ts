import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';
import { addCalendarDays, addWorkingDays, subtractWorkingDays, workingDaysBetween, type CalendarData, type IsoDate } from '../calendar/workdays';
import { epochDay } from '../calendar/dates';

// A clock's dates in its own unit (SPEC §4): working days on the State Council calendar, or
// calendar days. Only working-day counts depend on the calendar, so only they can be provisional.
type Unit = ClockKindSpec['unit'];

export function countForward(unit: Unit, from: IsoDate, days: number, cal: CalendarData): { date: IsoDate; provisional: boolean } {
  return unit === 'workingDays' ? addWorkingDays(from, days, cal) : { date: addCalendarDays(from, days), provisional: false };
}

/** The day a reminder `days` before the due date goes out. */
export function countBack(unit: Unit, dueOn: IsoDate, days: number, cal: CalendarData): IsoDate {
  return unit === 'workingDays' ? subtractWorkingDays(dueOn, days, cal).date : addCalendarDays(dueOn, -days);
}

/** Days left, strictly after `today` up to and including the due date; 0 when it has passed. */
export function daysLeft(unit: Unit, today: IsoDate, dueOn: IsoDate, cal: CalendarData): number {
  return unit === 'workingDays' ? workingDaysBetween(today, dueOn, cal) : Math.max(0, epochDay(dueOn) - epochDay(today));
}
