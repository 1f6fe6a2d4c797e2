import { MAX_RUBRIC_CRITERIA } from '../../db/schema/rounds';
import type { ServiceContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { contextOf } from '../../workflows/case/expert-guards';
import { scoreProblems } from '../../workflows/case/scoring';
import { eventsAllowed, loadVisibleCase } from './get';

// A SCORE is checked in two places: its schema (every value a whole number of at least 0, an
// opinion of 1–2000 characters: 400) and the rubric frozen on the case at assignment (every
// criterion scored, none above its maximum, none unknown: 422, server/cases/workflow.ts). A body
// both refuse would hear of the rubric's problems only once the schema's were mended; this names
// them beside the schema's, so the expert mends everything at once. The status stays the schema's.

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What the case's rubric refuses in a SCORE body its schema refused, at the paths the schema left
 * unnamed. Only for the expert who may score the case now: anyone else hears no more than before
 * (and a case they may not see stays unseen).
 */
export async function rubricProblemsBeside(ctx: ServiceContext, caseId: string, body: unknown, named: readonly FieldError[]): Promise<FieldError[]> {
  // more keys than any rubric has criteria: the schema's one problem says so, not one per key
  if (!isRecord(body) || body.type !== 'SCORE' || !isRecord(body.scores) || Object.keys(body.scores).length > MAX_RUBRIC_CRITERIA) return [];
  let loaded;
  try {
    loaded = await loadVisibleCase(ctx, caseId);
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found') return [];
    throw err;
  }
  if (!eventsAllowed(ctx, loaded.row, loaded.facts).includes('SCORE')) return [];
  const review = contextOf(loaded.row.snapshot).expertReview;
  if (!review) return [];
  const taken = new Set(named.map((e) => e.path));
  return scoreProblems(review.rubric, body.scores).filter((e) => !taken.has(e.path));
}
