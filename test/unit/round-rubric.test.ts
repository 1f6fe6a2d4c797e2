import { describe, expect, it } from 'vitest';
import { roundProblems, type RoundDraft } from '../../server/rounds/rules';
import { ROUND_DEFAULTS } from '../../server/rounds/columns';
import { MAX_RUBRIC_CRITERIA, type Rubric } from '../../db/schema/rounds';
import { rubricSchema } from '../../server/rounds/schema';
import { eventBodySchema } from '../../server/cases/body';

// A round's pass mark must be reachable (server/rounds/rules.ts): judged as exactly as the experts'
// scores are (workflows/case/scoring.ts), so that a mark equal to the best score is not refused.
const draft = (rubric: Rubric): RoundDraft => ({
  ...ROUND_DEFAULTS,
  name: '2026 年度',
  year: 2026,
  editionId: '00000000-0000-4000-8000-000000000001',
  opensAt: new Date('2026-01-01T00:00:00+08:00'),
  closesAt: new Date('2026-12-31T23:59:59+08:00'),
  insuranceStartsOn: '2025-09-01',
  insuranceEndsOn: '2026-12-31',
  insurerIds: [],
  rubric,
});
const codes = (rubric: Rubric) => roundProblems(draft(rubric)).map((p) => p.code);

describe('the pass mark of a rubric', () => {
  it('may equal the best possible score, even where Σ maxPoints × weight is not exact in floating point', () => {
    // 1 × 0.7 + 2 × 0.1 is 0.9, which floating point sums to 0.8999999999999999
    const criteria = [
      { key: 'a', label: 'A', maxPoints: 1, weight: 0.7 },
      { key: 'b', label: 'B', maxPoints: 2, weight: 0.1 },
    ];
    expect(codes({ criteria, passMark: 0.9 })).toEqual([]);
    expect(codes({ criteria, passMark: 0.91 })).toEqual(['round.pass_mark_unreachable']);
  });

  it('names the best possible score as it is, in the refusal', () => {
    const criteria = [
      { key: 'a', label: 'A', maxPoints: 1, weight: 0.7 },
      { key: 'b', label: 'B', maxPoints: 2, weight: 0.1 },
    ];
    const [problem] = roundProblems(draft({ criteria, passMark: 1 }));
    expect(problem).toMatchObject({ path: 'rubric.passMark', message: 'passMark 1 is above the best possible score 0.9', messageZh: '及格分 1 高于满分 0.9' });
  });
});

describe('the criteria a score may name', () => {
  const scores = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, 1]));
  const rubricOf = (n: number) => ({ criteria: Array.from({ length: n }, (_, i) => ({ key: `c${i}`, label: `C${i}`, maxPoints: 1, weight: 1 })), passMark: 1 });

  it('are as many as the largest rubric a round may have, and no more', () => {
    expect(rubricSchema.safeParse(rubricOf(MAX_RUBRIC_CRITERIA)).success).toBe(true);
    expect(rubricSchema.safeParse(rubricOf(MAX_RUBRIC_CRITERIA + 1)).success).toBe(false);
    // an expert on a round with the largest rubric can score every criterion of it
    expect(eventBodySchema.safeParse({ type: 'SCORE', scores: scores(MAX_RUBRIC_CRITERIA), opinion: '好' }).success).toBe(true);
    const over = eventBodySchema.safeParse({ type: 'SCORE', scores: scores(MAX_RUBRIC_CRITERIA + 1), opinion: '好' });
    expect(over.success).toBe(false);
    expect(over.error?.issues.map((i) => i.message)).toEqual([`a rubric has at most ${MAX_RUBRIC_CRITERIA} criteria`]);
  });
});
