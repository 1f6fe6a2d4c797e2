import type { Rubric } from '../../db/schema/rounds';
import type { CaseView } from '../cases/present';
import type { CaseEventType } from '../../workflows/case/events';
import { fieldLabels } from './decisions';
import { date, instant } from './format';
import type { PageCtx } from './page';

// What the case page says at its top about the case itself rather than about one of its forms: a
// step or an upload refused because the case moved on while the page was open (the form it came
// from may be gone with the state that offered it), and why a lapsed case lapsed.

/** A step or an upload the case refused because it had moved on (409): what was sent, and what was typed for it. */
export type MovedOn = { kind: 'event'; type: CaseEventType; values: Readonly<Record<string, string>> } | { kind: 'upload'; fileName: string | null };

// what a form carries that the person did not type: the form's own fields, ticks, the experts chosen
const NOT_TYPED: ReadonlySet<string> = new Set(['objectionId', 'expertIds', 'outcome', 'confirmFinal', 'policyChecked', 'conflictOfInterest', 'noConflict']);

/** What the person typed into the refused form, each with the label the form gave it. */
function typedOf(p: PageCtx, values: Readonly<Record<string, string>>, rubric: Rubric | null): { label: string; text: string }[] {
  const labels: Record<string, string> = { ...fieldLabels(p), opinion: p.t.review.opinion };
  return Object.entries(values).flatMap(([name, text]) => {
    if (NOT_TYPED.has(name) || text.trim() === '') return [];
    const criterion = name.startsWith('scores.') ? rubric?.criteria.find((c) => `scores.${c.key}` === name) : undefined;
    return [{ label: criterion?.label ?? labels[name] ?? name, text }];
  });
}

/**
 * The refusal said where it cannot be missed: the state the case is in now, that nothing was
 * recorded, and what was typed — kept in the form below when the step is still offered, shown
 * here when the form is gone.
 */
export function MovedOnPart({ p, view, moved, rubric }: { p: PageCtx; view: CaseView; moved: MovedOn; rubric: Rubric | null }) {
  const c = p.t.caseNews;
  const state = p.t.states[view.state] ?? view.state;
  if (moved.kind === 'upload') {
    return (
      <div class="problems" role="alert" id="moved-on">
        <h2 safe>{c.movedTitle}</h2>
        <p safe>{c.movedUpload(state)}</p>
        {moved.fileName ? <p safe>{c.movedUploadFile(moved.fileName)}</p> : ''}
      </div>
    );
  }
  const event = p.t.events[moved.type];
  const offered = view.allowedEvents.includes(moved.type);
  const typed = offered ? [] : typedOf(p, moved.values, rubric);
  return (
    <div class="problems" role="alert" id="moved-on">
      <h2 safe>{c.movedTitle}</h2>
      <p safe>{c.movedEvent(event, state)}</p>
      <p safe>{offered ? c.movedRetry : c.movedGone(event)}</p>
      {typed.length > 0 ? (
        <>
          <p safe>{c.typedTitle}</p>
          <dl class="summary typed">
            {typed.map((t) => (
              <>
                <dt safe>{t.label}</dt>
                <dd class="text" safe>{t.text}</dd>
              </>
            ))}
          </dl>
        </>
      ) : (
        ''
      )}
    </div>
  );
}

/** Why a lapsed case lapsed: its revision was not resubmitted by the day its clock ran out. */
export function LapsedPart({ p, view }: { p: PageCtx; view: CaseView }) {
  if (view.state !== 'lapsed') return '';
  const revision = view.clocks.filter((k) => k.kind === 'revision' && k.status === 'expired').at(-1);
  return (
    <p class="problems" role="note" id="lapsed" safe>
      {revision ? p.t.caseNews.lapsed(date(revision.dueOn, p.locale)) : p.t.caseNews.lapsedUndated}
    </p>
  );
}

type HistoryItem = { eventType: string; at: string; actorId: string | null; payload: unknown };

/** The insurer's report that the policy does not match, while it is the current one: no resubmission or verification since. */
export function policyMismatchOf(items: readonly HistoryItem[]): { at: string; actorId: string | null; reason: string } | null {
  const last = items.findLast((i) => i.eventType === 'POLICY_MISMATCH' || i.eventType === 'RESUBMIT' || i.eventType === 'VERIFY_POLICY');
  const reason = (last?.payload as { reason?: unknown } | null)?.reason;
  if (last?.eventType !== 'POLICY_MISMATCH' || typeof reason !== 'string') return null;
  return { at: last.at, actorId: last.actorId, reason };
}

/**
 * Why the insurer found the policy not matching, who said it and when: beside the line that asks
 * the reviewer to return the case, and to the firm while it corrects the policy (in revision).
 */
export function PolicyMismatchPart({ p, mismatch, who }: { p: PageCtx; mismatch: ReturnType<typeof policyMismatchOf>; who: string }) {
  if (!mismatch) return '';
  return (
    <p class="caution" role="note" id="policy-mismatch">
      <span safe>{p.t.caseNews.mismatchBy(who, instant(mismatch.at, p.locale))}</span>
      <span class="text" safe>{mismatch.reason}</span>
    </p>
  );
}
