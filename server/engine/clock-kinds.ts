import type { ClockLengths } from '../../db/schema/rounds';

// The kinds themselves are declared by each workflow (workflows/case/clocks.ts); a round sets
// their lengths, starting from these.

export const defaultClockLengths: ClockLengths = {
  municipalReviewWorkingDays: 10,
  revisionWorkingDays: 10,
  provincialReviewWorkingDays: 10,
  expertReviewWorkingDays: 7,
  noticeWorkingDays: 5,
  objectionWorkingDays: 10,
  paymentDays: 30,
};
