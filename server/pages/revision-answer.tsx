import { instant } from './format';
import type { PageCtx } from './page';
import { withoutInvisible } from '../domain/text';

type Item = { eventType: string; at: string; payload: unknown };

export interface RevisionAnswer {
  returnedAt: string;
  reasons: { path?: string; message: string }[];
  resubmittedAt: string;
  /** the firm's reply (RESUBMIT `response`); null when it gave none, or resubmitted before replies existed */
  response: string | null;
}

const REVIEW_STAGES: ReadonlySet<string> = new Set(['municipal', 'provincial']);

/**
 * The latest return and the firm's answer to it, while the case is back with a reviewer after a
 * resubmission: the RETURN's reasons and the RESUBMIT that followed it, from the case's history.
 */
export function revisionAnswerOf(state: string, items: readonly Item[]): RevisionAnswer | null {
  if (!REVIEW_STAGES.has(state)) return null;
  const at = items.findLastIndex((i) => i.eventType === 'RESUBMIT');
  if (at < 0) return null;
  const resubmit = items[at] as Item;
  const returned = items.slice(0, at).findLast((i) => i.eventType === 'RETURN');
  if (!returned) return null;
  const raw = (returned.payload as { reasons?: unknown } | null)?.reasons;
  const reasons = (Array.isArray(raw) ? raw : []).filter((r): r is { path?: string; message: string } => typeof r === 'object' && r !== null && typeof (r as { message?: unknown }).message === 'string');
  const said = (resubmit.payload as { response?: unknown } | null)?.response;
  return { returnedAt: returned.at, reasons, resubmittedAt: resubmit.at, response: typeof said === 'string' && withoutInvisible(said) !== '' ? said : null };
}

/** The reviewer reads the reasons they (or a colleague) gave beside the firm's reply to them. */
export function RevisionAnswerPart({ p, answer }: { p: PageCtx; answer: RevisionAnswer }) {
  const c = p.t.casePage;
  return (
    <section aria-labelledby="revision-answer" id="revision-answer-part">
      <h2 id="revision-answer" safe>{c.answerTitle}</h2>
      <p safe>{c.answerReturned(instant(answer.returnedAt, p.locale))}</p>
      <ul>
        {answer.reasons.map((r) => (
          <li safe>{r.path ? `${r.path}: ${r.message}` : r.message}</li>
        ))}
      </ul>
      <p safe>{c.answerReply(instant(answer.resubmittedAt, p.locale))}</p>
      {answer.response === null ? <p class="empty" safe>{c.noReply}</p> : <blockquote class="text" safe>{answer.response}</blockquote>}
    </section>
  );
}
