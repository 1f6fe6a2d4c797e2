import type { StateValue } from 'xstate';

/**
 * The one word a list filters on: the review stage while in review, the top-level state otherwise.
 * The full parallel value is kept beside it for anyone who needs the insurance region too.
 */
export function primaryState(value: StateValue): string {
  if (typeof value === 'string') return value;
  const inReview = value.inReview;
  if (inReview && typeof inReview === 'object') {
    const review = inReview.review;
    if (typeof review === 'string') return review;
    // a stage with steps of its own (expert: assigning, reviewing) is listed as the stage
    const [stage] = review && typeof review === 'object' ? Object.keys(review) : [];
    if (stage) return stage;
  }
  // the money stage is listed by its step: calculated, batched, paymentApproved, paid
  const approved = value.approved;
  if (typeof approved === 'string') return approved;
  const [top] = Object.keys(value);
  return top ?? 'unknown';
}
