import type { ClaimView } from '../claims/present';
import { CsrfField } from './components/form';
import { date, plainAmount, yuan } from './format';
import { formatYuan, isYuanString, parseYuan } from '../domain/money';
import { Layout } from './layout';
import type { PageCtx } from './page';

/** The fields of the pay form, as typed: carried through the confirmation and back to the form. */
export interface PayValues {
  amount: string;
  reference: string;
  exceedsClaim: string;
}

// the amount as the page shows amounts ("100000.5" typed reads 100,000.50); it was checked before this step
const asYuan = (typed: string) => {
  const text = plainAmount(typed);
  return isYuanString(text) ? yuan(formatYuan(parseYuan(text))) : text;
};

/** More than was claimed, ticked on the form: said once more beside the amount. */
function Excess({ p, claim, typed }: { p: PageCtx; claim: ClaimView; typed: string }) {
  const text = plainAmount(typed);
  if (!isYuanString(text)) return '';
  const paid = parseYuan(text);
  const claimed = parseYuan(claim.amount);
  if (paid <= claimed) return '';
  return <p class="caution" safe>{p.t.claims.exceedsWarning(yuan(formatYuan(paid)), yuan(claim.amount), yuan(formatYuan(paid - claimed)))}</p>;
}

/**
 * The second step of a payment (SPEC §1, 理赔): a claim paid cannot be taken back, so the insurer
 * reads the claim, the amount and the reference once more, and only this form records it; "back"
 * shows the case page's form again with what was typed.
 */
export function ConfirmPay({ p, claim, values }: { p: PageCtx; claim: ClaimView; values: PayValues }) {
  const c = p.t.claims;
  const anchor = `c-${claim.id}-PAY`;
  return (
    <Layout p={p} title={c.confirmPayTitle}>
      <p class="caution" safe>{c.confirmPayIntro}</p>
      <Excess p={p} claim={claim} typed={values.amount} />
      <dl class="summary">
        <dt safe>{c.number}</dt>
        <dd safe>{claim.number}</dd>
        <dt safe>{c.caseNumber}</dt>
        <dd>
          <a href={`/cases/${claim.caseId}#claim-${claim.id}`} safe>{claim.caseNumber}</a>
        </dd>
        <dt safe>{c.kind}</dt>
        <dd safe>{c.kinds[claim.kind]}</dd>
        <dt safe>{c.occurredOn}</dt>
        <dd safe>{date(claim.occurredOn, p.locale)}</dd>
        <dt safe>{c.amount}</dt>
        <dd class="num" safe>{yuan(claim.amount)}</dd>
        <dt safe>{c.paidAmount}</dt>
        <dd class="num">
          <strong safe>{asYuan(values.amount)}</strong>
        </dd>
        <dt safe>{c.reference}</dt>
        <dd safe>{values.reference}</dd>
      </dl>
      <form method="post" action={`/claims/${claim.id}/events#${anchor}`}>
        <CsrfField p={p} />
        <input type="hidden" name="type" value="PAY" />
        <input type="hidden" name="amount" value={values.amount} />
        <input type="hidden" name="reference" value={values.reference} />
        {values.exceedsClaim ? <input type="hidden" name="exceedsClaim" value={values.exceedsClaim} /> : ''}
        <button type="submit" name="confirm" value="yes" class="primary" safe>{c.confirmPay}</button>{' '}
        <button type="submit" name="confirm" value="back" safe>{c.confirmBack}</button>
      </form>
    </Layout>
  );
}
