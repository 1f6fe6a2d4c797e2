import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { AppContext, ServiceContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { getClaim, listCaseClaims } from '../claims/get';
import { assertMayReport, occurrenceProblemsBeside, reportClaim } from '../claims/report';
import { sendClaimEvent } from '../claims/send-event';
import { claimEventSchema, reportClaimSchema } from '../claims/body';
import { assertMayUploadToClaim, documentsOfClaims, uploadClaimDocument, type ClaimDocumentView } from '../claims/documents';
import type { ClaimView } from '../claims/present';
import { receiveUpload, receivedUpload } from '../documents/multipart';
import { zodErrors } from '../http/problem';
import { CsrfField, DOCUMENT_ACCEPT, Field, FileField, FormProblems, ProblemSummary, errorsAt } from './components/form';
import { DataTable } from './components/table';
import { requireCsrf } from './csrf';
import { date, fileSize, instant, plainAmount, yuan } from './format';
import { field, idParam, type PageCtx, pageOf, problemText, render, serviceOf } from './page';
import { ConfirmPay } from './claim-confirm';
import { formatYuan, isYuanString, parseYuan } from '../domain/money';

// Claims (理赔) on the case page: the firm reports one under the policy of its approved case and
// supports it with documents while it awaits the decision; the policy's insurer reads them and pays
// or denies it. The same schemas and services as the API's claim routes.

export interface ClaimAttempt {
  /** 'report', or the claim id and event of a decision form, or the claim id and 'upload' of its upload form */
  form: string;
  values: Record<string, string>;
  errors: FieldError[];
}

export interface CaseClaims {
  items: ClaimView[];
  /** each claim's documents, in upload order (none: no entry) */
  documents: Map<string, ClaimDocumentView[]>;
}

/** The claims the person sees on this case and their documents, or null when their role sees none (the API's 403). */
export async function claimsFor(ctx: ServiceContext, caseId: string): Promise<CaseClaims | null> {
  try {
    const list = await listCaseClaims(ctx, caseId, { limit: 100 });
    return { items: list.items, documents: await documentsOfClaims(ctx, list.items.map((c) => c.id)) };
  } catch (err) {
    if (err instanceof AppError && err.kind === 'forbidden') return null;
    throw err;
  }
}

const EXCEEDS = 'exceedsClaim';

/**
 * A payment above the amount the firm claimed: the insurer may pay it (SPEC §1 — the policy covers
 * the loss as assessed; 保险法 第五十七条、第六十四条 add the costs of limiting and assessing it), so
 * the API takes it; the page asks for a tick first, as a slip of a digit looks the same.
 */
function ExceedsClaim({ p, claim, attempt }: { p: PageCtx; claim: ClaimView; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  const mine = attempt ? errorsAt(attempt.errors, EXCEEDS) : [];
  const excess = attempt ? excessOf(attempt.values.amount ?? '', claim.amount) : null;
  if (excess === null) return '';
  const id = `c-${claim.id}-exceeds`;
  return (
    <>
      <div class="caution" role="note" id={`${id}-note`}>
        <p safe>{c.exceedsWarning(yuan(formatYuan(excess.paid)), yuan(claim.amount), yuan(formatYuan(excess.paid - excess.claimed)))}</p>
      </div>
      <div class={mine.length ? 'field invalid' : 'field'}>
        {mine.length ? (
          <p class="error" id={`${id}-error`}>
            {mine.map((e) => (
              <span safe>{problemText(e, p.locale)}</span>
            ))}
          </p>
        ) : (
          ''
        )}
        <label>
          <input type="checkbox" id={id} name={EXCEEDS} value="yes" checked={attempt?.values[EXCEEDS] === 'yes'} aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? `${id}-error ${id}-note` : `${id}-note`} />{' '}
          <span safe>{c.exceedsConfirm}</span>
        </label>
      </div>
    </>
  );
}

/** The amount typed, when it is one and above the amount claimed; null otherwise. */
function excessOf(typed: string, claimedYuan: string): { paid: bigint; claimed: bigint } | null {
  const text = plainAmount(typed);
  if (!isYuanString(text)) return null;
  const paid = parseYuan(text);
  const claimed = parseYuan(claimedYuan);
  return paid > claimed ? { paid, claimed } : null;
}

function DecisionForms({ p, claim, attempt }: { p: PageCtx; claim: ClaimView; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  return (
    <>
      {claim.allowedEvents.map((type) => {
        const key = `${claim.id}:${type}`;
        const mine = attempt?.form === key ? attempt : null;
        const errors = mine?.errors ?? [];
        const fields =
          type === 'PAY'
            ? [
                { path: 'amount', id: `c-${claim.id}-pay-amount`, label: c.paidAmount },
                { path: 'reference', id: `c-${claim.id}-pay-reference`, label: c.reference },
                { path: EXCEEDS, id: `c-${claim.id}-exceeds`, label: c.exceedsConfirm },
              ]
            : [{ path: 'reason', id: `c-${claim.id}-deny-reason`, label: c.reason }];
        // a refused decision comes back at its form (the anchor), its problems summed up at the top of it
        const anchor = `c-${claim.id}-${type}`;
        return (
          <form method="post" action={`/claims/${claim.id}/events#${anchor}`} class="decision" aria-labelledby={anchor} novalidate>
            <h4 id={anchor} safe>{type === 'PAY' ? c.pay : c.deny}</h4>
            <CsrfField p={p} />
            <input type="hidden" name="type" value={type} />
            <ProblemSummary p={p} errors={errors} fields={fields} />
            {type === 'PAY' ? (
              <>
                <Field p={p} idPrefix={`c-${claim.id}-pay`} name="amount" label={c.paidAmount} hint={c.claimedHint(yuan(claim.amount))} errors={errors} value={mine?.values.amount ?? claim.amount} required />
                <Field p={p} idPrefix={`c-${claim.id}-pay`} name="reference" label={c.reference} errors={errors} value={mine?.values.reference ?? ''} required />
                <ExceedsClaim p={p} claim={claim} attempt={mine} />
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

/** The firm's upload of one more document to a claim awaiting its decision (POST /claims/:id/documents). */
function UploadForm({ p, claim, attempt }: { p: PageCtx; claim: ClaimView; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  const errors = attempt?.form === `${claim.id}:upload` ? attempt.errors : [];
  return (
    <form method="post" action={`/claims/${claim.id}/documents#cu-${claim.id}`} enctype="multipart/form-data" class="decision" aria-labelledby={`cu-${claim.id}`}>
      <h4 id={`cu-${claim.id}`} safe>{c.uploadTitle}</h4>
      <p class="hint" safe>{c.uploadIntro}</p>
      <CsrfField p={p} />
      <ProblemSummary p={p} errors={errors} fields={[{ path: 'file', id: `cu-${claim.id}-file`, label: c.file }]} />
      <FileField p={p} id={`cu-${claim.id}-file`} label={c.file} errors={errors} accept={DOCUMENT_ACCEPT} />
      <button type="submit" class="primary" safe>{c.upload}</button>
    </form>
  );
}

/**
 * One claim's file: its documents, each downloadable, then what the person may do with it — the
 * firm's upload while the claim awaits its decision, the insurer's decision below what it decides on.
 */
function ClaimFile({ p, claim, docs, ownFirm, attempt }: { p: PageCtx; claim: ClaimView; docs: readonly ClaimDocumentView[]; ownFirm: boolean; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  const heading = `claim-${claim.id}`;
  const mayUpload = ownFirm && claim.state === 'reported';
  // an upload refused because the claim was decided meanwhile: said where its form was
  const late = !mayUpload && attempt?.form === `${claim.id}:upload` ? attempt.errors : [];
  return (
    <section class="claim-file" aria-labelledby={heading}>
      <h3 id={heading} safe>{c.documentsOf(claim.number)}</h3>
      {claim.allowedEvents.length ? <ClaimFacts p={p} claim={claim} /> : ''}
      <DataTable
        p={p}
        rows={docs}
        empty={c.noDocuments}
        // named by the heading above it, not by a second copy of its words
        labelledBy={heading}
        columns={[
          // a claim's uploads are numbered in order: each is a document of its own, not a version of one
          { header: c.docNumber, num: true, text: (d) => d.version },
          // the API's download, which the page's session opens as it opens the case's documents
          { header: c.docName, cell: (d) => <a href={d.href} safe>{d.fileName}</a> },
          { header: c.docSize, num: true, text: (d) => fileSize(d.sizeBytes) },
          { header: c.docUploaded, text: (d) => instant(d.createdAt, p.locale) },
        ]}
      />
      {mayUpload ? <UploadForm p={p} claim={claim} attempt={attempt} /> : ''}
      <FormProblems p={p} errors={late} fields={[]} />
      {claim.allowedEvents.length && docs.length ? <p class="hint" safe>{c.readFirst}</p> : ''}
      <DecisionForms p={p} claim={claim} attempt={attempt} />
    </section>
  );
}

/** What the claim asks, beside its documents and the forms that decide it: the one who decides reads it there. */
function ClaimFacts({ p, claim }: { p: PageCtx; claim: ClaimView }) {
  const c = p.t.claims;
  return (
    <dl class="summary">
      <dt safe>{c.kind}</dt>
      <dd safe>{c.kinds[claim.kind]}</dd>
      <dt safe>{c.occurredOn}</dt>
      <dd safe>{date(claim.occurredOn, p.locale)}</dd>
      <dt safe>{c.amount}</dt>
      <dd class="num" safe>{yuan(claim.amount)}</dd>
      <dt safe>{c.description}</dt>
      <dd class="text" safe>{claim.description}</dd>
    </dl>
  );
}

function ReportForm({ p, caseId, attempt }: { p: PageCtx; caseId: string; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  const mine = attempt?.form === 'report' ? attempt : null;
  const errors = mine?.errors ?? [];
  const v = mine?.values ?? {};
  return (
    <form method="post" action={`/cases/${caseId}/claims#claim-report`} class="decision" aria-labelledby="claim-report" novalidate>
      <h3 id="claim-report" safe>{c.report}</h3>
      <CsrfField p={p} />
      <ProblemSummary
        p={p}
        errors={errors}
        fields={[
          { path: 'occurredOn', id: 'cr-occurredOn', label: c.occurredOn },
          { path: 'kind', id: 'cr-kind', label: c.kind },
          { path: 'amount', id: 'cr-amount', label: c.amount },
          { path: 'description', id: 'cr-description', label: c.description },
        ]}
      />
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

/** `ownFirm`: the person is of the firm whose case it is, who reported its claims. */
export function ClaimsPart({ p, caseId, claims, mayReport, ownFirm, attempt }: { p: PageCtx; caseId: string; claims: CaseClaims; mayReport: boolean; ownFirm: boolean; attempt: ClaimAttempt | null }) {
  const c = p.t.claims;
  return (
    <section aria-labelledby="claims">
      <h2 id="claims" safe>{c.title}</h2>
      <DataTable
        p={p}
        rows={claims.items}
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
      {claims.items.map((claim) => (
        <ClaimFile p={p} claim={claim} docs={claims.documents.get(claim.id) ?? []} ownFirm={ownFirm} attempt={attempt} />
      ))}
      {mayReport ? <ReportForm p={p} caseId={caseId} attempt={attempt} /> : ''}
    </section>
  );
}

/**
 * Where a claim just reported or decided stands, for the page after it: said from the claim as it
 * is now (the query names only which one), so a reload or a shared link never says more than is so.
 */
export function ClaimNews({ p, claims, id, ownFirm }: { p: PageCtx; claims: CaseClaims | null; id: string | null; ownFirm: boolean }) {
  const claim = id === null ? undefined : claims?.items.find((c) => c.id === id);
  if (!claim) return '';
  const c = p.t.claims;
  const said =
    claim.state === 'reported'
      ? c.doneReported(claim.number, ownFirm)
      : claim.state === 'paid'
        ? c.donePaid(claim.number, yuan(claim.decision?.paidAmount), claim.decision?.reference ?? '')
        : claim.state === 'denied'
          ? c.doneDenied(claim.number)
          : null;
  return said ? (
    <p role="status" class="done" safe>
      {said}
    </p>
  ) : (
    ''
  );
}

type Show = (res: Parameters<Parameters<Router['post']>[1]>[1], caseId: string, attempt: ClaimAttempt, status: number) => Promise<void>;

function failed(err: unknown, p: PageCtx): { errors: FieldError[]; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found' || err.kind === 'unauthenticated') throw err;
  const errors = err.kind === 'conflict' && !err.errors.length ? [{ path: 'form', message: p.t.actions.stale }] : err.errors.length ? err.errors : [{ path: 'form', message: err.message }];
  return { errors, status: err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : err.kind === 'bad_request' ? 400 : 422 };
}

/** An upload's refusal, for the form it came from; anything else (the form token, who may upload) is the error page's. */
function uploadRefusal(err: unknown, p: PageCtx): { errors: FieldError[]; status: number } | null {
  if (!(err instanceof AppError) || err.extra.csrf === true) return null;
  // the only conflict of an upload: the insurer has decided (the service's words are for the API)
  if (err.kind === 'conflict') return { errors: [{ path: 'file', message: p.t.claims.decidedNoUpload }], status: 409 };
  const status = ({ bad_request: 400, payload_too_large: 413, unsupported_media_type: 415 } as Record<string, number | undefined>)[err.kind];
  if (status === undefined) return null;
  return { errors: err.errors.length ? err.errors : [{ path: 'file', message: err.message }], status };
}

/** The claim forms of the case page: POST /cases/:id/claims, POST /claims/:id/events and POST /claims/:id/documents. */
export function claimForms(router: Router, app: AppContext, show: Show) {
  router.post('/cases/:id/claims', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const caseId = idParam(req.params.id, 'case');
    // who may report comes before what was typed, as the API's route has it: 404 or 403, never a form they were not shown
    await assertMayReport(serviceOf(p), caseId);
    const values = { occurredOn: field(req, 'occurredOn'), kind: field(req, 'kind'), amount: field(req, 'amount'), description: field(req, 'description') };
    // an amount may be typed as amounts are shown, with thousands separators
    const parsed = reportClaimSchema.safeParse({ ...values, amount: plainAmount(values.amount) }, { reportInput: true });
    if (!parsed.success) {
      // a day of loss outside the policy period is said with the other fields' problems, all at once
      const named = zodErrors(parsed.error, '');
      return show(res, caseId, { form: 'report', values, errors: [...named, ...(await occurrenceProblemsBeside(serviceOf(p), caseId, values, named))] }, 400);
    }
    let claimId: string;
    try {
      claimId = (await reportClaim(serviceOf(p), caseId, parsed.data)).id;
    } catch (err) {
      const { errors, status } = failed(err, p);
      return show(res, caseId, { form: 'report', values, errors }, status);
    }
    // the case page says where the claim stands now (ClaimNews)
    res.redirect(303, `/cases/${caseId}?claim=${claimId}#claims`);
  });

  router.post('/claims/:id/events', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const claimId = idParam(req.params.id, 'claim');
    const ctx = serviceOf(p);
    // the claim names its case (404 for a claim this person may not see), not a field of the form
    const claim = await getClaim(ctx, claimId);
    const { caseId, amount: claimed, allowedEvents } = claim;
    const type = field(req, 'type');
    const values = { amount: field(req, 'amount'), reference: field(req, 'reference'), reason: field(req, 'reason'), exceedsClaim: field(req, EXCEEDS) };
    const body = type === 'PAY' ? { type, amount: plainAmount(values.amount), reference: values.reference } : { type, reason: values.reason };
    const form = `${claimId}:${type}`;
    const parsed = claimEventSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return show(res, caseId, { form, values, errors: zodErrors(parsed.error, '') }, 400);
    // more than was claimed: a second step, ticked, for the one who may pay (anyone else is refused by the service)
    if (parsed.data.type === 'PAY' && allowedEvents.includes('PAY') && values.exceedsClaim !== 'yes' && excessOf(values.amount, claimed) !== null) {
      const unticked: FieldError = { path: EXCEEDS, code: 'claim.exceedsClaim', message: 'Tick the box to confirm paying more than was claimed.', messageZh: '请勾选确认：赔付金额高于索赔金额。' };
      return show(res, caseId, { form, values, errors: [unticked] }, 422);
    }
    // a payment cannot be taken back: the claim and what was typed are shown once more, and only that form pays
    if (parsed.data.type === 'PAY' && allowedEvents.includes('PAY')) {
      const confirm = field(req, 'confirm');
      if (confirm === 'back') return show(res, caseId, { form, values, errors: [] }, 200);
      if (confirm !== 'yes') return render(res, <ConfirmPay p={p} claim={claim} values={values} />);
    }
    try {
      await sendClaimEvent(ctx, claimId, parsed.data);
    } catch (err) {
      const { errors, status } = failed(err, p);
      return show(res, caseId, { form, values, errors }, status);
    }
    res.redirect(303, `/cases/${caseId}?claim=${claimId}#claims`);
  });

  // as the API's upload (and the case's, pages/firm-docs.tsx): who may upload is settled before the
  // file is read — anyone but the reporting firm gets the API's 403 or 404 — and the form token,
  // travelling in the multipart body, once it is read
  const guard: RequestHandler = async (req, res, next) => {
    await assertMayUploadToClaim(serviceOf(pageOf(res)), idParam(req.params.id, 'claim'));
    next();
  };
  const upload: RequestHandler = async (req, res) => {
    const ctx = serviceOf(pageOf(res));
    const claimId = idParam(req.params.id, 'claim');
    await uploadClaimDocument(ctx, claimId, receivedUpload(req));
    const { caseId } = await getClaim(ctx, claimId);
    res.redirect(303, `/cases/${caseId}#claims`);
  };
  const refused = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const p = pageOf(res);
    const found = uploadRefusal(err, p);
    const claimId = req.params.id;
    if (!found || typeof claimId !== 'string') return next(err);
    // shown on the claim's case, beside the claim's upload form
    getClaim(serviceOf(p), claimId)
      .then(({ caseId }) => show(res, caseId, { form: `${claimId}:upload`, values: {}, errors: found.errors }, found.status))
      .catch(next);
  };
  router.post('/claims/:id/documents', guard, ...receiveUpload(app), requireCsrf(), upload, refused);
}
