import type { Request, Response, Router } from 'express';
import { AppError, type FieldError } from '../../errors';
import { formatYuan } from '../../domain/money';
import { zodErrors } from '../../http/problem';
import { createRound } from '../../rounds/create';
import { updateRound } from '../../rounds/update';
import { getRound, listRounds } from '../../rounds/list';
import { ROUND_DEFAULTS } from '../../rounds/columns';
import { roundCreateSchema, roundPatchSchema } from '../../rounds/schema';
import type { RoundView } from '../../rounds/present';
import { listInsurers } from '../../insurers/list';
import { listPublishedEditions } from '../../reference/list';
import { listEditions } from '../../catalogue/list';
import { CsrfField, Field, FormProblems, errorsAt } from '../components/form';
import { requireCsrf } from '../csrf';
import { date, yuan } from '../format';
import { idParam, type PageCtx, pageOf, problemText, render } from '../page';
import { AdminLayout, adminOf, atFields, doneOf, problemsOf, statusOfProblem } from './common';
import { beijing } from './clock';

// Rounds and their rules (SPEC §3, §4, §6): the services of POST and PATCH /rounds. The form
// speaks the body's own units: basis points for rates, yuan for money, working days for clocks.

type Insurer = Awaited<ReturnType<typeof listInsurers>>['items'][number];
type Edition = Awaited<ReturnType<typeof listPublishedEditions>>[number];
type Values = Record<string, string | string[]>;
interface Attempt {
  values: Values;
  errors: FieldError[];
}

const CLOCKS = ['municipalReviewWorkingDays', 'revisionWorkingDays', 'provincialReviewWorkingDays', 'expertReviewWorkingDays', 'noticeWorkingDays', 'objectionWorkingDays', 'paymentDays'] as const;
const WHOLE = ['year', 'rateBp', 'maxYears', 'banYears', 'expertQuorum'] as const;
const WHOLE_OR_OFF = ['premiumRateCapBp', 'limitMultiple'] as const;
const YUAN_OR_OFF = ['absoluteLimit', 'perFirmCap', 'budget'] as const;

const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
/** An instant as a datetime-local value in Beijing time. */
const beijingLocal = (iso: string) => local.format(new Date(iso)).replace(' ', 'T');

function valuesOfRound(r: RoundView): Values {
  const v: Values = {
    name: r.name,
    year: String(r.year),
    editionId: r.editionId,
    opensAt: beijingLocal(r.opensAt),
    closesAt: beijingLocal(r.closesAt),
    insuranceStartsOn: r.insuranceStartsOn,
    insuranceEndsOn: r.insuranceEndsOn,
    insurerIds: r.insurerIds,
    rateBp: String(r.rateBp),
    premiumRateCapBp: r.premiumRateCapBp === null ? '' : String(r.premiumRateCapBp),
    limitMultiple: r.limitMultiple === null ? '' : String(r.limitMultiple),
    absoluteLimit: r.absoluteLimit === null ? '' : yuan(r.absoluteLimit),
    minContract: yuan(r.minContract),
    maxYears: String(r.maxYears),
    banYears: String(r.banYears),
    perFirmCap: r.perFirmCap === null ? '' : yuan(r.perFirmCap),
    budget: r.budget === null ? '' : yuan(r.budget),
    expertQuorum: String(r.expertQuorum),
  };
  for (const c of CLOCKS) v[`clockLengths.${c}`] = String(r.clockLengths[c]);
  return v;
}

/** A new round's form starts from the SPEC defaults the service would take. */
function defaultValues(): Values {
  const d = ROUND_DEFAULTS;
  const v: Values = {
    rateBp: String(d.rateBp),
    premiumRateCapBp: String(d.premiumRateCapBp),
    limitMultiple: String(d.limitMultiple),
    absoluteLimit: yuan(formatYuan(d.absoluteLimitFen)),
    minContract: yuan(formatYuan(d.minContractFen)),
    maxYears: String(d.maxYears),
    banYears: String(d.banYears),
    perFirmCap: '',
    budget: '',
    expertQuorum: String(d.expertQuorum),
    insurerIds: [],
  };
  for (const c of CLOCKS) v[`clockLengths.${c}`] = String(d.clockLengths[c]);
  return v;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
// a whole number goes as a number; anything else as typed, for the schema to refuse beside its field
const whole = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s);
// yuan may be typed with thousands separators, as the pages show them
const money = (s: string) => s.replace(/[,，\s]/g, '');

function bodyOf(v: Values, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: one(v.name),
    editionId: one(v.editionId),
    opensAt: beijing(one(v.opensAt).trim()),
    closesAt: beijing(one(v.closesAt).trim()),
    insuranceStartsOn: one(v.insuranceStartsOn).trim(),
    insuranceEndsOn: one(v.insuranceEndsOn).trim(),
    insurerIds: Array.isArray(v.insurerIds) ? v.insurerIds : [],
    minContract: money(one(v.minContract)),
    clockLengths: Object.fromEntries(CLOCKS.map((c) => [c, whole(one(v[`clockLengths.${c}`]))])),
  };
  for (const k of WHOLE) body[k] = whole(one(v[k]));
  for (const k of WHOLE_OR_OFF) body[k] = one(v[k]).trim() === '' ? null : whole(one(v[k]));
  for (const k of YUAN_OR_OFF) body[k] = one(v[k]).trim() === '' ? null : money(one(v[k]));
  if (editing && one(v.reason).trim() !== '') body.reason = one(v.reason);
  return body;
}

// a problem of one insurer (insurerIds.2) or one clock belongs to the field that holds it
const fieldPath = (path: string) => (/^insurerIds\.\d+$/.test(path) ? 'insurerIds' : path);

function RoundsPage({ p, rounds, editions, done }: { p: PageCtx; rounds: RoundView[]; editions: Map<string, string>; done?: string | undefined }) {
  const r = p.t.admin.rounds;
  return (
    <AdminLayout p={p} title={r.title} done={done}>
      <p safe>{r.intro}</p>
      <p>
        <a class="button primary" href="/admin/rounds/new" safe>{r.create}</a>
      </p>
      {rounds.length === 0 ? (
        <p class="empty" safe>{r.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col" safe>{r.name}</th>
                <th scope="col" safe>{r.period}</th>
                <th scope="col" safe>{r.edition}</th>
                <th scope="col" class="num" safe>{r.rate}</th>
                <th scope="col" class="num" safe>{r.budget}</th>
                <th scope="col" class="num" safe>{r.version}</th>
              </tr>
            </thead>
            <tbody>
              {rounds.map((x) => (
                <tr>
                  <td data-label={r.name}>
                    <a href={`/admin/rounds/${x.id}`} safe>{x.name}</a>
                  </td>
                  <td data-label={r.period} safe>{`${date(beijingLocal(x.opensAt).slice(0, 10), p.locale)} – ${date(beijingLocal(x.closesAt).slice(0, 10), p.locale)}`}</td>
                  <td data-label={r.edition} safe>{editions.get(x.editionId) ?? '—'}</td>
                  <td data-label={r.rate} class="num">{x.rateBp}</td>
                  <td data-label={r.budget} class="num" safe>{x.budget === null ? p.t.admin.none : yuan(x.budget)}</td>
                  <td data-label={r.version} class="num">{x.paramsVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}

interface FormProps {
  p: PageCtx;
  round: RoundView | null;
  editions: Edition[];
  insurers: Insurer[];
  attempt: Attempt | null;
  done?: string | undefined;
}

function RoundForm({ p, round, editions, insurers, attempt, done }: FormProps) {
  const r = p.t.admin.rounds;
  const errors = attempt?.errors ?? [];
  const v = attempt?.values ?? (round ? valuesOfRound(round) : defaultValues());
  const text = (name: string, label: string, type = 'text', hint?: string) => <Field p={p} name={name} label={label} type={type} hint={hint} errors={errors} value={one(v[name])} />;
  const chosen = Array.isArray(v.insurerIds) ? v.insurerIds : [];
  const insurerErrors = errorsAt(errors, 'insurerIds');
  const editionErrors = errorsAt(errors, 'editionId');
  // the round's own edition stays choosable even when a newer one has been published since
  const editionOptions = round && !editions.some((e) => e.id === round.editionId) ? [{ id: round.editionId, label: round.editionId }] : [];
  const fields = ['name', 'year', 'editionId', 'opensAt', 'closesAt', 'insuranceStartsOn', 'insuranceEndsOn', 'insurerIds', ...WHOLE, ...WHOLE_OR_OFF, ...YUAN_OR_OFF, 'minContract', 'reason', ...CLOCKS.map((c) => `clockLengths.${c}`)];
  return (
    <AdminLayout p={p} title={round ? r.editTitle(round.name) : r.create} done={done}>
      {editions.length === 0 && !round ? <p class="empty" safe>{r.noEdition}</p> : ''}
      <form method="post" action={round ? `/admin/rounds/${round.id}` : '/admin/rounds'} class="decision" novalidate>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={fields} />
        <h2 safe>{r.identity}</h2>
        {text('name', r.name)}
        {text('year', r.year, 'number')}
        <div class={editionErrors.length ? 'field invalid' : 'field'}>
          <label for="f-editionId" safe>{r.edition}</label>
          {editionErrors.length ? (
            <p class="error" id="f-editionId-error">
              {editionErrors.map((e) => (
                <span safe>{problemText(e, p.locale)}</span>
              ))}
            </p>
          ) : (
            ''
          )}
          <select id="f-editionId" name="editionId" aria-invalid={editionErrors.length ? 'true' : undefined} aria-describedby={editionErrors.length ? 'f-editionId-error' : undefined}>
            {editionOptions.map((e) => (
              <option value={e.id} selected safe>{e.label}</option>
            ))}
            {editions.map((e) => (
              <option value={e.id} selected={one(v.editionId) === e.id} safe>{`${e.year} · ${e.docNumber}`}</option>
            ))}
          </select>
        </div>
        {text('opensAt', r.opensAt, 'datetime-local')}
        {text('closesAt', r.closesAt, 'datetime-local')}
        {text('insuranceStartsOn', r.insuranceStartsOn, 'date')}
        {text('insuranceEndsOn', r.insuranceEndsOn, 'date')}
        <fieldset class={insurerErrors.length ? 'field invalid' : 'field'} aria-describedby={insurerErrors.length ? 'f-insurerIds-error' : undefined}>
          <legend safe>{r.insurers}</legend>
          {insurerErrors.length ? (
            <p class="error" id="f-insurerIds-error">
              {insurerErrors.map((e) => (
                <span safe>{problemText(e, p.locale)}</span>
              ))}
            </p>
          ) : (
            ''
          )}
          {insurers.map((i) => (
            <label class="check">
              <input type="checkbox" name="insurerIds" value={i.id} checked={chosen.includes(i.id)} /> <span safe>{`${i.code} · ${i.name}`}</span>
            </label>
          ))}
        </fieldset>
        <h2 safe>{r.rules}</h2>
        {text('rateBp', r.rateBp, 'text', r.rateHint)}
        {text('premiumRateCapBp', r.premiumRateCapBp, 'text', r.capHint)}
        {text('limitMultiple', r.limitMultiple)}
        {text('absoluteLimit', r.absoluteLimit)}
        {text('minContract', r.minContract)}
        {text('perFirmCap', r.perFirmCap)}
        {text('budget', r.budgetField)}
        {text('maxYears', r.maxYears)}
        {text('banYears', r.banYears)}
        {text('expertQuorum', r.expertQuorum)}
        <h2 safe>{r.clocks}</h2>
        {CLOCKS.map((c) => text(`clockLengths.${c}`, r.clockNames[c] ?? c))}
        {round ? <Field p={p} name="reason" label={r.reason} errors={errors} value={one(v.reason)} multiline /> : ''}
        <button type="submit" class="primary" safe>{round ? r.submitEdit : r.submitCreate}</button>
      </form>
    </AdminLayout>
  );
}

function formValues(req: Request): Values {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const v: Values = {};
  for (const [k, x] of Object.entries(b)) {
    if (k === '_csrf') continue;
    if (typeof x === 'string') v[k] = x;
    else if (Array.isArray(x)) v[k] = x.filter((s): s is string => typeof s === 'string');
  }
  const ids = v.insurerIds;
  v.insurerIds = Array.isArray(ids) ? ids : ids ? [ids] : [];
  return v;
}

async function showForm(req: Request, res: Response, round: RoundView | null, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const ctx = adminOf(p);
  const [editions, insurers] = await Promise.all([listPublishedEditions(p.app), listInsurers(ctx)]);
  await render(res, <RoundForm p={p} round={round} editions={editions} insurers={insurers.items} attempt={attempt} done={doneOf(req.query, p.t.admin.rounds.done)} />, status);
}

export function adminRounds(router: Router) {
  router.get('/admin/rounds', async (req, res) => {
    const p = pageOf(res);
    const ctx = adminOf(p);
    // every edition, so a round whose edition was superseded since still names it
    const [list, editions] = await Promise.all([listRounds(ctx), listEditions(ctx)]);
    const names = new Map(editions.map((e) => [e.id, `${e.year} · ${e.docNumber}`]));
    await render(res, <RoundsPage p={p} rounds={list.items} editions={names} done={doneOf(req.query, p.t.admin.rounds.done)} />);
  });

  router.get('/admin/rounds/new', (req, res) => showForm(req, res, null, null));

  router.post('/admin/rounds', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const values = formValues(req);
    const parsed = roundCreateSchema.safeParse(bodyOf(values, false));
    if (!parsed.success) return showForm(req, res, null, { values, errors: atFields(zodErrors(parsed.error, ''), fieldPath) }, 400);
    let id: string;
    try {
      id = (await createRound(ctx, parsed.data)).id;
    } catch (err) {
      return showForm(req, res, null, { values, errors: atFields(problemsOf(err), fieldPath) }, statusOfProblem(err));
    }
    res.redirect(303, `/admin/rounds/${id}?done=created`);
  });

  router.get('/admin/rounds/:id', async (req, res) => {
    const p = pageOf(res);
    await showForm(req, res, await getRound(adminOf(p), idParam(req.params.id, 'round')), null);
  });

  router.post('/admin/rounds/:id', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    const round = await getRound(ctx, idParam(req.params.id, 'round'));
    const values = formValues(req);
    const parsed = roundPatchSchema.safeParse(bodyOf(values, true));
    if (!parsed.success) return showForm(req, res, round, { values, errors: atFields(zodErrors(parsed.error, ''), fieldPath) }, 400);
    try {
      await updateRound(ctx, round.id, parsed.data);
    } catch (err) {
      // a rule change under submitted applications that lacks a reason names the rules it changes: the reason is missing
      const wantsReason = err instanceof AppError && err.kind === 'conflict' && Array.isArray(err.extra.fields);
      const errors = problemsOf(err).map((e) => (wantsReason && e.path === 'form' ? { ...e, path: 'reason' } : e));
      return showForm(req, res, round, { values, errors: atFields(errors, fieldPath) }, statusOfProblem(err));
    }
    res.redirect(303, `/admin/rounds/${round.id}?done=updated`);
  });
}
