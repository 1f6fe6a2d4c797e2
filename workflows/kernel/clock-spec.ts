import type { ClockLengths } from '../../db/schema/rounds';
import type { TemplateName } from '../../server/mail/templates';

export interface Label {
  zh: string;
  en: string;
}

/**
 * One kind of deadline, declared once by the workflow whose owners it runs on (SPEC §4, "Clocks"):
 * how its due date is counted, who is reminded and when, and what its expiry does. The engine
 * (server/engine/clocks.ts) reads nothing else about it. `G` is the workflow's recipient groups.
 */
export interface ClockKindSpec<G extends string = string> {
  label: Label;
  /**
   * How the due date is counted from the day the clock starts (SPEC §4: "N working days after d"
   * is the Nth working day strictly after d, so a count always starts the next working day):
   * working days or calendar days of `length`, or a fixed date the starting effect names.
   */
  unit: 'workingDays' | 'calendarDays' | 'fixedDate';
  /** its length from the round's rules; not read for a fixed date */
  length: (l: ClockLengths) => number;
  /** one clock per assignee (an expert's own 7 working days): start, pause and stop name the assignee */
  perAssignee?: true;
  /** days before the due date (in the clock's unit; calendar days for a fixed date) at which a reminder goes out */
  reminders: readonly number[];
  remind: readonly G[];
  /** 'event': expiry sends the owner its expiry event; 'overdue': marks it and escalates */
  onExpiry: 'event' | 'overdue';
  escalate: readonly G[];
  /**
   * the emails of its reminder and its overdue escalation, when the owner is not a case (a batch's
   * words are its number and total, not a case number); `clock.reminder` and `clock.overdue` else
   */
  mail?: { reminder: TemplateName; overdue: TemplateName };
}
