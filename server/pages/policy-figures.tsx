import type { CaseView } from '../cases/present';
import type { DocumentList } from '../documents/list';
import type { CaseEventType } from '../../workflows/case/events';
import { date, instant, yuan } from './format';
import type { PageCtx } from './page';

/** The events that decide whether the policy is what the insurer's own books say. */
const POLICY_EVENTS: ReadonlySet<CaseEventType> = new Set(['VERIFY_POLICY', 'POLICY_MISMATCH']);
/** The documents the insurer compares with its system: the policy, its premium invoice and the receipt of the payment. */
const POLICY_DOCUMENTS = ['insurance_policy', 'premium_invoice', 'premium_payment_proof'] as const;

export const decidesPolicy = (allowed: readonly CaseEventType[]) => allowed.some((e) => POLICY_EVENTS.has(e));

/**
 * The policy as the firm gave it, beside the insurer's verify and mismatch forms (the summary
 * further down has it too, among everything else): its figures and the newest of each document
 * that proves it, to compare with the company's own system before deciding.
 */
export function PolicyFigures({ p, view, insurer, docs }: { p: PageCtx; view: CaseView; insurer: string | null; docs: DocumentList }) {
  const c = p.t.casePage;
  const period = view.policy.startsOn ? `${date(view.policy.startsOn, p.locale)} – ${date(view.policy.endsOn, p.locale)}` : c.notGiven;
  const rows: [string, string, boolean?][] = [
    [c.policyNo, view.policy.number ?? c.notGiven],
    [c.insurer, insurer ?? c.notGiven],
    [c.policyPeriod, period],
    [c.premium, yuan(view.policy.premium), true],
    [c.liabilityLimit, yuan(view.policy.liabilityLimit), true],
    [c.premiumInvoiceNo, view.policy.premiumInvoiceNo ?? c.notGiven],
    [c.paidOn, date(view.policy.paidOn, p.locale)],
  ];
  return (
    <div class="policy-figures" role="group" aria-labelledby="policy-figures">
      <h3 id="policy-figures" safe>{c.policyFigures}</h3>
      <dl class="summary">
        {rows.map(([label, value, num]) => (
          <>
            <dt safe>{label}</dt>
            <dd class={num ? 'num' : undefined} safe>{value}</dd>
          </>
        ))}
        {POLICY_DOCUMENTS.map((type) => {
          const doc = docs.latest[type];
          return (
            <>
              <dt safe>{p.t.docTypes[type]}</dt>
              <dd>
                {doc ? (
                  <>
                    <a href={doc.href} safe>{doc.fileName}</a>
                    <span class="muted" safe>{` · ${p.t.firmDocs.version(doc.version)} · ${instant(doc.createdAt, p.locale)}`}</span>
                  </>
                ) : (
                  <span class="muted" safe>{c.notUploaded}</span>
                )}
              </dd>
            </>
          );
        })}
      </dl>
    </div>
  );
}
