import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { caseCreateSchema, casePatchSchema } from '../cases/body';
import { createCase } from '../cases/create';
import { getCase } from '../cases/get';
import { renewalCandidates } from '../cases/renewal-candidates';
import type { CaseView } from '../cases/present';
import { updateCase } from '../cases/update';
import { getEntry } from '../catalogue/get';
import { searchEntries } from '../catalogue/search';
import { listInsurers } from '../insurers/list';
import { listRounds } from '../rounds/list';
import { AppError, type FieldError } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import type { ServiceContext } from '../context';
import { statesWhereFirmMay } from '../../workflows/case/chart';
import { Layout } from './layout';
import { CsrfField, errorsAt, Field, FormProblems, FieldProblems } from './components/form';
import { aside, instantBeijing, plainAmount, yuan } from './format';
import { field, idParam, type PageCtx, pageOf, render, serviceOf, takeRepeated } from './page';
import { requireCsrf } from './csrf';

// The application form (SPEC §7 "Web pages"): every field of the case body, saved as a draft
// through the services of POST /api/v1/cases and PATCH /api/v1/cases/:id, with their schemas and
// refusals. The material is chosen from the round's catalogue edition with a search picker: htmx
// swaps its results while the person types; without scripts its button posts the form back with
// the results and everything typed so far, and nothing is saved.

const EDITABLE = statesWhereFirmMay('edit');
const PICKS = 20;

const TEXTS = ['material.name', 'material.specification', 'material.batchNo', 'userUnit.name', 'userUnit.uscc', 'contract.number', 'contract.unit', 'policy.number', 'policy.premiumInvoiceNo'] as const;
const DATES = ['contract.signedOn', 'contract.deliveredOn', 'policy.startsOn', 'policy.endsOn', 'policy.paidOn'] as const;
// amounts and the quantity may be typed with thousands separators, as they are shown
const NUMBERS = ['contract.amount', 'contract.quantity', 'policy.liabilityLimit', 'policy.premium'] as const;
const IDS = ['policy.insurerId'] as const;
const CHECKS = ['userUnit.notAffiliate', 'userUnit.notTrader'] as const;
const FIELDS: readonly string[] = ['roundId', 'catalogueEntryId', 'renewalOf', 'entryQ', ...TEXTS, ...DATES, ...NUMBERS, ...IDS, ...CHECKS];

type Values = Record<string, string>;

const caseId = z.uuid();
const valuesOf = (req: Request): Values => Object.fromEntries(FIELDS.map((name) => [name, field(req, name)]));

function valuesOfCase(view: CaseView): Values {
  const v: Values = { roundId: view.roundId, catalogueEntryId: view.catalogueEntryId, renewalOf: view.renewalOf ?? '' };
  const groups = { material: view.material, userUnit: view.userUnit, contract: view.contract, policy: view.policy } as Record<string, Record<string, unknown>>;
  for (const name of [...TEXTS, ...DATES, ...NUMBERS, ...IDS]) {
    const [group = '', key = ''] = name.split('.');
    const value = groups[group]?.[key];
    v[name] = typeof value === 'string' ? (name.endsWith('.amount') || name.endsWith('.liabilityLimit') || name.endsWith('.premium') ? yuan(value) : value) : '';
  }
  for (const name of CHECKS) {
    const [group = '', key = ''] = name.split('.');
    v[name] = groups[group]?.[key] === true ? 'on' : '';
  }
  return v;
}

/**
 * The form as the API's case body. An edit sends every text field, so that emptying one clears it;
 * a date, amount or choice left empty is not sent (the draft keeps what it had).
 */
function bodyOf(v: Values, entryName: string | null, creating: boolean): Record<string, unknown> {
  const groups: Record<string, Record<string, unknown>> = {};
  const put = (name: string, value: unknown) => {
    const [group = '', key = ''] = name.split('.');
    (groups[group] ??= {})[key] = value;
  };
  // a new draft leaves out what was not typed; an edit sends it, so that emptying a field clears it
  for (const name of TEXTS) if (!creating || v[name]?.trim()) put(name, v[name] ?? '');
  if (!v['material.name']?.trim() && entryName) put('material.name', entryName);
  for (const name of [...DATES, ...IDS]) if (v[name]?.trim()) put(name, v[name].trim());
  for (const name of NUMBERS) if (v[name]?.trim()) put(name, plainAmount(v[name]));
  for (const name of CHECKS) put(name, v[name] === 'on');
  const renewal = v.renewalOf?.trim() ? v.renewalOf.trim() : creating ? undefined : null;
  return {
    ...(v.roundId ? { roundId: v.roundId } : {}),
    ...(v.catalogueEntryId ? { catalogueEntryId: v.catalogueEntryId } : {}),
    ...(renewal !== undefined ? { renewalOf: renewal } : {}),
    ...groups,
  };
}

type Rounds = Awaited<ReturnType<typeof listRounds>>['items'];
type Insurers = Awaited<ReturnType<typeof listInsurers>>['items'];
type Search = Awaited<ReturnType<typeof searchEntries>>;
type Entry = Awaited<ReturnType<typeof getEntry>>;

interface Choices {
  rounds: Rounds;
  insurers: Insurers;
  renewals: { id: string; label: string }[];
}

interface Picker {
  chosen: Entry | null;
  search: Search | null;
}

/**
 * The form's choices. A new application starts in the round that is open now (the latest year's, when several are);
 * the renewal choice lists what the renewal rules would accept for the round chosen (with none
 * chosen, for the latest), and the application the draft already renews.
 */
async function choicesFor(p: PageCtx, view: CaseView | null, values: Values): Promise<Choices> {
  const ctx = serviceOf(p);
  const [rounds, insurers] = await Promise.all([listRounds(ctx), listInsurers(ctx)]);
  if (!view && !values.roundId) {
    const now = ctx.app.clock.now().toISOString();
    // with rounds of several years open at once, the latest year's is the one a new application is for
    const open = rounds.items.filter((r) => r.opensAt <= now && now < r.closesAt);
    values.roundId = open.reduce<(typeof open)[number] | undefined>((best, r) => (best && best.year >= r.year ? best : r), undefined)?.id ?? '';
  }
  const chosen = rounds.items.find((r) => r.id === values.roundId);
  const before = chosen ? chosen.year : rounds.items.length > 0 ? Math.max(...rounds.items.map((r) => r.year)) : null;
  const candidates = await renewalCandidates(ctx, { before, except: view?.id ?? null, kept: view?.renewalOf ?? null });
  const a = p.t.application;
  const renewals = candidates.map((c) => ({ id: c.id, label: a.renewalLabel(c.number, c.materialName ?? p.t.cases.untitled, c.year) }));
  return { rounds: rounds.items, insurers: insurers.items, renewals };
}

/** The chosen entry and, when a search was asked for, the entries of the round's edition that match. */
async function pickerFor(ctx: ServiceContext, rounds: Rounds, v: Values, searching: boolean): Promise<Picker> {
  const chosen = v.catalogueEntryId && caseId.safeParse(v.catalogueEntryId).success ? await getEntry(ctx.app, ctx.user, v.catalogueEntryId).catch(() => null) : null;
  const round = rounds.find((r) => r.id === v.roundId);
  const search = searching && round ? await searchEntries(ctx.app, ctx.user, { edition: round.editionId, q: v.entryQ?.slice(0, 100), limit: PICKS }) : null;
  return { chosen, search };
}


function Select({ p, name, label, value, options, empty, errors }: { p: PageCtx; name: string; label: string; value: string; options: { value: string; label: string }[]; empty: string; errors: readonly FieldError[] }) {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const mine = errorsAt(errors, name);
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for={id} safe>{label}</label>
      <FieldProblems p={p} id={`${id}-error`} errors={mine} />
      <select id={id} name={name} aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? `${id}-error` : undefined}>
        <option value="" safe>{empty}</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} safe>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

function Check({ p, name, label, checked, errors }: { p: PageCtx; name: string; label: string; checked: boolean; errors: readonly FieldError[] }) {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const mine = errorsAt(errors, name);
  return (
    <div class={mine.length ? 'field check invalid' : 'field check'}>
      <FieldProblems p={p} id={`${id}-error`} errors={mine} />
      <span>
        <input type="checkbox" id={id} name={name} checked={checked} aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? `${id}-error` : undefined} />{' '}
        <label for={id} safe>{label}</label>
      </span>
    </div>
  );
}

/** The picker's results: the chosen entry first, then the matches, as one group of radio buttons. */
export function EntryResults({ p, picker, roundChosen, errors }: { p: PageCtx; picker: Picker; roundChosen: boolean; errors: readonly FieldError[] }) {
  const a = p.t.application;
  const { chosen, search } = picker;
  const others = (search?.items ?? []).filter((e) => e.id !== chosen?.id);
  const mine = errorsAt(errors, 'catalogueEntryId');
  const Option = ({ e, checked }: { e: { id: string; seq: number; name: string; requirements: string }; checked: boolean }) => (
    <li>
      <input type="radio" id={`entry-${e.id}`} name="catalogueEntryId" value={e.id} checked={checked} aria-describedby={mine.length ? 'f-catalogueEntryId-error' : undefined} />{' '}
      <label for={`entry-${e.id}`}>
        <span safe>{`${e.seq}. ${e.name}`}</span>
        {e.requirements ? <span class="hint" safe>{e.requirements}</span> : ''}
      </label>
    </li>
  );
  return (
    <>
      <FieldProblems p={p} id="f-catalogueEntryId-error" errors={mine} />
      {!roundChosen ? <p class="hint" safe>{a.entryNoRound}</p> : ''}
      {search ? <p class="hint" safe>{search.items.length === 0 ? a.entryNone : a.entryResults(search.items.length)}</p> : ''}
      {chosen || others.length ? (
        <ul class="picks">
          {chosen ? <Option e={chosen} checked /> : ''}
          {others.map((e) => (
            <Option e={e} checked={false} />
          ))}
        </ul>
      ) : (
        ''
      )}
      {search?.nextCursor ? <p class="hint" safe>{a.entryMore}</p> : ''}
    </>
  );
}

const PICKER_INCLUDE = "#f-roundId, #f-entryQ, [name='catalogueEntryId']:checked";

function ApplicationForm({ p, view, values, errors, choices, picker }: { p: PageCtx; view: CaseView | null; values: Values; errors: readonly FieldError[]; choices: Choices; picker: Picker }) {
  const a = p.t.application;
  const f = (name: string, label: string, more: { type?: string; hint?: string; required?: boolean } = {}) => <Field p={p} name={name} label={label} errors={errors} value={values[name] ?? ''} {...more} />;
  const money = (name: string, label: string) => (
    <div class="money">
      <Field p={p} name={name} label={label} errors={errors} value={values[name] ?? ''} hint={a.amountHint} idPrefix="f" />
    </div>
  );
  const action = view ? `/cases/${view.id}/edit` : '/cases/new';
  // a new application is opened in a round still taking them; each round says when it closes
  const now = p.app.clock.now().toISOString();
  const rounds = view ? choices.rounds : choices.rounds.filter((r) => now < r.closesAt);
  const roundOptions = rounds.map((r) => ({ value: r.id, label: `${r.name}${aside(String(r.year), p.locale)} · ${now < r.closesAt ? a.roundCloses(instantBeijing(r.closesAt, p.locale)) : a.roundClosed}` }));
  const insurerOptions = choices.insurers.map((i) => ({ value: i.id, label: i.name }));
  const entryErrors = errorsAt(errors, 'catalogueEntryId');
  // no round takes applications now: nothing could be filed, so no form to fill in
  if (!view && rounds.length === 0) {
    return (
      <Layout p={p} title={a.newTitle}>
        <p class="empty" role="status" safe>{a.noRounds}</p>
        <p>
          <a href="/cases" safe>{p.t.dashboard.openCases}</a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout p={p} title={view ? a.editTitle(view.number) : a.newTitle}>
      {/* in revision the changes are saved for the resubmission, not as a draft */}
      <p safe>{view?.state === 'revision' ? a.introRevision : a.intro}</p>
      <form method="post" action={action} class="application" novalidate>
        <CsrfField p={p} />
        {view ? <input type="hidden" name="version" value={String(view.version)} /> : ''}
        <FormProblems p={p} errors={errors} fields={FIELDS} />
        <fieldset>
          <legend safe>{a.roundPart}</legend>
          <div hx-get="/cases/new/entries" hx-trigger="change from:#f-roundId" hx-target="#entry-results" hx-include={PICKER_INCLUDE} hx-indicator="#entry-searching">
            <Select p={p} name="roundId" label={a.round} value={values.roundId ?? ''} options={roundOptions} empty={a.chooseRound} errors={errors} />
          </div>
          <div class="picker search">
            <Field p={p} name="entryQ" type="search" label={a.entryQ} hint={a.entryQHint} value={values.entryQ ?? ''} errors={errors} />
            <button type="submit" name="intent" value="search" hx-get="/cases/new/entries" hx-target="#entry-results" hx-include={PICKER_INCLUDE} hx-indicator="#entry-searching" safe>
              {a.entrySearch}
            </button>
          </div>
          {/* typing searches too, once htmx is there; the radio buttons below are the choice */}
          <span hidden hx-get="/cases/new/entries" hx-trigger="input changed delay:300ms from:#f-entryQ" hx-target="#entry-results" hx-include={PICKER_INCLUDE} hx-indicator="#entry-searching"></span>
          <fieldset class={entryErrors.length ? 'entries invalid' : 'entries'}>
            <legend safe>{a.entry}</legend>
            <p id="entry-searching" class="htmx-indicator muted" safe>
              {a.entrySearching}
            </p>
            <div id="entry-results" aria-live="polite">
              <EntryResults p={p} picker={picker} roundChosen={Boolean(values.roundId)} errors={errors} />
            </div>
          </fieldset>
          <Select p={p} name="renewalOf" label={a.renewalOf} value={values.renewalOf ?? ''} options={choices.renewals.map((r) => ({ value: r.id, label: r.label }))} empty={a.noRenewal} errors={errors} />
        </fieldset>
        <fieldset>
          <legend safe>{a.materialPart}</legend>
          {f('material.name', a.materialName, { hint: a.materialNameHint })}
          {f('material.specification', a.specification)}
          {f('material.batchNo', a.batchNo)}
        </fieldset>
        <fieldset>
          <legend safe>{a.userUnitPart}</legend>
          {f('userUnit.name', a.userUnitName)}
          {f('userUnit.uscc', a.userUnitUscc)}
          <Check p={p} name="userUnit.notAffiliate" label={a.notAffiliate} checked={values['userUnit.notAffiliate'] === 'on'} errors={errors} />
          <Check p={p} name="userUnit.notTrader" label={a.notTrader} checked={values['userUnit.notTrader'] === 'on'} errors={errors} />
        </fieldset>
        <fieldset>
          <legend safe>{a.contractPart}</legend>
          {f('contract.number', a.contractNumber)}
          {f('contract.signedOn', a.signedOn, { type: 'date' })}
          {money('contract.amount', a.contractAmount)}
          {f('contract.quantity', a.quantity)}
          {f('contract.unit', a.unit)}
          {f('contract.deliveredOn', a.deliveredOn, { type: 'date' })}
        </fieldset>
        <fieldset>
          <legend safe>{a.policyPart}</legend>
          <Select p={p} name="policy.insurerId" label={a.insurer} value={values['policy.insurerId'] ?? ''} options={insurerOptions} empty={a.chooseInsurer} errors={errors} />
          {f('policy.number', a.policyNumber)}
          {money('policy.liabilityLimit', a.liabilityLimit)}
          {money('policy.premium', a.premium)}
          {f('policy.startsOn', a.startsOn, { type: 'date' })}
          {f('policy.endsOn', a.endsOn, { type: 'date' })}
          {f('policy.premiumInvoiceNo', a.premiumInvoiceNo)}
          {f('policy.paidOn', a.paidOn, { type: 'date' })}
        </fieldset>
        <button type="submit" name="intent" value="save" class="primary" safe>{view?.state === 'revision' ? a.saveRevision : a.save}</button>
      </form>
    </Layout>
  );
}

const FIRM = gate('user', ['firm']);

async function showForm(res: Response, view: CaseView | null, values: Values, errors: readonly FieldError[], searching: boolean, status = 200) {
  const p = pageOf(res);
  const ctx = serviceOf(p);
  const choices = await choicesFor(p, view, values);
  // with nothing chosen yet, the round's catalogue is listed from its start
  const picker = await pickerFor(ctx, choices.rounds, values, searching || !values.catalogueEntryId);
  await render(res, <ApplicationForm p={p} view={view} values={values} errors={errors} choices={choices} picker={picker} />, status);
}

/** The two choices a draft cannot be opened without, asked for in the page's words before the service is. */
const required = (p: PageCtx, v: Values): FieldError[] => [
  ...(v.roundId ? [] : [{ path: 'roundId', message: p.t.application.roundMissing }]),
  ...(v.catalogueEntryId ? [] : [{ path: 'catalogueEntryId', message: p.t.application.entryMissing }]),
];

/** A service's refusal as the form shows it: beside its field, or at the top. */
function refusal(p: PageCtx, err: unknown): { errors: FieldError[]; status: number } {
  if (!(err instanceof AppError) || err.kind === 'not_found' || err.kind === 'unauthenticated' || err.kind === 'forbidden') throw err;
  if (err.kind === 'conflict') return { errors: [{ path: 'form', message: err.extra.currentVersion !== undefined ? p.t.application.stale : p.t.application.notEditable }], status: 409 };
  return { errors: err.errors.length ? err.errors : [{ path: 'form', message: err.message }], status: err.kind === 'unprocessable' ? 422 : 400 };
}

export function applicationPages(router: Router) {
  router.get('/cases/new', FIRM, async (_req, res) => {
    await showForm(res, null, {}, [], true);
  });

  // the picker's results alone, for htmx (the same search as GET /api/v1/catalogue/entries)
  router.get('/cases/new/entries', FIRM, async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const q = (k: string) => (typeof req.query[k] === 'string' ? req.query[k] : '');
    const values: Values = { roundId: q('roundId'), entryQ: q('entryQ'), catalogueEntryId: q('catalogueEntryId') };
    const rounds = (await listRounds(ctx)).items;
    const picker = await pickerFor(ctx, rounds, values, true);
    const html = await (<EntryResults p={p} picker={picker} roundChosen={Boolean(values.roundId)} errors={[]} />);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(html);
  });

  router.post('/cases/new', FIRM, requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    // a field sent twice is said beside it, the form as sent, before anything else of it
    const twice = takeRepeated(req);
    const values = valuesOf(req);
    if (twice.length) return showForm(res, null, values, twice, false, 400);
    if (field(req, 'intent') === 'search') return showForm(res, null, values, [], true);
    const missing = required(p, values);
    if (missing.length) return showForm(res, null, values, missing, false, 400);
    const entry = await getEntry(ctx.app, ctx.user, values.catalogueEntryId ?? '').catch(() => null);
    const parsed = caseCreateSchema.safeParse(bodyOf(values, entry?.name ?? null, true), { reportInput: true });
    if (!parsed.success) return showForm(res, null, values, zodErrors(parsed.error, ''), false, 400);
    let id: string;
    try {
      id = (await createCase(ctx, parsed.data)).id;
    } catch (err) {
      const { errors, status } = refusal(p, err);
      return showForm(res, null, values, errors, false, status);
    }
    res.redirect(303, `/cases/${id}?saved=1`);
  });

  router.get('/cases/:id/edit', FIRM, async (req, res) => {
    const p = pageOf(res);
    const view = await getCase(serviceOf(p), idParam(req.params.id, 'case'));
    if (!EDITABLE.has(view.state)) return res.redirect(303, `/cases/${view.id}`);
    await showForm(res, view, valuesOfCase(view), [], false);
  });

  router.post('/cases/:id/edit', FIRM, requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const view = await getCase(ctx, idParam(req.params.id, 'case'));
    // a field sent twice is said beside it, the form as sent, before anything else of it
    const twice = takeRepeated(req);
    const values = valuesOf(req);
    if (twice.length) return showForm(res, view, values, twice, false, 400);
    if (field(req, 'intent') === 'search') return showForm(res, view, values, [], true);
    const missing = required(p, values);
    if (missing.length) return showForm(res, view, values, missing, false, 400);
    const entry = await getEntry(ctx.app, ctx.user, values.catalogueEntryId ?? '').catch(() => null);
    const parsed = casePatchSchema.safeParse(bodyOf(values, entry?.name ?? null, false), { reportInput: true });
    if (!parsed.success) return showForm(res, view, values, zodErrors(parsed.error, ''), false, 400);
    const version = /^\d{1,9}$/.test(field(req, 'version')) ? Number(field(req, 'version')) : undefined;
    try {
      await updateCase(ctx, view.id, parsed.data, version);
    } catch (err) {
      const { errors, status } = refusal(p, err);
      return showForm(res, view, values, errors, false, status);
    }
    res.redirect(303, `/cases/${view.id}?saved=1`);
  });
}
