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
  }
  const [top] = Object.keys(value);
  return top ?? 'unknown';
}
