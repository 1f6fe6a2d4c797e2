import type { Router } from 'express';
import type { CaseTaskHolder } from '../tasks/claim';
import { CLAIMER_ROLES, claimTask, releaseTask } from '../tasks/claim';
import { AppError, type FieldError } from '../errors';
import { loadVisibleCase } from '../cases/get';
import { gate } from '../http/roles';
import { requireCsrf } from './csrf';
import { instant } from './format';
import { TakeForm } from './inbox';
import { idParam, pageOf, problemText, refusalOf, serviceOf, type PageCtx } from './page';

// Who has taken the case's task from the shared inbox, said on the case page to the reviewers of
// that role, with the inbox's buttons to take it or give it back (the same service as
// POST/DELETE /api/v1/tasks/:caseId/claim). Taking is no lock, in the API as here: somebody else's
// hold is a warning before the decisions, not a refusal of them.

/** What the case page says after its own take or give-back (redirect-after-post), read back from the query. */
export const TASK_DONE = ['claimed', 'released'] as const;
export type TaskDone = (typeof TASK_DONE)[number];

export function TaskHolderPart({ p, number, caseId, holder }: { p: PageCtx; number: string; caseId: string; holder: CaseTaskHolder | null }) {
  if (!holder) return '';
  const c = p.t.caseNews;
  const held = holder.claimedBy;
  // a task done on another page (a notice, a batch) is not taken
  if (holder.via !== null && !held) return '';
  const action = held?.mine ? 'release' : held || holder.via !== null ? null : 'claim';
  return (
    <>
      <div id="task-holder" class="task-holder">
        <span safe>{held ? (held.mine ? c.heldByMe(instant(held.at, p.locale)) : c.heldBy(held.name, instant(held.at, p.locale))) : c.notHeld}</span>{' '}
        {action ? <TakeForm p={p} action={action} href={`/cases/${caseId}/task/${action}`} number={number} /> : ''}
      </div>
      {held && !held.mine ? <p class="caution" role="note" id="held-elsewhere" safe>{c.heldWarning(held.name)}</p> : ''}
    </>
  );
}

/** The refusal of a take or a give-back, at the top of the case page. */
export function TaskRefusal({ p, errors }: { p: PageCtx; errors: readonly FieldError[] }) {
  if (errors.length === 0) return '';
  return (
    <div class="problems" role="alert" id="task-refused">
      <ul>
        {errors.map((e) => (
          <li safe>{problemText(e, p.locale)}</li>
        ))}
      </ul>
    </div>
  );
}

type ShowRefused = (res: Parameters<Parameters<Router['post']>[1]>[1], caseId: string, errors: FieldError[], status: number) => Promise<void>;

/** POST /cases/:id/task/claim and /release: the inbox's take and give-back, coming back to the case. */
export function caseTaskForms(router: Router, show: ShowRefused) {
  for (const action of ['claim', 'release'] as const) {
    router.post(`/cases/:id/task/${action}`, gate('user', CLAIMER_ROLES), requireCsrf(), async (req, res) => {
      const ctx = serviceOf(pageOf(res));
      const caseId = idParam(req.params.id, 'case');
      try {
        await (action === 'claim' ? claimTask(ctx, caseId) : releaseTask(ctx, caseId));
      } catch (err) {
        // nothing held to give back (given back already, taken over, or the case moved on): said on the
        // case page, once the case is one the person may see (else the 404 it is)
        if (action === 'release' && err instanceof AppError && err.kind === 'not_found') {
          await loadVisibleCase(ctx, caseId);
          const t = pageOf(res).t.inbox;
          return show(res, caseId, [{ path: 'task', message: t.notHeld }], 409);
        }
        const refused = refusalOf(err);
        return show(res, caseId, refused.errors, refused.status);
      }
      res.redirect(303, `/cases/${caseId}?task=${action === 'claim' ? 'claimed' : 'released'}#task-holder`);
    });
  }
}
