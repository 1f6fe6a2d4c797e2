import { describe, expect, it } from 'vitest';
import { bestScore, meanOf, meanPasses, scoreOf, scoreProblems } from '../../workflows/case/scoring';
import type { Rubric } from '../../db/schema/rounds';

// An expert's score is Σ points × weight; the case passes when the mean of the quorum's scores
// reaches the pass mark, compared exactly even with decimal weights (SPEC §4, expert review).
const rubric: Rubric = {
  criteria: [
    { key: 'a', label: 'A', maxPoints: 10, weight: 1.5 },
    { key: 'b', label: 'B', maxPoints: 30, weight: 0.1 },
  ],
  passMark: 10.3,
};

describe('scoring against a weighted rubric', () => {
  it('weighs each criterion: Σ points × weight', () => {
    expect(scoreOf(rubric, { a: 2, b: 10 })).toBe(4);
    expect(scoreOf(rubric, { a: 10, b: 30 })).toBe(18);
    // the weights decide: 12 points unweighted, 4 weighted, below the mark
    expect(meanPasses(rubric, [{ a: 2, b: 10 }])).toBe(false);
    // 7 points unweighted, 10.5 weighted, above it
    expect(meanPasses(rubric, [{ a: 7, b: 0 }])).toBe(true);
  });

  it('passes a mean exactly at the mark and fails one a tenth below it, decimal weights and all', () => {
    // 6 × 1.5 + 13 × 0.1 is 10.3 exactly, though 13 × 0.1 is not in floating point
    expect(meanPasses(rubric, [{ a: 6, b: 13 }])).toBe(true);
    expect(meanPasses(rubric, [{ a: 6, b: 12 }])).toBe(false);
    // the mean of 10.8 and 9.8 is the mark
    expect(meanPasses(rubric, [{ a: 7, b: 3 }, { a: 5, b: 23 }])).toBe(true);
    expect(meanPasses(rubric, [{ a: 7, b: 3 }, { a: 5, b: 22 }])).toBe(false);
  });

  it('shows a total to two decimals', () => {
    const quarters: Rubric = { criteria: [{ key: 'a', label: 'A', maxPoints: 10, weight: 0.25 }, { key: 'b', label: 'B', maxPoints: 10, weight: 1.5 }], passMark: 5 };
    expect(scoreOf(quarters, { a: 3, b: 0 })).toBe(0.75);
    expect(scoreOf(quarters, { a: 1, b: 7 })).toBe(10.75);
  });

  it('rounds a total of more decimals to the nearest hundredth, not down', () => {
    const fine: Rubric = { criteria: [{ key: 'a', label: 'A', maxPoints: 10, weight: 0.125 }, { key: 'b', label: 'B', maxPoints: 10, weight: 0.333 }], passMark: 1 };
    expect(scoreOf(fine, { a: 3, b: 0 })).toBe(0.38);
    expect(scoreOf(fine, { a: 0, b: 2 })).toBe(0.67);
    expect(scoreOf(fine, { a: 1, b: 1 })).toBe(0.46);
  });

  it('takes a criterion scored at its maximum, and names one above it, one missing and one unknown', () => {
    expect(scoreProblems(rubric, { a: 10, b: 30 })).toEqual([]);
    expect(scoreProblems(rubric, { a: 0, b: 0 })).toEqual([]);
    expect(scoreProblems(rubric, { a: 11, c: 1 }).map((p) => p.path)).toEqual(['scores.a', 'scores.b', 'scores.c']);
  });

  it('names each problem with a code, and leaves a value that is no number to the schema', () => {
    expect(scoreProblems(rubric, { a: 11, c: 1 }).map((p) => p.code)).toEqual(['score.above_maximum', 'score.required', 'score.unknown_criterion']);
    // words and a fraction are the schema's to refuse; a fraction above the maximum is the rubric's too
    expect(scoreProblems(rubric, { a: 'ten', b: 30.5 }).map((p) => [p.path, p.code])).toEqual([['scores.b', 'score.above_maximum']]);
    // digits sent as text are no number either, however large
    expect(scoreProblems(rubric, { a: '11', b: '31' })).toEqual([]);
    // a key on the prototype is no score given
    const inherited = Object.assign(Object.create({ a: 5 }) as Record<string, unknown>, { b: 1 });
    expect(scoreProblems(rubric, inherited).map((p) => p.path)).toEqual(['scores.a']);
  });

  it('gives the best possible score as a total shows', () => {
    expect(bestScore(rubric)).toBe(18);
  });

  it('shows the mean of the totals to two decimals, never rounded across the pass mark', () => {
    // 10.8 and 9.8: the mark of 10.3 exactly
    expect(meanOf(rubric, [{ a: 7, b: 3 }, { a: 5, b: 23 }])).toBe(10.3);
    // 10.8 and 9.7: 10.25, half up
    expect(meanOf(rubric, [{ a: 7, b: 3 }, { a: 5, b: 22 }])).toBe(10.25);
    expect(meanOf(rubric, [])).toBe(0);
    const hundredths: Rubric = { criteria: [{ key: 'a', label: 'A', maxPoints: 100, weight: 0.01 }, { key: 'b', label: 'B', maxPoints: 100, weight: 1 }], passMark: 60 };
    // 59.99, 60 and 60: a mean of 59.9966…, which rounds half up to 60.00 but fails the mark
    const short = [{ a: 99, b: 59 }, { a: 0, b: 60 }, { a: 0, b: 60 }];
    expect(meanPasses(hundredths, short)).toBe(false);
    expect(meanOf(hundredths, short)).toBe(59.99);
    // far from the mark a mean rounds half up as a total does: 50.01, 50.01 and 50 make 50.0066…, shown 50.01
    expect(meanOf(hundredths, [{ a: 1, b: 50 }, { a: 1, b: 50 }, { a: 0, b: 50 }])).toBe(50.01);
    // 60.01, 60 and 60 pass: 60.0033… shows 60.00, at the mark, as it is
    const over = [{ a: 1, b: 60 }, { a: 0, b: 60 }, { a: 0, b: 60 }];
    expect(meanPasses(hundredths, over)).toBe(true);
    expect(meanOf(hundredths, over)).toBe(60);
    // a mark of three decimals: 60.004 reaches 60.003, and is not shown as the 60.00 below it
    const fine = { ...hundredths, passMark: 60.003 };
    const reaching = [{ a: 1, b: 60 }, { a: 1, b: 60 }, { a: 0, b: 60 }, { a: 0, b: 60 }, { a: 0, b: 60 }];
    expect(meanPasses(fine, reaching)).toBe(true);
    expect(meanOf(fine, reaching)).toBe(60.01);
  });
});
