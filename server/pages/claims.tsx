import type { Router } from 'express';
import type { ServiceContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { getClaim, listCaseClaims } from '../claims/get';
import { reportClaim } from '../claims/report';
import { sendClaimEvent } from '../claims/send-event';
import { claimEventSchema, reportClaimSchema } from '../claims/body';
import type { ClaimView } from '../claims/present';
import { zodErrors } from '../http/problem';
import { CsrfField, Field, FormProblems } from './components/form';
import { DataTable } from './components/table';
import { requireCsrf } from './csrf';
import { date, plainAmount, yuan } from './format';
import { field, idParam, type PageCtx, pageOf, serviceOf } from './page';

// Claims (理赔) on the case page: the firm reports one under the policy of its approved case; the
// policy's insurer pays or denies it. The same schemas and services as the API's claim routes.

export interface ClaimAttempt {
  /** 'report', or the claim id and event of a decision form */
  form: string;
  values: Record<string, string>;
  errors: FieldError[];
}

/** The claims the person sees on this case, or null when their role sees none (the API's 403). */
export async function claimsFor(ctx: ServiceContext, caseId: string): Promise<ClaimView[] | null> {
  try {
    return (await listCaseClaims(ctx, caseId, { limit: 100 })).items;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'forbidden') return null;
    throw err;
  }
}

function DecisionForms({ p, claim, attempt }: { p: PageCtx; claim: ClaimView; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  return (
    <>
      {claim.allowedEvents.map((type) => {
        const key = `${claim.id}:${type}`;
        const mine = attempt?.form === key ? attempt : null;
        const errors = mine?.errors ?? [];
        const fields = type === 'PAY' ? ['amount', 'reference'] : ['reason'];
        return (
          <form method="post" action={`/claims/${claim.id}/events`} class="decision" aria-labelledby={`c-${key}`} novalidate>
            <h4 id={`c-${key}`} safe>{type === 'PAY' ? c.pay : c.deny}</h4>
            <CsrfField p={p} />
            <input type="hidden" name="type" value={type} />
            <FormProblems p={p} errors={errors} fields={fields} />
            {type === 'PAY' ? (
              <>
                <Field p={p} idPrefix={`c-${claim.id}-pay`} name="amount" label={c.paidAmount} errors={errors} value={mine?.values.amount ?? claim.amount} required />
                <Field p={p} idPrefix={`c-${claim.id}-pay`} name="reference" label={c.reference} errors={errors} value={mine?.values.reference ?? ''} required />
              </>
            ) : (
              <Field p={p} idPrefix={`c-${claim.id}-deny`} name="reason" label={c.reason} errors={errors} value={mine?.values.reason ?? ''} required multiline />
            )}
            <button type="submit" class={type === 'DENY' ? 'danger' : 'primary'} safe>{type === 'PAY' ? c.pay : c.deny}</button>
          </form>
        );
      })}
    </>
  );
}

function ReportForm({ p, caseId, attempt }: { p: PageCtx; caseId: string; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  const mine = attempt?.form === 'report' ? attempt : null;
  const errors = mine?.errors ?? [];
  const v = mine?.values ?? {};
  return (
    <form method="post" action={`/cases/${caseId}/claims`} class="decision" aria-labelledby="claim-report" novalidate>
      <h3 id="claim-report" safe>{c.report}</h3>
      <CsrfField p={p} />
      <FormProblems p={p} errors={errors} fields={['occurredOn', 'kind', 'amount', 'description']} />
      <Field p={p} idPrefix="cr" name="occurredOn" type="date" label={c.occurredOn} errors={errors} value={v.occurredOn ?? ''} required />
      <div class="field">
        <label for="cr-kind" safe>{c.kind}</label>
        <select id="cr-kind" name="kind">
          <option value="quality" selected={v.kind !== 'liability'} safe>{c.kinds.quality}</option>
          <option value="liability" selected={v.kind === 'liability'} safe>{c.kinds.liability}</option>
        </select>
      </div>
      <Field p={p} idPrefix="cr" name="amount" label={c.amount} errors={errors} value={v.amount ?? ''} required />
      <Field p={p} idPrefix="cr" name="description" label={c.description} errors={errors} value={v.description ?? ''} required multiline />
      <button type="submit" class="primary" safe>{c.report}</button>
    </form>
  );
}

function ClaimState({ p, claim }: { p: PageCtx; claim: ClaimView }) {
  const c = p.t.claims;
  return (
    <>
      <span class={`badge state-claim-${claim.state}`} safe>{c.states[claim.state as keyof typeof c.states] ?? claim.state}</span>
      {claim.decision?.paidAmount ? <span safe>{` ${c.paid(yuan(claim.decision.paidAmount), claim.decision.reference ?? '')}`}</span> : ''}
      {claim.decision?.reason ? <span safe>{` ${claim.decision.reason}`}</span> : ''}
    </>
  );
}

export function ClaimsPart({ p, caseId, claims, mayReport, attempt }: { p: PageCtx; caseId: string; claims: ClaimView[]; mayReport: boolean; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  return (
    <section aria-labelledby="claims">
      <h2 id="claims" safe>{c.title}</h2>
      <DataTable
        p={p}
        rows={claims}
        empty={mayReport ? c.emptyFirm : c.empty}
        columns={[
          { header: c.number, text: (claim) => claim.number },
          { header: c.kind, text: (claim) => c.kinds[claim.kind] },
          { header: c.occurredOn, text: (claim) => date(claim.occurredOn, p.locale) },
          { header: c.amount, num: true, text: (claim) => yuan(claim.amount) },
          // what happened, which the insurer decides on
          { header: c.description, text: (claim) => claim.description },
          { header: c.state, cell: (claim) => <ClaimState p={p} claim={claim} /> },
        ]}
      />
      {claims.map((claim) => (
        <DecisionForms p={p} claim={claim} attempt={attempt} />
      ))}
      {mayReport ? <ReportForm p={p} caseId={caseId} attempt={attempt} /> : ''}
    </section>
  );
}

type Show = (res: Parameters<Parameters<Router['post']>[1]>[1], caseId: string, attempt: ClaimAttempt, status: number) => Promise<void>;

function failed(err: unknown, p: PageCtx): { errors: FieldError[]; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found' || err.kind === 'unauthenticated') throw err;
  const errors = err.kind === 'conflict' && !err.errors.length ? [{ path: 'form', message: p.t.actions.stale }] : err.errors.length ? err.errors : [{ path: 'form', message: err.message }];
  return { errors, status: err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : err.kind === 'bad_request' ? 400 : 422 };
}

/** The claim forms of the case page: POST /cases/:id/claims and POST /claims/:id/events. */
export function claimForms(router: Router, show: Show) {
  router.post('/cases/:id/claims', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const caseId = idParam(req.params.id, 'case');
    const values = { occurredOn: field(req, 'occurredOn'), kind: field(req, 'kind'), amount: field(req, 'amount'), description: field(req, 'description') };
    // an amount may be typed as amounts are shown, with thousands separators
    const parsed = reportClaimSchema.safeParse({ ...values, amount: plainAmount(values.amount) }, { reportInput: true });
    if (!parsed.success) return show(res, caseId, { form: 'report', values, errors: zodErrors(parsed.error, '') }, 400);
    try {
      await reportClaim(serviceOf(p), caseId, parsed.data);
    } catch (err) {
      const { errors, status } = failed(err, p);
      return show(res, caseId, { form: 'report', values, errors }, status);
    }
    res.redirect(303, `/cases/${caseId}#claims`);
  });

  router.post('/claims/:id/events', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const claimId = idParam(req.params.id, 'claim');
    const ctx = serviceOf(p);
    // the claim names its case (404 for a claim this person may not see), not a field of the form
    const { caseId } = await getClaim(ctx, claimId);
    const type = field(req, 'type');
    const values = { amount: field(req, 'amount'), reference: field(req, 'reference'), reason: field(req, 'reason') };
    const body = type === 'PAY' ? { type, amount: plainAmount(values.amount), reference: values.reference } : { type, reason: values.reason };
    const form = `${claimId}:${type}`;
    const parsed = claimEventSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return show(res, caseId, { form, values, errors: zodErrors(parsed.error, '') }, 400);
    try {
      await sendClaimEvent(ctx, claimId, parsed.data);
    } catch (err) {
      const { errors, status } = failed(err, p);
      return show(res, caseId, { form, values, errors }, status);
    }
    res.redirect(303, `/cases/${caseId}#claims`);
  });
}
