import type { ClockLengths } from '../../db/schema/rounds';
import type { ClockKind, RecipientGroup } from '../../workflows/case/types';

export interface ClockKindSpec {
  length: (l: ClockLengths) => number;
  /** working days before the due date at which a reminder goes out */
  reminders: number[];
  remind: RecipientGroup[];
  /** 'event': expiry sends DEADLINE_EXPIRED to the case; 'overdue': marks it and escalates */
  onExpiry: 'event' | 'overdue';
  escalate: RecipientGroup[];
}

// SPEC §4, "Clocks": lengths per round, reminders and what expiry does.
export const clockKinds: Record<ClockKind, ClockKindSpec> = {
  municipalReview: {
    length: (l) => l.municipalReviewWorkingDays,
    reminders: [2],
    remind: ['municipalReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  revision: {
    length: (l) => l.revisionWorkingDays,
    reminders: [3, 1],
    remind: ['firm'],
    onExpiry: 'event',
    escalate: [],
  },
  provincialReview: {
    length: (l) => l.provincialReviewWorkingDays,
    reminders: [2],
    remind: ['provincialReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
};

export const defaultClockLengths: ClockLengths = {
  municipalReviewWorkingDays: 10,
  revisionWorkingDays: 10,
  provincialReviewWorkingDays: 10,
  expertReviewWorkingDays: 7,
  noticeWorkingDays: 5,
  objectionWorkingDays: 10,
  paymentDays: 30,
};
