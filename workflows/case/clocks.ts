import type { ClockKindSpec } from '../kernel/clock-spec';
import type { RecipientGroup } from './types';

// SPEC §4, "Clocks": every deadline of a case, declared once — its name, its length per round,
// its reminders and what its expiry does. The kind names, the effect schema and the email words
// all come from here.
export const caseClocks = {
  municipalReview: {
    label: { zh: '市级初审', en: 'municipal review' },
    unit: 'workingDays',
    length: (l) => l.municipalReviewWorkingDays,
    reminders: [2],
    remind: ['municipalReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  revision: {
    label: { zh: '补正', en: 'revision' },
    unit: 'workingDays',
    length: (l) => l.revisionWorkingDays,
    reminders: [3, 1],
    remind: ['firm'],
    onExpiry: 'event',
    escalate: [],
  },
  provincialReview: {
    label: { zh: '省级复审', en: 'provincial review' },
    unit: 'workingDays',
    length: (l) => l.provincialReviewWorkingDays,
    reminders: [2],
    remind: ['provincialReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  // each expert's own 7 working days: overdue marks the assignment, the provincial reviewer may replace them
  expertReview: {
    label: { zh: '专家评审', en: 'expert review' },
    unit: 'workingDays',
    length: (l) => l.expertReviewWorkingDays,
    perAssignee: true,
    reminders: [2],
    remind: ['assignee'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  objection: {
    label: { zh: '异议处理', en: 'objection resolution' },
    unit: 'workingDays',
    length: (l) => l.objectionWorkingDays,
    reminders: [2],
    remind: ['provincialReviewers'],
    onExpiry: 'overdue',
    escalate: ['provincialReviewers'],
  },
  // the policy's end (SPEC §4): the firm is reminded 30 days before to renew; nothing happens at the end
  policyEnd: {
    label: { zh: '保单到期', en: 'policy end' },
    unit: 'fixedDate',
    length: () => 0,
    reminders: [30],
    remind: ['firm'],
    onExpiry: 'overdue',
    escalate: [],
  },
} as const satisfies Record<string, ClockKindSpec<RecipientGroup>>;

export type ClockKind = keyof typeof caseClocks;
export const CLOCK_KINDS = Object.keys(caseClocks) as [ClockKind, ...ClockKind[]];
