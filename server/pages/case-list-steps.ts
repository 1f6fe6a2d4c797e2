import type { ServiceContext } from '../context';
import { eventsAllowed } from '../cases/get';
import { expertsView } from '../cases/experts-view';
import { readCases } from '../cases/workflow';
import { canSee } from '../../workflows/case/permissions';
import { contextOf } from '../../workflows/case/expert-guards';
import type { Locale, Messages } from './i18n';
import { nextStepOnCase } from './next-step';

/**
 * The "next step" of each listed case as its page tells the reader (nextStepOnCase): an expert's
 * own part, a reader's own task beside the step, else the step's. The rows are read in one
 * statement and the rest worked out from their snapshots, as the case page works it out — no
 * query per row. The quorum is the one frozen at assignment: the only time it is said (an expert
 * waiting for the others) comes after it.
 */
export async function nextStepsOf(ctx: ServiceContext, caseIds: readonly string[], locale: Locale, t: Messages): Promise<Map<string, string | null>> {
  const loaded = await readCases(ctx.app.db, caseIds);
  const out = new Map<string, string | null>();
  for (const [id, { row, facts }] of loaded) {
    if (!canSee(ctx.user, facts)) continue;
    const context = contextOf(row.snapshot);
    const view = {
      state: row.state,
      stateValue: row.snapshot.value,
      allowedEvents: eventsAllowed(ctx, row, facts),
      experts: expertsView(context, ctx.user),
    };
    out.set(id, nextStepOnCase(view, context.expertReview?.quorum ?? null, locale, t, ctx.user.roles));
  }
  return out;
}
