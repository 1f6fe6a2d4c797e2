import type { Rubric } from '../../db/schema/rounds';

// An expert's score is Σ points × weight over the rubric's criteria; the case passes when the
// mean of the quorum's scores reaches the pass mark (server/rounds/rules.ts bounds the mark).
// Weights may be decimals (1.5): they are counted in millionths, so the comparison is exact.

const SCALE = 1_000_000n;
const scaled = (x: number) => BigInt(Math.round(x * Number(SCALE)));

function scaledTotal(rubric: Rubric, scores: Readonly<Record<string, number>>): bigint {
  return rubric.criteria.reduce((sum, c) => sum + BigInt(scores[c.key] ?? 0) * scaled(c.weight), 0n);
}

/** Σ points × weight, for showing: rounded half up to two decimals (points and weights are never negative). */
export function scoreOf(rubric: Rubric, scores: Readonly<Record<string, number>>): number {
  return Number((scaledTotal(rubric, scores) * 100n + SCALE / 2n) / SCALE) / 100;
}

/** The best possible score, every criterion at its maximum, shown as scoreOf shows a total. */
export function bestScore(rubric: Rubric): number {
  return scoreOf(rubric, Object.fromEntries(rubric.criteria.map((c) => [c.key, c.maxPoints])));
}

/** Whether the mean of these experts' scores reaches the pass mark: Σ totals ≥ mark × n, exactly. */
export function meanPasses(rubric: Rubric, all: readonly Readonly<Record<string, number>>[]): boolean {
  const sum = all.reduce((s, scores) => s + scaledTotal(rubric, scores), 0n);
  return sum >= scaled(rubric.passMark) * BigInt(all.length);
}

/**
 * The mean of these experts' totals, for showing beside the pass mark: to two decimals, rounded
 * half up as a total is, except that it is never rounded across the mark — a mean short of it
 * (59.996 against 60) is cut down to 59.99, one that reaches it is never shown below it.
 */
export function meanOf(rubric: Rubric, all: readonly Readonly<Record<string, number>>[]): number {
  if (all.length === 0) return 0;
  const sum = all.reduce((s, scores) => s + scaledTotal(rubric, scores), 0n);
  const den = BigInt(all.length) * SCALE;
  const hundredths = (sum * 100n + den / 2n) / den;
  const passes = meanPasses(rubric, all);
  if (passes === Number(hundredths) / 100 >= rubric.passMark) return Number(hundredths) / 100;
  // rounded across the mark: the hundredth on the mean's own side of it
  return Number(passes ? (sum * 100n + den - 1n) / den : (sum * 100n) / den) / 100;
}

export interface ScoreProblem {
  path: string;
  message: string;
  messageZh: string;
  /** score.required, score.above_maximum or score.unknown_criterion */
  code: string;
}

/**
 * Every criterion scored, none above its maximum, nothing else: each problem named. The scores may
 * be a body its schema refused (a criterion typed as words): a value that is no number is the
 * schema's to name, so only what the rubric itself refuses is named here.
 */
export function scoreProblems(rubric: Rubric, scores: Readonly<Record<string, unknown>>): ScoreProblem[] {
  const out: ScoreProblem[] = [];
  for (const c of rubric.criteria) {
    const points = Object.hasOwn(scores, c.key) ? scores[c.key] : undefined;
    if (points === undefined) out.push({ path: `scores.${c.key}`, message: `${c.label}: a score is required`, messageZh: `${c.label}：请打分`, code: 'score.required' });
    else if (typeof points === 'number' && points > c.maxPoints) {
      out.push({ path: `scores.${c.key}`, message: `${c.label}: at most ${c.maxPoints} points`, messageZh: `${c.label}：最高 ${c.maxPoints} 分`, code: 'score.above_maximum' });
    }
  }
  for (const key of Object.keys(scores)) {
    if (!rubric.criteria.some((c) => c.key === key)) {
      out.push({ path: `scores.${key}`, message: `${key} is not a criterion of the round's rubric`, messageZh: `${key} 不是本批次评分标准的指标`, code: 'score.unknown_criterion' });
    }
  }
  return out;
}
