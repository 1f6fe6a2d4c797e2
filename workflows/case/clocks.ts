import type { ClockLengths } from '../../db/schema/rounds';
import type { Label, RecipientGroup } from './types';

export interface ClockKindSpec {
  label: Label;
  /** working days, from the round's rules */
  length: (l: ClockLengths) => number;
  /** working days before the due date at which a reminder goes out */
  reminders: readonly number[];
  remind: readonly RecipientGroup[];
  /** 'event': expiry sends DEADLINE_EXPIRED to the case; 'overdue': marks it and escalates */
  onExpiry: 'event' | 'overdue';
  escalate: readonly RecipientGroup[];
}

// SPEC §4, "Clocks": every deadline of a case, declared once — its name, its length per round,
// its reminders and what its expiry does. The kind names, the effect schema and the email words
// all come from here.
export const caseClocks = {
  municipalReview: {
    label: { zh: '市级初审', en: 'municipal review' },
    length: (l) => l.municipalReviewWorkingDays,
    reminders: [2],
    remind: ['municipalReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  revision: {
    label: { zh: '补正', en: 'revision' },
    length: (l) => l.revisionWorkingDays,
    reminders: [3, 1],
    remind: ['firm'],
    onExpiry: 'event',
    escalate: [],
  },
  provincialReview: {
    label: { zh: '省级复审', en: 'provincial review' },
    length: (l) => l.provincialReviewWorkingDays,
    reminders: [2],
    remind: ['provincialReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
} as const satisfies Record<string, ClockKindSpec>;

export type ClockKind = keyof typeof caseClocks;
export const CLOCK_KINDS = Object.keys(caseClocks) as [ClockKind, ...ClockKind[]];
