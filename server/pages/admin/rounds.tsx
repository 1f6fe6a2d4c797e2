import type { Request, Response, Router } from 'express';
import { AppError, type FieldError } from '../../errors';
import { formatYuan } from '../../domain/money';
import { zodErrors } from '../../http/problem';
import { createRound } from '../../rounds/create';
import { updateRound } from '../../rounds/update';
import { getRound, listRounds } from '../../rounds/list';
import { DEFAULT_RUBRIC, ROUND_DEFAULTS } from '../../rounds/columns';
import { documentTypes } from '../../../db/schema/cases';
import type { Rubric } from '../../../db/schema/rounds';
import { getEdition, getEntries } from '../../catalogue/get';
import { searchEntries } from '../../catalogue/search';
import { roundCreateSchema, roundPatchSchema } from '../../rounds/schema';
import type { RoundView } from '../../rounds/present';
import { roundPhase } from '../../rounds/phase';
import { listInsurers } from '../../insurers/list';
import { listPublishedEditions } from '../../reference/list';
import { listEditions } from '../../catalogue/list';
import { CsrfField, Field, FormProblems, errorsAt, FieldProblems } from '../components/form';
import { DataTable } from '../components/table';
import { requireCsrf } from '../csrf';
import { bpOfPercent, date, instantBeijing, percent, percentValue, plainAmount, yuan } from '../format';
import { idParam, type PageCtx, pageOf, problemText, render, takeRepeated } from '../page';
import { AdminLayout, adminOf, atFields, doneOf, problemsOf, statusOfProblem } from './common';
import { beijing } from './clock';
import { adminZh } from '../i18n/admin-zh';
import { adminEn } from '../i18n/admin-en';

// Rounds and their rules (SPEC §3, §4, §6): the services of POST and PATCH /rounds. The form
// speaks the body's units for money (yuan) and clocks (working days), but rates in percent, as people
// think of them: the body's basis points are read from the typed digits, never through a float.

type Insurer = Awaited<ReturnType<typeof listInsurers>>['items'][number];
type Edition = Awaited<ReturnType<typeof listPublishedEditions>>[number];
type Category = Awaited<ReturnType<typeof getEdition>>['categories'][number];
type Entry = Awaited<ReturnType<typeof getEntries>>[number];
type Search = Awaited<ReturnType<typeof searchEntries>>;
/** What the exclusion fields offer: the categories of the edition the form names, the entries ticked, the entries the search found in it. */
interface Exclusions {
  editionId: string;
  categories: Category[];
  excluded: Entry[];
  search: Search | null;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Values = Record<string, string | string[]>;
interface Attempt {
  values: Values;
  errors: FieldError[];
}

const CLOCKS = ['municipalReviewWorkingDays', 'revisionWorkingDays', 'provincialReviewWorkingDays', 'expertReviewWorkingDays', 'noticeWorkingDays', 'objectionWorkingDays', 'paymentDays'] as const;
const WHOLE = ['year', 'maxYears', 'banYears', 'expertQuorum'] as const;
const WHOLE_OR_OFF = ['limitMultiple'] as const;
// the form's percent fields and the body's basis points they stand for
const PERCENTS = { ratePercent: 'rateBp', premiumRateCapPercent: 'premiumRateCapBp' } as const;
const PERCENT_OF_BP = new Map<string, string>(Object.entries(PERCENTS).map(([field, body]) => [body, field]));
const YUAN_OR_OFF = ['absoluteLimit', 'perFirmCap', 'budget'] as const;
// the rubric as plain form rows: filled rows are criteria, blank ones room for more
const MIN_RUBRIC_ROWS = 8;
const SPARE_RUBRIC_ROWS = 3;
const CRITERION = ['label', 'weight', 'maxPoints'] as const;
const crit = (i: number, part: string) => `rubric.criteria.${i}.${part}`;
// the entry search lists this many of the edition's entries, as the application form's picker does
const PICKS = 20;
const LISTS = ['insurerIds', 'requiredDocuments', 'excludedCategories', 'excludedEntryIds'] as const;

const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
/**
 * An instant as a datetime-local value in Beijing time: to the minute, or to the second and
 * millisecond when it has them (a round opened by the API), so that the form sent back unchanged
 * names the same instant.
 */
const beijingLocal = (iso: string) => {
  const d = new Date(iso);
  const full = local.format(d).replace(' ', 'T');
  const ms = d.getUTCMilliseconds();
  return ms ? `${full}.${String(ms).padStart(3, '0')}` : full.endsWith(':00') ? full.slice(0, -3) : full;
};

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
    ratePercent: percentValue(r.rateBp),
    premiumRateCapPercent: r.premiumRateCapBp === null ? '' : percentValue(r.premiumRateCapBp),
    limitMultiple: r.limitMultiple === null ? '' : String(r.limitMultiple),
    absoluteLimit: r.absoluteLimit === null ? '' : yuan(r.absoluteLimit),
    minContract: yuan(r.minContract),
    maxYears: String(r.maxYears),
    banYears: String(r.banYears),
    perFirmCap: r.perFirmCap === null ? '' : yuan(r.perFirmCap),
    budget: r.budget === null ? '' : yuan(r.budget),
    expertQuorum: String(r.expertQuorum),
    requiredDocuments: r.requiredDocuments,
    excludedCategories: r.excludedCategories,
    excludedEntryIds: r.excludedEntryIds,
    ...rubricValues(r.rubric ?? DEFAULT_RUBRIC),
  };
  for (const c of CLOCKS) v[`clockLengths.${c}`] = String(r.clockLengths[c]);
  return v;
}

function rubricValues(rubric: Rubric): Values {
  const v: Values = { 'rubric.passMark': String(rubric.passMark) };
  rubric.criteria.forEach((c, i) => {
    v[crit(i, 'key')] = c.key;
    v[crit(i, 'label')] = c.label;
    v[crit(i, 'weight')] = String(c.weight);
    v[crit(i, 'maxPoints')] = String(c.maxPoints);
  });
  return v;
}

/** A new round's form starts from the SPEC defaults the service would take. */
function defaultValues(): Values {
  const d = ROUND_DEFAULTS;
  const v: Values = {
    ratePercent: percentValue(d.rateBp),
    premiumRateCapPercent: percentValue(d.premiumRateCapBp),
    limitMultiple: String(d.limitMultiple),
    absoluteLimit: yuan(formatYuan(d.absoluteLimitFen)),
    minContract: yuan(formatYuan(d.minContractFen)),
    maxYears: String(d.maxYears),
    banYears: String(d.banYears),
    perFirmCap: '',
    budget: '',
    expertQuorum: String(d.expertQuorum),
    insurerIds: [],
    requiredDocuments: d.requiredDocuments,
    excludedCategories: [],
    excludedEntryIds: [],
    ...rubricValues(d.rubric),
  };
  for (const c of CLOCKS) v[`clockLengths.${c}`] = String(d.clockLengths[c]);
  return v;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
// a whole number goes as a number; anything else as typed, for the schema to refuse beside its field
// a number with a fraction goes as a number too, so that the schema says it is not whole, not that it is no number
const whole = (s: string) => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : s);
// yuan may be typed with thousands separators, as the pages show them
const money = plainAmount;
// weights and the pass mark may have decimals
const decimal = (s: string) => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : s);
// a percent goes as basis points; anything else as typed, for the schema to refuse and the page to word in percent
const bp = (s: string) => bpOfPercent(s) ?? s;
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** How many criterion rows the form posted (their names carry the row number). */
function rubricRowCount(v: Values): number {
  const rows = Object.keys(v).flatMap((k) => {
    const m = /^rubric\.criteria\.(\d+)\./.exec(k);
    return m ? [Number(m[1]) + 1] : [];
  });
  return Math.min(Math.max(0, ...rows), 30 + MIN_RUBRIC_ROWS);
}

/**
 * The rubric of the form: rows left blank or marked for removal are no criteria. A new row gets a
 * key no other row has; `rows[j]` is the form row of the body's criterion j, for its refusals.
 */
function rubricOf(v: Values): { rubric: Record<string, unknown>; rows: number[] } {
  const n = rubricRowCount(v);
  const used = new Set(Array.from({ length: n }, (_, i) => one(v[crit(i, 'key')])).filter(Boolean));
  const criteria: Record<string, unknown>[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (one(v[crit(i, 'remove')]) !== '') continue;
    if (CRITERION.every((part) => one(v[crit(i, part)]).trim() === '')) continue;
    let key = one(v[crit(i, 'key')]);
    for (let k = i + 1; key === ''; k++) if (!used.has(`c${k}`)) used.add((key = `c${k}`));
    criteria.push({ key, label: one(v[crit(i, 'label')]), weight: decimal(one(v[crit(i, 'weight')])), maxPoints: whole(one(v[crit(i, 'maxPoints')])) });
    rows.push(i);
  }
  return { rubric: { criteria, passMark: decimal(one(v['rubric.passMark'])) }, rows };
}

function bodyOf(v: Values, editing: boolean): { body: Record<string, unknown>; fieldPath: (path: string) => string } {
  const { rubric, rows } = rubricOf(v);
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
    requiredDocuments: list(v.requiredDocuments),
    excludedCategories: list(v.excludedCategories),
    excludedEntryIds: list(v.excludedEntryIds),
    rubric,
  };
  for (const k of WHOLE) body[k] = whole(one(v[k]));
  for (const k of WHOLE_OR_OFF) body[k] = one(v[k]).trim() === '' ? null : whole(one(v[k]));
  body.rateBp = bp(one(v.ratePercent));
  body.premiumRateCapBp = one(v.premiumRateCapPercent).trim() === '' ? null : bp(one(v.premiumRateCapPercent));
  for (const k of YUAN_OR_OFF) body[k] = one(v[k]).trim() === '' ? null : money(one(v[k]));
  if (editing && one(v.reason).trim() !== '') body.reason = one(v.reason);
  return { body, fieldPath: (path) => fieldPathOf(path, rows) };
}

// a problem of one insurer (insurerIds.2) or one document type belongs to the list that holds it;
// one of criterion j to the form row it came from (its key, which the form keeps hidden, to its name)
function fieldPathOf(path: string, rows: readonly number[]): string {
  const item = /^(insurerIds|requiredDocuments|excludedCategories|excludedEntryIds)\.\d+$/.exec(path);
  if (item) return item[1] ?? path;
  const c = /^rubric\.criteria\.(\d+)\.(\w+)$/.exec(path);
  if (c) return crit(rows[Number(c[1])] ?? Number(c[1]), c[2] === 'key' ? 'label' : (c[2] ?? ''));
  if (/^rubric\.criteria\.\d+$/.test(path)) return 'rubric.criteria';
  return PERCENT_OF_BP.get(path) ?? path;
}

const PHASE_BADGE = { upcoming: 'state-draft', open: 'state-approved', closed: 'state-withdrawn' } as const;

/** Upcoming, open (and until when) or closed, by the programme's clock. */
function RoundPhase({ p, round }: { p: PageCtx; round: RoundView }) {
  const r = p.t.admin.rounds;
  const phase = roundPhase(round, p.app.clock.now());
  return (
    <>
      <span class={`badge ${PHASE_BADGE[phase]}`} safe>{r.phases[phase]}</span>
      {phase === 'open' ? <span class="subline hint" safe>{r.closesOn(instantBeijing(round.closesAt, p.locale))}</span> : ''}
      {phase === 'upcoming' ? <span class="subline hint" safe>{r.opensOn(instantBeijing(round.opensAt, p.locale))}</span> : ''}
    </>
  );
}

function RoundsPage({ p, rounds, editions, done }: { p: PageCtx; rounds: RoundView[]; editions: Map<string, string>; done?: string | undefined }) {
  const r = p.t.admin.rounds;
  return (
    <AdminLayout p={p} title={r.title} done={done}>
      <p safe>{r.intro}</p>
      <p>
        <a class="button primary" href="/admin/rounds/new" safe>{r.create}</a>
      </p>
      <DataTable
        p={p}
        rows={rounds}
        empty={r.empty}
        columns={[
          { header: r.name, cell: (x) => <a href={`/admin/rounds/${x.id}`} safe>{x.name}</a> },
          { header: r.phase, cell: (x) => <RoundPhase p={p} round={x} /> },
          { header: r.period, text: (x) => `${date(beijingLocal(x.opensAt).slice(0, 10), p.locale)} – ${date(beijingLocal(x.closesAt).slice(0, 10), p.locale)}` },
          { header: r.edition, text: (x) => editions.get(x.editionId) ?? '—' },
          { header: r.rate, num: true, text: (x) => percent(x.rateBp) },
          { header: r.budget, num: true, text: (x) => (x.budget === null ? p.t.admin.none : yuan(x.budget)) },
          { header: p.t.admin.roundRules.rubric, text: (x) => (x.rubric ? p.t.admin.roundRules.rubricSummary(x.rubric.criteria.length, x.rubric.passMark) : p.t.admin.none) },
          { header: p.t.admin.roundRules.documentsShort, num: true, text: (x) => x.requiredDocuments.length },
          { header: r.version, num: true, text: (x) => x.paramsVersion },
        ]}
      />
    </AdminLayout>
  );
}

interface FormProps {
  p: PageCtx;
  round: RoundView | null;
  editions: Edition[];
  insurers: Insurer[];
  exclusions: Exclusions;
  attempt: Attempt | null;
  done?: string | undefined;
}

function RoundForm({ p, round, editions, insurers, exclusions, attempt, done }: FormProps) {
  const r = p.t.admin.rounds;
  const errors = attempt?.errors ?? [];
  const v = attempt?.values ?? (round ? valuesOfRound(round) : defaultValues());
  const text = (name: string, label: string, type = 'text', hint?: string) => <Field p={p} name={name} label={label} type={type} hint={hint} errors={errors} value={one(v[name])} />;
  const chosen = Array.isArray(v.insurerIds) ? v.insurerIds : [];
  const insurerErrors = errorsAt(errors, 'insurerIds');
  const editionErrors = errorsAt(errors, 'editionId');
  // the round's own edition stays choosable even when a newer one has been published since
  const editionOptions = round && !editions.some((e) => e.id === round.editionId) ? [{ id: round.editionId, label: round.editionId }] : [];
  const rubricRows = Math.max(MIN_RUBRIC_ROWS, rubricRowCount(v) + SPARE_RUBRIC_ROWS);
  const fields = [
    'name',
    'year',
    'editionId',
    'opensAt',
    'closesAt',
    'insuranceStartsOn',
    'insuranceEndsOn',
    'insurerIds',
    ...WHOLE,
    ...WHOLE_OR_OFF,
    ...Object.keys(PERCENTS),
    ...YUAN_OR_OFF,
    'minContract',
    'reason',
    ...CLOCKS.map((c) => `clockLengths.${c}`),
    'requiredDocuments',
    'excludedCategories',
    'excludedEntryIds',
    'entryQ',
    'rubric.criteria',
    'rubric.passMark',
    ...Array.from({ length: rubricRows }, (_, i) => CRITERION.map((part) => crit(i, part))).flat(),
  ];
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
          {/* the exclusions below follow the edition chosen: swapped by htmx, or shown again by the button without scripts */}
          <select
            id="f-editionId"
            name="editionId"
            aria-invalid={editionErrors.length ? 'true' : undefined}
            aria-describedby={editionErrors.length ? 'f-editionId-error' : undefined}
            hx-get="/admin/rounds/form/exclusions"
            hx-trigger="change"
            hx-target="#round-exclusions"
            hx-include={EXCLUSIONS_INCLUDE}
          >
            {editionOptions.map((e) => (
              <option value={e.id} selected safe>{e.label}</option>
            ))}
            {editions.map((e) => (
              <option value={e.id} selected={one(v.editionId) === e.id} safe>{`${e.year} · ${e.docNumber}`}</option>
            ))}
          </select>
          <button type="submit" name="intent" value="reload" class="edition-reload" hx-get="/admin/rounds/form/exclusions" hx-target="#round-exclusions" hx-include={EXCLUSIONS_INCLUDE} safe>
            {p.t.admin.roundRules.editionReload}
          </button>
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
        {text('ratePercent', r.ratePercent, 'text', r.rateHint)}
        {text('premiumRateCapPercent', r.premiumRateCapPercent, 'text', r.capHint)}
        {text('limitMultiple', r.limitMultiple)}
        {text('absoluteLimit', r.absoluteLimit)}
        {text('minContract', r.minContract)}
        {text('perFirmCap', r.perFirmCap)}
        {text('budget', r.budgetField)}
        {text('maxYears', r.maxYears)}
        {text('banYears', r.banYears)}
        {text('expertQuorum', r.expertQuorum)}
        <RoundRuleFields p={p} v={v} errors={errors} exclusions={exclusions} rubricRows={rubricRows} />
        <h2 safe>{r.clocks}</h2>
        {CLOCKS.map((c) => text(`clockLengths.${c}`, r.clockNames[c] ?? c))}
        {round ? <Field p={p} name="reason" label={r.reason} errors={errors} value={one(v.reason)} multiline /> : ''}
        <button type="submit" class="primary" safe>{round ? r.submitEdit : r.submitCreate}</button>
      </form>
    </AdminLayout>
  );
}

/** The form was sent by its entry search or its edition's reload button, not to be saved. */
const isLookup = (req: Request) => ['search', 'reload'].includes(String((req.body as Record<string, unknown> | undefined)?.intent ?? ''));

function formValues(req: Request): Values {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const v: Values = {};
  for (const [k, x] of Object.entries(b)) {
    if (k === '_csrf') continue;
    if (typeof x === 'string') v[k] = x;
    else if (Array.isArray(x)) v[k] = x.filter((s): s is string => typeof s === 'string');
  }
  for (const k of LISTS) v[k] = list(v[k]);
  delete v.intent;
  return v;
}

/**
 * What the exclusion fields offer for an edition: its categories, the entries ticked (in the order
 * the form holds them, so that saving them again changes nothing), and the entries of the edition
 * the search finds — the same search as GET /api/v1/catalogue/entries.
 */
async function exclusionsFor(p: PageCtx, editionId: string, v: Values): Promise<Exclusions> {
  const ctx = adminOf(p);
  // ids compare as the database spells them, lower case, whatever case the address used
  const edition = UUID.test(editionId) ? editionId.toLowerCase() : '';
  const ids = list(v.excludedEntryIds);
  const [categories, found, search] = await Promise.all([
    edition ? getEdition(p.app, ctx.user, edition).then((e) => e.categories, () => []) : [],
    getEntries(p.app, ctx.user, ids),
    edition ? searchEntries(p.app, ctx.user, { edition, q: one(v.entryQ).slice(0, 100), limit: PICKS }).catch(() => null) : null,
  ]);
  // an id named twice (in either case) is one check box: two would share an element id and send it twice
  const excluded = [...new Set(ids.map((id) => id.toLowerCase()))].flatMap((id) => found.filter((e) => e.id === id).slice(0, 1));
  return { editionId: edition, categories, excluded, search };
}

async function showForm(req: Request, res: Response, round: RoundView | null, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const ctx = adminOf(p);
  const [editions, insurers] = await Promise.all([listPublishedEditions(p.app), listInsurers(ctx)]);
  // the exclusions offered are those of the edition the form names: the chosen one (in the form, or
  // asked for in the address of a new round's form), the round's, or the first offered
  const asked = !round && typeof req.query.editionId === 'string' && UUID.test(req.query.editionId) ? req.query.editionId : '';
  const shown = attempt ?? (asked ? { values: { ...defaultValues(), editionId: asked }, errors: [] } : null);
  const values = shown?.values ?? (round ? valuesOfRound(round) : defaultValues());
  const chosen = one(values.editionId) || round?.editionId || editions[0]?.id || '';
  await render(
    res,
    <RoundForm
      p={p}
      round={round}
      editions={editions}
      insurers={insurers.items}
      exclusions={await exclusionsFor(p, chosen, values)}
      attempt={shown}
      done={doneOf(req.query, p.t.admin.rounds.done)}
    />,
    status,
  );
}

/** The exclusion fields' own values, as htmx sends them in the address. */
function queryValues(req: Request): Values {
  const q = (k: string) => (typeof req.query[k] === 'string' ? req.query[k] : Array.isArray(req.query[k]) ? req.query[k].filter((x): x is string => typeof x === 'string') : undefined);
  const v: Values = { editionId: one(q('editionId')), entryQ: one(q('entryQ')) };
  for (const k of ['excludedCategories', 'excludedEntryIds'] as const) v[k] = list(q(k));
  return v;
}

/** A fragment for htmx: never cached, since it follows what the form holds. */
async function sendFragment(res: Response, html: JSX.Element) {
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(await html);
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

  // for htmx: the exclusion fields of the edition chosen in the form, and the entry search's results
  router.get('/admin/rounds/form/exclusions', async (req, res) => {
    const p = pageOf(res);
    const v = queryValues(req);
    await sendFragment(res, <ExclusionFields p={p} v={v} errors={[]} x={await exclusionsFor(p, one(v.editionId), v)} />);
  });
  router.get('/admin/rounds/form/entries', async (req, res) => {
    const p = pageOf(res);
    const v = queryValues(req);
    await sendFragment(res, <EntryChoices p={p} errors={[]} x={await exclusionsFor(p, one(v.editionId), v)} />);
  });

  router.post('/admin/rounds', requireCsrf(), async (req, res) => {
    const ctx = adminOf(pageOf(res));
    // a field of one value sent twice: said beside it, the form kept with its first value, nothing saved
    const twice = isLookup(req) ? [] : takeRepeated(req, LISTS);
    const values = formValues(req);
    // without scripts, the entry search and the edition's exclusions come back in the whole form, saving nothing
    if (isLookup(req)) return showForm(req, res, null, { values, errors: [] });
    if (twice.length > 0) return showForm(req, res, null, { values, errors: twice }, 400);
    const { body, fieldPath } = bodyOf(values, false);
    const parsed = roundCreateSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return showForm(req, res, null, { values, errors: percentWords(atFields(zodErrors(parsed.error, ''), fieldPath)) }, 400);
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
    const twice = isLookup(req) ? [] : takeRepeated(req, LISTS);
    const values = formValues(req);
    if (isLookup(req)) return showForm(req, res, round, { values, errors: [] });
    if (twice.length > 0) return showForm(req, res, round, { values, errors: twice }, 400);
    const { body, fieldPath } = bodyOf(values, true);
    const parsed = roundPatchSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return showForm(req, res, round, { values, errors: percentWords(atFields(zodErrors(parsed.error, ''), fieldPath)) }, 400);
    try {
      await updateRound(ctx, round.id, parsed.data);
    } catch (err) {
      return showForm(req, res, round, { values, errors: atFields(refusalWords(err), fieldPath) }, statusOfProblem(err));
    }
    res.redirect(303, `/admin/rounds/${round.id}?done=updated`);
  });
}

/**
 * A round edit's refusals in both languages: a rule change under submitted applications that lacks a
 * reason names the rules it changes, by their names on the form, beside the missing reason.
 */
function refusalWords(err: unknown): FieldError[] {
  const fields = err instanceof AppError && err.kind === 'conflict' && Array.isArray(err.extra.fields) ? err.extra.fields.filter((f): f is string => typeof f === 'string') : null;
  if (!fields) return problemsOf(err);
  const say = (t: typeof adminZh.rounds) => t.reasonNeeded(t.fieldList(fields.map((f) => t.fieldNames[f] ?? f)));
  return [{ path: 'reason', code: 'round.reason_required', message: say(adminEn.rounds), messageZh: say(adminZh.rounds) }];
}

/**
 * The schema words a bad rate in basis points, which the form does not show: beside a percent
 * field, whatever was wrong (no number, three decimals, out of range) is said in percent.
 */
function percentWords(errors: FieldError[]): FieldError[] {
  const said = new Set<string>();
  return errors.flatMap((e) => {
    if (!Object.hasOwn(PERCENTS, e.path)) return [e];
    if (said.has(e.path)) return [];
    said.add(e.path);
    return [{ path: e.path, code: 'round.percent', message: adminEn.rounds.percentInvalid, messageZh: adminZh.rounds.percentInvalid }];
  });
}

const invalid = (errors: readonly FieldError[], id: string) => (errors.length ? { 'aria-invalid': 'true', 'aria-describedby': id } : {});

interface RuleFieldsProps {
  p: PageCtx;
  v: Values;
  errors: readonly FieldError[];
  exclusions: Exclusions;
  rubricRows: number;
}

const EXCLUSIONS_INCLUDE = "#f-editionId, #f-entryQ, [name='excludedCategories']:checked, [name='excludedEntryIds']:checked";
const ENTRIES_INCLUDE = "#f-editionId, #f-entryQ, [name='excludedEntryIds']:checked";

/** Required documents, excluded catalogue categories and entries, and the expert rubric (SPEC §3, §5). */
function RoundRuleFields({ p, v, errors, exclusions, rubricRows }: RuleFieldsProps) {
  const r = p.t.admin.roundRules;
  const docs = list(v.requiredDocuments);
  const docErrors = errorsAt(errors, 'requiredDocuments');
  const criteriaErrors = errorsAt(errors, 'rubric.criteria');
  return (
    <>
      <h2 safe>{r.documents}</h2>
      <fieldset class={docErrors.length ? 'field invalid' : 'field'} {...(docErrors.length ? { 'aria-describedby': 'f-requiredDocuments-error' } : {})}>
        <legend safe>{r.documentsLegend}</legend>
        <FieldProblems p={p} id="f-requiredDocuments-error" errors={docErrors} />
        <div class="round-checks">
          {documentTypes.map((d) => (
            <label class="check">
              <input type="checkbox" name="requiredDocuments" value={d} checked={docs.includes(d)} /> <span safe>{p.t.docTypes[d]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <h2 safe>{r.exclusions}</h2>
      <div id="round-exclusions">
        <ExclusionFields p={p} v={v} errors={errors} x={exclusions} />
      </div>
      <h2 safe>{r.rubric}</h2>
      <p class="hint" id="f-rubric-hint" safe>
        {r.rubricHint}
      </p>
      <FieldProblems p={p} id="f-rubric-criteria-error" errors={criteriaErrors} />
      <div class="table-wrap">
        <table class="stack round-rubric" {...(criteriaErrors.length ? { 'aria-describedby': 'f-rubric-criteria-error' } : {})}>
          <caption class="visually-hidden" safe>{r.rubric}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{r.criterion}</th>
              <th scope="col" class="num" safe>{r.weight}</th>
              <th scope="col" class="num" safe>{r.maxPoints}</th>
              <th scope="col" safe>{r.remove}</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rubricRows }, (_, i) => {
              const filled = CRITERION.some((part) => one(v[crit(i, part)]).trim() !== '');
              const cell = (part: (typeof CRITERION)[number], label: string, cls?: string) => {
                const id = `f-rubric-${i}-${part}`;
                const mine = errorsAt(errors, crit(i, part));
                return (
                  <td data-label={label} class={[cls, mine.length ? 'invalid' : ''].filter(Boolean).join(' ') || undefined}>
                    <label for={id} class="visually-hidden" safe>{r.rowLabel(i + 1, label)}</label>
                    <FieldProblems p={p} id={`${id}-error`} errors={mine} />
                    <input id={id} name={crit(i, part)} value={one(v[crit(i, part)])} inputmode={part === 'label' ? undefined : 'decimal'} {...invalid(mine, `${id}-error`)} />
                  </td>
                );
              };
              return (
                <tr>
                  {cell('label', r.criterion)}
                  {cell('weight', r.weight, 'num')}
                  {cell('maxPoints', r.maxPoints, 'num')}
                  <td data-label={r.remove}>
                    {one(v[crit(i, 'key')]) ? <input type="hidden" name={crit(i, 'key')} value={one(v[crit(i, 'key')])} /> : ''}
                    {filled ? (
                      <label class="check">
                        <input type="checkbox" name={crit(i, 'remove')} value="1" checked={one(v[crit(i, 'remove')]) !== ''} />{' '}
                        <span>
                          <span class="visually-hidden" safe>{r.rowLabel(i + 1, '')}</span>
                          <span safe>{r.remove}</span>
                        </span>
                      </label>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Field p={p} name="rubric.passMark" label={r.passMark} hint={r.passMarkHint} errors={errors} value={one(v['rubric.passMark'])} />
    </>
  );
}

/** The categories and the single entries the round excludes, of the edition the form names: swapped whole when the edition changes. */
function ExclusionFields({ p, v, errors, x }: { p: PageCtx; v: Values; errors: readonly FieldError[]; x: Exclusions }) {
  const r = p.t.admin.roundRules;
  const excluded = list(v.excludedCategories);
  const catErrors = errorsAt(errors, 'excludedCategories');
  // categories of the edition, top then major; a name excluded that the edition does not list stays choosable
  const names = x.categories.flatMap((t) => [...(t.top ? [{ name: t.top, top: true }] : []), ...t.majors.flatMap((m) => (m.major ? [{ name: m.major, top: false }] : []))]);
  const others = excluded.filter((n) => !names.some((c) => c.name === n)).map((name) => ({ name, top: true }));
  return (
    <>
      <fieldset class={catErrors.length ? 'field invalid' : 'field'} aria-describedby={['f-excludedCategories-hint', catErrors.length ? 'f-excludedCategories-error' : ''].filter(Boolean).join(' ')}>
        <legend safe>{r.categoriesLegend}</legend>
        <p class="hint" id="f-excludedCategories-hint" safe>
          {r.categoriesHint}
        </p>
        <FieldProblems p={p} id="f-excludedCategories-error" errors={catErrors} />
        {names.length + others.length === 0 ? (
          <p class="empty" safe>{r.noCategories}</p>
        ) : (
          <div class="round-checks">
            {[...names, ...others].map((c) => (
              <label class={c.top ? 'check' : 'check sub'}>
                <input type="checkbox" name="excludedCategories" value={c.name} checked={excluded.includes(c.name)} /> <span safe>{c.name}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <fieldset class={errorsAt(errors, 'excludedEntryIds').length ? 'field invalid' : 'field'} aria-describedby="f-excludedEntryIds-hint">
        <legend safe>{r.entriesLegend}</legend>
        <p class="hint" id="f-excludedEntryIds-hint" safe>
          {r.entriesHint}
        </p>
        <div class="picker search">
          <Field p={p} name="entryQ" type="search" label={r.entryQ} value={one(v.entryQ)} errors={[]} />
          <button type="submit" name="intent" value="search" hx-get="/admin/rounds/form/entries" hx-target="#excluded-entry-results" hx-include={ENTRIES_INCLUDE} safe>
            {r.entrySearch}
          </button>
        </div>
        {/* typing searches too, once htmx is there; the boxes ticked below are the exclusions */}
        <span hidden hx-get="/admin/rounds/form/entries" hx-trigger="input changed delay:300ms from:#f-entryQ" hx-target="#excluded-entry-results" hx-include={ENTRIES_INCLUDE}></span>
        <div id="excluded-entry-results" aria-live="polite">
          <EntryChoices p={p} errors={errors} x={x} />
        </div>
      </fieldset>
    </>
  );
}

/** The entries ticked for exclusion first, then the search's other matches, as one group of check boxes. */
function EntryChoices({ p, errors, x }: { p: PageCtx; errors: readonly FieldError[]; x: Exclusions }) {
  const r = p.t.admin.roundRules;
  const mine = errorsAt(errors, 'excludedEntryIds');
  const ticked = new Set(x.excluded.map((e) => e.id));
  const others = (x.search?.items ?? []).filter((e) => !ticked.has(e.id));
  const Option = ({ e, checked, elsewhere }: { e: { id: string; seq: number; name: string; requirements: string }; checked: boolean; elsewhere: boolean }) => (
    <li>
      <input type="checkbox" id={`exclude-${e.id}`} name="excludedEntryIds" value={e.id} checked={checked} aria-describedby={mine.length ? 'f-excludedEntryIds-error' : undefined} />{' '}
      <label for={`exclude-${e.id}`}>
        <span safe>{`${e.seq}. ${e.name}`}</span>
        {elsewhere ? <span class="error" safe>{r.entryOtherEdition}</span> : ''}
        {e.requirements ? <span class="hint" safe>{e.requirements}</span> : ''}
      </label>
    </li>
  );
  return (
    <>
      <FieldProblems p={p} id="f-excludedEntryIds-error" errors={mine} />
      {x.excluded.length ? (
        <>
          <p class="hint" safe>{r.entriesChosen(x.excluded.length)}</p>
          <ul class="picks">
            {x.excluded.map((e) => (
              <Option e={e} checked elsewhere={e.editionId !== x.editionId} />
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      {x.search ? <p class="hint" safe>{x.search.items.length === 0 ? r.entryNone : r.entryResults(x.search.items.length)}</p> : ''}
      {others.length ? (
        <ul class="picks">
          {others.map((e) => (
            <Option e={e} checked={false} elsewhere={false} />
          ))}
        </ul>
      ) : (
        ''
      )}
      {x.search?.nextCursor ? <p class="hint" safe>{r.entryMore(PICKS)}</p> : ''}
    </>
  );
}
