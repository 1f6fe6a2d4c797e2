import type { Request, Response, Router } from 'express';
import multer from 'multer';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { AppError, badRequest, forbidden, notFound, type FieldError } from '../errors';
import { cities } from '../domain/cities';
import { formatYuan, parseYuan } from '../domain/money';
import { zodErrors } from '../http/problem';
import { batchCandidates, createBatch, createBatchSchema, type BatchCandidate } from '../batches/create';
import { committedFen } from '../pro-rata/figures';
import { getBatchWithRefusals } from '../batches/get';
import { listBatches } from '../batches/list';
import { sendBatchEvent } from '../batches/send-event';
import { batchEventBodySchema } from '../batches/body';
import { matchStatement, takesStatement } from '../batches/statement';
import { settlementProblemsNow } from '../batches/settle';
import { statementSample } from '../batches/statement-columns';
import { sendAttachment } from '../http/attachment';
import { hasBankFile } from '../batches/export';
import { assertBatchPayer, isBatchPayer } from '../batches/access';
import { batchHistoryOf } from '../audit/verify';
import { roundReport } from '../reports/round-report';
import { roundReportView } from '../reports/present';
import { batchEvents, type BatchEventType } from '../../workflows/batch/events';
import type { RoundReportView } from '../reports/schema';
import { Layout } from './layout';
import { BatchBadge } from './components/badge';
import { CsrfField, Field, FieldProblems, FileField, FormProblems, ProblemSummary, SelectField, errorsAt } from './components/form';
import { NextPage } from './components/pager';
import { DataTable } from './components/table';
import { requireCsrf } from './csrf';
import { actorLabel, actorNames } from './actors';
import { date, instant, yuan } from './format';
import { field, fieldWords, idParam, type PageCtx, pageOf, placed, problemsOf, render, serviceOf, statusOfProblem, valuesOf } from './page';

// Finance's disbursement batches (拨付批次, SPEC §1, §4, §7) and the round reports, on the same
// services as /api/v1/disbursements and /api/v1/reports: the list and the "new batch" form on
// /money, one page per batch with the actions its chart allows this person, the settlement and the
// bank statement check, and a round's summary. Provincial reviewers read; finance acts.

type BatchView = Awaited<ReturnType<typeof getBatchWithRefusals>>['view'];
type Refused = Awaited<ReturnType<typeof getBatchWithRefusals>>['refused'];
type BatchList = Awaited<ReturnType<typeof listBatches>>;
type Statement = Awaited<ReturnType<typeof matchStatement>>;
type History = Awaited<ReturnType<typeof batchHistoryOf>>['items'];

const READERS = ['finance', 'provincial'] as const;
function readable(p: PageCtx): void {
  const user = serviceOf(p).user;
  if (!user.roles.some((r) => (READERS as readonly string[]).includes(r))) throw forbidden('only finance staff and provincial reviewers see disbursement batches');
}

const cityName = (p: PageCtx, code: string | null) => {
  if (code === null) return p.t.batches.allCities;
  const c = cities.find((x) => x.code === code);
  return c ? (p.locale === 'zh' ? c.name : c.nameEn) : code;
};

// ---------------------------------------------------------------- /money: list, new batch, reports

export interface RoundRef {
  id: string;
  name: string;
}

export interface BatchSectionsData {
  rounds: RoundRef[];
  list: BatchList;
  cursor: string | undefined;
  preview: {
    roundId: string;
    city: string | null;
    candidates: BatchCandidate[];
    ticked: Set<string>;
    /** the cases left unticked at first because the round's budget cannot take them, with what is left of it after the ones ticked before them */
    unfit: Map<string, string>;
  } | null;
  errors: FieldError[];
}

/** What /money shows of batches: the list (a page of it), the new-batch form with what it would take, the reports of each round. */
export async function loadBatchSections(p: PageCtx, rounds: RoundRef[], query: { roundId?: unknown; city?: unknown; cursor?: unknown; caseIds?: unknown }, errors: FieldError[] = []): Promise<BatchSectionsData> {
  const ctx = serviceOf(p);
  const cursor = typeof query.cursor === 'string' && query.cursor.length <= 200 ? query.cursor : undefined;
  const list = await listBatches(ctx, { limit: 20, cursor });
  const wanted = (typeof query.roundId === 'string' ? rounds.find((r) => r.id === query.roundId) : undefined) ?? rounds[0];
  const city = typeof query.city === 'string' && cities.some((c) => c.code === query.city) ? query.city : null;
  let preview: BatchSectionsData['preview'] = null;
  if (wanted && isBatchPayer(ctx.user)) {
    const candidates = await batchCandidates(p.app.db, wanted.id, city ?? undefined);
    const unfit = await beyondBudget(p, wanted.id, candidates);
    // every case the budget can take ticked at first; the ticks sent back by a recount or a refused creation after that
    const sent = typeof query.caseIds === 'string' ? [query.caseIds] : Array.isArray(query.caseIds) ? query.caseIds.filter((x): x is string => typeof x === 'string') : null;
    preview = { roundId: wanted.id, city, candidates, ticked: new Set(sent ?? candidates.filter((c) => !unfit.has(c.id)).map((c) => c.id)), unfit };
  }
  return { rounds, list, cursor, preview, errors };
}

/**
 * The candidates a batch of the round could not take within its budget (the rule createBatch holds
 * to, create.ts checkBudget): taken in the list's order, each that still fits what is left of the
 * budget is ticked at first, and each that does not is named with what was left for it. A round
 * without a budget takes them all.
 */
async function beyondBudget(p: PageCtx, roundId: string, candidates: readonly BatchCandidate[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const [round] = await p.app.db.select({ budgetFen: rounds.budgetFen }).from(rounds).where(eq(rounds.id, roundId));
  if (!round || round.budgetFen === null) return out;
  let left = round.budgetFen - (await committedFen(p.app.db, roundId));
  for (const c of candidates) {
    const fen = parseYuan(c.amount);
    if (fen <= left) left -= fen;
    else out.set(c.id, formatYuan(left > 0n ? left : 0n));
  }
  return out;
}

export function BatchSections({ p, data }: { p: PageCtx; data: BatchSectionsData }) {
  const b = p.t.batches;
  const roundName = (id: string) => data.rounds.find((r) => r.id === id)?.name ?? id;
  return (
    <>
      <section aria-labelledby="batches">
        <h2 id="batches" safe>{b.listTitle}</h2>
        <DataTable
          p={p}
          rows={data.list.items}
          empty={b.listEmpty}
          columns={[
            { header: b.number, cell: (x) => <a href={`/money/batches/${x.id}`} safe>{x.number}</a> },
            { header: b.state, cell: (x) => <BatchBadge p={p} state={x.state} /> },
            { header: b.round, text: (x) => roundName(x.roundId) },
            { header: b.city, text: (x) => cityName(p, x.city) },
            { header: b.cases, num: true, text: (x) => x.cases },
            { header: b.total, num: true, text: (x) => yuan(x.amount) },
            { header: b.createdBy, text: (x) => x.createdBy.name },
            { header: b.createdAt, text: (x) => instant(x.createdAt, p.locale) },
          ]}
        />
        <NextPage path="/money" query={{}} cursor={data.list.nextCursor} label={b.more} />
      </section>
      {data.preview ? <CreateBatch p={p} data={data} preview={data.preview} /> : ''}
      <RoundReports p={p} rounds={data.rounds} />
    </>
  );
}

function CreateBatch({ p, data, preview }: { p: PageCtx; data: BatchSectionsData; preview: NonNullable<BatchSectionsData['preview']> }) {
  const b = p.t.batches;
  const round = data.rounds.find((r) => r.id === preview.roundId);
  const ticked = preview.candidates.filter((c) => preview.ticked.has(c.id));
  const totalYuan = formatYuan(ticked.reduce((n, c) => n + parseYuan(c.amount), 0n));
  const errors = data.errors;
  const listErrors = errorsAt(errors, 'caseIds');
  // each refused case links to its check box; one no longer on the list is said as it is
  const fields = [
    { path: 'roundId', id: 'nb-roundId', label: b.round },
    { path: 'city', id: 'nb-city', label: b.city },
    { path: 'caseIds', id: 'nb-caseIds', label: b.pickCases },
    ...preview.candidates.map((c) => ({ path: `caseIds.${c.id}`, id: `nb-case-${c.id}`, label: c.number })),
  ];
  return (
    <section aria-labelledby="create-batch">
      <h2 id="create-batch" safe>{b.createTitle}</h2>
      <p safe>{b.createIntro}</p>
      <ProblemSummary p={p} errors={errors} fields={fields} />
      <form method="get" action="/money" class="search" aria-labelledby="create-batch">
        <SelectField p={p} idPrefix="nb" name="roundId" label={b.round} value={preview.roundId} errors={errors} options={data.rounds.map((r) => ({ value: r.id, label: r.name }))} />
        <SelectField
          p={p}
          idPrefix="nb"
          name="city"
          label={b.city}
          value={preview.city ?? ''}
          errors={errors}
          options={[{ value: '', label: b.allCities }, ...cities.map((c) => ({ value: c.code, label: p.locale === 'zh' ? c.name : c.nameEn }))]}
        />
        <div class="field">
          <button type="submit" safe>{b.preview}</button>
        </div>
      </form>
      <h3 safe>{b.candidatesTitle}</h3>
      {preview.candidates.length === 0 ? (
        <p class="empty" safe>{b.noCandidates(round?.name ?? '', preview.city === null ? null : cityName(p, preview.city))}</p>
      ) : (
        <form method="post" action="/money/batches" class="decision" novalidate>
          <CsrfField p={p} />
          <input type="hidden" name="roundId" value={preview.roundId} />
          <input type="hidden" name="city" value={preview.city ?? ''} />
          <fieldset id="nb-caseIds" class={listErrors.length ? 'choices invalid' : 'choices'} aria-describedby={listErrors.length ? 'nb-caseIds-error' : undefined}>
            <legend safe>{b.pickCases}</legend>
            <FieldProblems p={p} errors={listErrors} id="nb-caseIds-error" />
            <DataTable
              p={p}
              rows={preview.candidates}
              rowClass={(c) => (errorsAt(errors, `caseIds.${c.id}`).length ? 'invalid' : undefined)}
              columns={[
                {
                  header: b.choose,
                  total: b.tickedSum(ticked.length),
                  cell: (c) => {
                    const id = `nb-case-${c.id}`;
                    const problems = errorsAt(errors, `caseIds.${c.id}`);
                    const left = preview.unfit.get(c.id);
                    const described = [problems.length ? `${id}-error` : '', left === undefined ? '' : `${id}-budget`].filter(Boolean).join(' ');
                    return (
                      <>
                        <input type="checkbox" id={id} name="caseIds" value={c.id} checked={preview.ticked.has(c.id)} aria-describedby={described || undefined} aria-invalid={problems.length ? 'true' : undefined} />
                        <label for={id} class="visually-hidden" safe>{b.pick(c.number)}</label>
                        <FieldProblems p={p} errors={problems} id={`${id}-error`} />
                        {left === undefined ? '' : <p class="hint" id={`${id}-budget`} safe>{parseYuan(left) === 0n ? b.budgetSpent : b.beyondBudget(yuan(left))}</p>}
                      </>
                    );
                  },
                },
                { header: b.caseNumber, cell: (c) => <a href={`/cases/${c.id}`} safe>{c.number}</a> },
                { header: b.firm, text: (c) => c.firmName },
                { header: b.city, text: (c) => cityName(p, c.city) },
                { header: b.amount, num: true, total: yuan(totalYuan), text: (c) => yuan(c.amount) },
              ]}
            />
          </fieldset>
          <button type="submit" name="action" value="recount" safe>{b.recount}</button>{' '}
          <button type="submit" name="action" value="create" class="primary" safe>{b.create(ticked.length)}</button>
        </form>
      )}
    </section>
  );
}

function RoundReports({ p, rounds }: { p: PageCtx; rounds: RoundRef[] }) {
  const b = p.t.batches;
  if (rounds.length === 0) return '';
  return (
    <section aria-labelledby="reports">
      <h2 id="reports" safe>{b.reportsTitle}</h2>
      <ul class="downloads">
        {rounds.map((r) => (
          <li>
            <strong safe>{r.name}</strong>
            <a href={`/money/rounds/${r.id}/report`} safe>{b.reportLink}</a>
            <a href={`/api/v1/reports/rounds/${r.id}.xlsx`} download="" safe>{b.summaryXlsx}</a>
            <a href={`/api/v1/reports/rounds/${r.id}/cases.xlsx`} download="" safe>{b.casesXlsx}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

// ---------------------------------------------------------------- a batch

interface Attempt {
  type: string;
  errors: FieldError[];
  values: Record<string, string>;
}

const FORM_EVENTS = ['SUBMIT', 'APPROVE', 'RETURN', 'CANCEL'] as const satisfies readonly BatchEventType[];
type FormEvent = (typeof FORM_EVENTS)[number];
const isFormEvent = (t: unknown): t is FormEvent => (FORM_EVENTS as readonly unknown[]).includes(t);
const isBatchEvent = (t: unknown): t is BatchEventType => typeof t === 'string' && Object.hasOwn(batchEvents, t);
const fieldsOf = (type: FormEvent): ('reason' | 'comment')[] => Object.keys(batchEvents[type].payload) as ('reason' | 'comment')[];
const optional = (type: FormEvent, name: string): boolean => (batchEvents[type].payload as Record<string, { isOptional(): boolean } | undefined>)[name]?.isOptional() ?? true;

function EventForm({ p, batch, type, attempt }: { p: PageCtx; batch: BatchView; type: FormEvent; attempt: Attempt | null }) {
  const b = p.t.batches;
  const mine = attempt?.type === type ? attempt : null;
  const errors = mine?.errors ?? [];
  const fields = fieldsOf(type);
  const danger = type === 'CANCEL' || type === 'RETURN';
  return (
    <form method="post" action={`/money/batches/${batch.id}/events`} class="decision" aria-labelledby={`e-${type}`} novalidate>
      <h3 id={`e-${type}`} safe>{b.events[type] ?? type}</h3>
      <CsrfField p={p} />
      <input type="hidden" name="type" value={type} />
      <input type="hidden" name="version" value={String(batch.version)} />
      <FormProblems p={p} errors={errors} fields={fields} />
      {fields.map((name) => (
        <Field p={p} idPrefix={`e-${type}`} name={name} label={name === 'reason' ? b.reason : b.comment} errors={errors} value={mine?.values[name] ?? ''} required={!optional(type, name)} multiline />
      ))}
      <button type="submit" class={danger ? 'danger' : 'primary'} safe>{b.events[type] ?? type}</button>
    </form>
  );
}

interface SettleAttempt {
  errors: FieldError[];
  values: Record<string, string>;
}

/** What a checked statement says of each pending payment of the settle form: filled in from a line, or why not. */
type FromStatement = { kind: 'matched'; line: number; reference: string | null; date: string | null } | { kind: 'wrongAmount'; stated: string } | { kind: 'missing' };

function fromStatementOf(statement: Statement | null): Map<string, FromStatement> {
  const out = new Map<string, FromStatement>();
  if (!statement) return out;
  for (const m of statement.matched) if (m.status === 'pending') out.set(m.paymentId, { kind: 'matched', line: m.line, reference: m.reference, date: m.date });
  for (const w of statement.wrongAmount) out.set(w.paymentId, { kind: 'wrongAmount', stated: w.stated });
  for (const m of statement.missing) if (m.status === 'pending') out.set(m.paymentId, { kind: 'missing' });
  return out;
}

/** The mark beside a payment the statement filled in (or could not): kept through a refused submission by its hidden line number. */
function StatementMark({ p, caseId, from }: { p: PageCtx; caseId: string; from: FromStatement | { kind: 'line'; line: number } | undefined }) {
  const b = p.t.batches;
  if (!from) return '';
  if (from.kind === 'missing') return <p class="caution" safe>{b.notInStatement}</p>;
  if (from.kind === 'wrongAmount') return <p class="caution" safe>{b.statementAmountDiffers(yuan(from.stated))}</p>;
  const lacks = from.kind === 'matched' ? (from.reference === null ? (from.date === null ? b.lacksBoth : b.lacksReference) : from.date === null ? b.lacksDate : null) : null;
  return (
    <p class="from-statement">
      <input type="hidden" name={`statementLine.${caseId}`} value={String(from.line)} />
      <span safe>{b.fromStatement(from.line)}</span>
      {lacks ? <span safe>{` ${b.fromStatementLacks(lacks)}`}</span> : ''}
    </p>
  );
}

function SettleForm({ p, batch, attempt, statement }: { p: PageCtx; batch: BatchView; attempt: SettleAttempt | null; statement: Statement | null }) {
  const b = p.t.batches;
  const pending = batch.cases.filter((c) => c.status === 'pending');
  const errors = attempt?.errors ?? [];
  const names = pending.flatMap((c) => ['outcome', 'reference', 'paidOn', 'failure'].map((k) => `${k}.${c.caseId}`));
  // a statement just checked fills in what it matched; a refused submission shows what was sent
  const checked = attempt ? new Map<string, FromStatement>() : fromStatementOf(statement);
  const prefill = (c: (typeof pending)[number]): Record<string, string> => {
    const m = checked.get(c.paymentId);
    return m?.kind === 'matched' ? { [`outcome.${c.caseId}`]: 'paid', [`reference.${c.caseId}`]: m.reference ?? '', [`paidOn.${c.caseId}`]: m.date ?? '' } : {};
  };
  const values: Record<string, string> = attempt?.values ?? Object.fromEntries(pending.flatMap((c) => Object.entries(prefill(c))));
  const v = (name: string) => values[name] ?? '';
  const markOf = (c: (typeof pending)[number]) => {
    if (!attempt) return checked.get(c.paymentId);
    const line = /^\d{1,6}$/.test(v(`statementLine.${c.caseId}`)) ? Number(v(`statementLine.${c.caseId}`)) : null;
    return line === null ? undefined : { kind: 'line' as const, line };
  };
  const filled = pending.filter((c) => checked.get(c.paymentId)?.kind === 'matched').length;
  return (
    <section aria-labelledby="settle">
      <h2 id="settle" safe>{b.settleTitle}</h2>
      <p class="hint" safe>{b.settleIntro}</p>
      {statement && !attempt ? (
        <p role="status" class="from-statement" safe>
          {b.prefilledSummary(filled, pending.length - filled)}
        </p>
      ) : (
        ''
      )}
      <form method="post" action={`/money/batches/${batch.id}/settle`} novalidate>
        <CsrfField p={p} />
        <input type="hidden" name="version" value={String(batch.version)} />
        <FormProblems p={p} errors={errors} fields={names} />
        {pending.map((c) => (
          <fieldset class="payment">
            <legend safe>{`${c.paymentId} · ${c.caseNumber} · ${c.payee} · ${yuan(c.amount)}`}</legend>
            <StatementMark p={p} caseId={c.caseId} from={markOf(c)} />
            <SelectField
              p={p}
              idPrefix="s"
              name={`outcome.${c.caseId}`}
              label={b.outcome}
              value={v(`outcome.${c.caseId}`) || 'none'}
              errors={errors}
              options={(['none', 'paid', 'failed'] as const).map((o) => ({ value: o, label: b.outcomes[o] ?? o }))}
            />
            <div class="row">
              <Field p={p} idPrefix="s" name={`reference.${c.caseId}`} label={b.reference} errors={errors} value={v(`reference.${c.caseId}`)} />
              <Field p={p} idPrefix="s" name={`paidOn.${c.caseId}`} label={b.paidOn} type="date" errors={errors} value={v(`paidOn.${c.caseId}`)} />
            </div>
            <Field p={p} idPrefix="s" name={`failure.${c.caseId}`} label={b.failure} errors={errors} value={v(`failure.${c.caseId}`)} />
          </fieldset>
        ))}
        <button type="submit" class="primary" safe>{b.settle}</button>
      </form>
    </section>
  );
}

/**
 * The outcomes sent, shown back before they are recorded (a recorded payment is not undone): each
 * payment with what was chosen for it, the totals, and the same fields again behind "确认登记".
 */
function SettleConfirm({ p, batch, values }: { p: PageCtx; batch: BatchView; values: Record<string, string> }) {
  const b = p.t.batches;
  const chosen = batch.cases.filter((c) => c.status === 'pending' && (values[`outcome.${c.caseId}`] === 'paid' || values[`outcome.${c.caseId}`] === 'failed'));
  const v = (k: string, caseId: string) => (values[`${k}.${caseId}`] ?? '').trim();
  const sum = (outcome: string) => chosen.filter((c) => v('outcome', c.caseId) === outcome);
  const fen = (cs: typeof chosen) => formatYuan(cs.reduce((n, c) => n + parseYuan(c.amount), 0n));
  const [paid, failed] = [sum('paid'), sum('failed')];
  return (
    <section aria-labelledby="settle-confirm" class="confirm">
      <h2 id="settle-confirm" safe>{b.settleConfirmTitle}</h2>
      <p role="status" safe>{b.settleConfirmIntro}</p>
      <DataTable
        p={p}
        rows={chosen}
        labelledBy="settle-confirm"
        columns={[
          { header: b.caseNumber, class: 'code', total: b.sum, cell: (c) => <a href={`/cases/${c.caseId}`} safe>{c.caseNumber}</a> },
          { header: b.firm, text: (c) => c.payee },
          { header: b.amount, num: true, total: yuan(fen(chosen)), text: (c) => yuan(c.amount) },
          { header: b.outcome, text: (c) => b.outcomes[v('outcome', c.caseId)] ?? v('outcome', c.caseId) },
          { header: b.reference, class: 'code', text: (c) => (v('outcome', c.caseId) === 'paid' ? v('reference', c.caseId) : '—') },
          { header: b.paidOn, text: (c) => (v('outcome', c.caseId) === 'paid' ? date(v('paidOn', c.caseId), p.locale) : '—') },
          { header: b.failure, text: (c) => (v('outcome', c.caseId) === 'failed' ? v('failure', c.caseId) : '—') },
        ]}
      />
      <p safe>{b.settleConfirmTotals(paid.length, yuan(fen(paid)), failed.length, yuan(fen(failed)))}</p>
      <form method="post" action={`/money/batches/${batch.id}/settle`}>
        <CsrfField p={p} />
        {/* the version the outcomes were chosen on: a batch changed since is refused as stale */}
        <input type="hidden" name="version" value={/^\d{1,9}$/.test(values.version ?? '') ? values.version : String(batch.version)} />
        <input type="hidden" name="confirm" value="1" />
        {Object.entries(values)
          .filter(([name, x]) => x !== '' && name !== 'version')
          .map(([name, x]) => (
            <input type="hidden" name={name} value={x} />
          ))}
        <button type="submit" class="primary" safe>{b.confirmSettle}</button>
      </form>
    </section>
  );
}

/** Where the statement form would be, for a batch that takes none: what state it is in, and any refusal of one sent meanwhile. */
function StatementClosed({ p, batch, errors }: { p: PageCtx; batch: BatchView; errors: FieldError[] }) {
  const b = p.t.batches;
  return (
    <section aria-labelledby="statement">
      <h2 id="statement" safe>{b.statementTitle}</h2>
      <FormProblems p={p} errors={errors.filter((e) => e.path !== 'role')} fields={[]} />
      <p class="muted">
        <BatchBadge p={p} state={batch.state} /> <span safe>{b.statementClosed[batch.state] ?? ''}</span>
      </p>
    </section>
  );
}

function StatementForm({ p, batch, errors }: { p: PageCtx; batch: BatchView; errors: FieldError[] }) {
  const b = p.t.batches;
  const id = 'st-file';
  const mine = errors.filter((e) => e.path !== 'role');
  return (
    <section aria-labelledby="statement">
      <h2 id="statement" safe>{b.statementTitle}</h2>
      <p class="hint" id={`${id}-hint`} safe>{b.statementIntro}</p>
      <p class="hint">
        <a href="/money/statement-sample.csv" download="" safe>{b.statementSample}</a>
      </p>
      <form method="post" action={`/money/batches/${batch.id}/statement`} enctype="multipart/form-data">
        <CsrfField p={p} />
        <FileField p={p} id={id} label={b.statementFile} errors={mine} accept=".csv,text/csv" hintId={`${id}-hint`} />
        <button type="submit" safe>{b.check}</button>
      </form>
    </section>
  );
}

function StatementReport({ p, report }: { p: PageCtx; report: Statement }) {
  const b = p.t.batches;
  const Part = ({ id, title, n, children }: { id: string; title: string; n: number; children: JSX.Element }) => (
    <>
      <h3 id={id} safe>{`${title}（${n}）`}</h3>
      {n === 0 ? <p class="muted" safe>{b.noneOf}</p> : children}
    </>
  );
  return (
    <section aria-labelledby="report" class="report">
      <h2 id="report" safe>{b.report}</h2>
      <p role="status" safe>{b.reportLines(report.lines)}</p>
      <Part id="r-unknown" title={b.unknown} n={report.unknown.length}>
        <DataTable
          p={p}
          rows={report.unknown}
          wrap={false}
          labelledBy="r-unknown"
          columns={[
            { header: b.line, text: (u) => u.line },
            { header: b.paymentId, text: (u) => u.paymentId },
            { header: b.stated, num: true, text: (u) => yuan(u.amount) },
          ]}
        />
      </Part>
      <Part id="r-wrong" title={b.wrongAmount} n={report.wrongAmount.length}>
        <DataTable
          p={p}
          rows={report.wrongAmount}
          wrap={false}
          labelledBy="r-wrong"
          columns={[
            { header: b.line, text: (w) => w.line },
            { header: b.paymentId, text: (w) => w.paymentId },
            { header: b.expected, num: true, text: (w) => yuan(w.expected) },
            { header: b.stated, num: true, text: (w) => yuan(w.stated) },
          ]}
        />
      </Part>
      <Part id="r-matched" title={b.matched} n={report.matched.length}>
        <DataTable
          p={p}
          rows={report.matched}
          wrap={false}
          labelledBy="r-matched"
          columns={[
            { header: b.line, text: (m) => m.line },
            { header: b.paymentId, text: (m) => m.paymentId },
            { header: b.amount, num: true, text: (m) => yuan(m.amount) },
            { header: b.reference, text: (m) => m.reference ?? '—' },
            { header: b.date, text: (m) => date(m.date, p.locale) },
            { header: b.status, text: (m) => b.paymentStatuses[m.status] ?? m.status },
          ]}
        />
      </Part>
      <Part id="r-dup" title={b.duplicates} n={report.duplicates.length}>
        <ul>{report.duplicates.map((d) => <li safe>{`${b.line} ${d.line}: ${d.paymentId}`}</li>)}</ul>
      </Part>
      <Part id="r-invalid" title={b.invalid} n={report.invalid.length}>
        <ul>{report.invalid.map((i) => <li safe>{`${b.line} ${i.line}: ${p.locale === 'zh' ? i.messageZh : i.message}`}</li>)}</ul>
      </Part>
      <Part id="r-missing" title={b.missing} n={report.missing.length}>
        <ul>{report.missing.map((m) => <li safe>{`${m.paymentId} · ${yuan(m.amount)} · ${b.paymentStatuses[m.status] ?? m.status}`}</li>)}</ul>
      </Part>
    </section>
  );
}

function BatchHistory({ p, items, names }: { p: PageCtx; items: History; names: ReadonlyMap<string, string> }) {
  const b = p.t.batches;
  const who = (role: string | null) => (role && role in p.t.roles ? p.t.roles[role as keyof typeof p.t.roles] : p.t.actions.system);
  const said = (payload: Record<string, unknown>, type: string): string[] => {
    const out: string[] = [];
    for (const key of ['reason', 'comment'] as const) if (typeof payload[key] === 'string') out.push(payload[key]);
    if (type === 'SETTLE' && Array.isArray(payload.payments)) {
      const ps = payload.payments as { failure?: unknown }[];
      const failed = ps.filter((x) => typeof x.failure === 'string').length;
      out.push(b.settled(ps.length - failed, failed));
    }
    return out;
  };
  return (
    <section aria-labelledby="history">
      <h2 id="history" safe>{b.history}</h2>
      {items.length === 0 ? (
        <p class="empty" safe>{b.noHistory}</p>
      ) : (
        <ol class="timeline">
          {[...items].reverse().map((h) => (
            <li>
              <strong safe>{b.historyKinds[h.eventType] ?? h.eventType}</strong> <BatchBadge p={p} state={h.stateAfter} />
              <br />
              <span class="muted" safe>{`${instant(h.at, p.locale)} · ${b.by(actorLabel(who(h.actorRole), h.actorId ? names.get(h.actorId) : undefined))}`}</span>
              {said(h.payload, h.eventType).map((s) => (
                <p safe>{s}</p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A payment's status in the batch, with the bank's reference or the failure beside it. */
function PaymentStatus({ p, c }: { p: PageCtx; c: BatchView['cases'][number] }) {
  const b = p.t.batches;
  return (
    <>
      <span class={`badge pay-${c.status}`} safe>{b.paymentStatuses[c.status] ?? c.status}</span>
      {c.status === 'paid' && c.reference ? <span class="muted" safe>{` ${b.paidWith(c.reference, date(c.paidOn, p.locale))}`}</span> : ''}
      {c.status === 'failed' && c.failure ? <span class="muted" safe>{` ${c.failure}`}</span> : ''}
    </>
  );
}

interface BatchPageProps {
  p: PageCtx;
  batch: BatchView;
  refused: Refused;
  history: History;
  /** the names of the people in the history, for the reader who may read them (actors.ts) */
  names: ReadonlyMap<string, string>;
  roundName: string;
  done: string | null;
  attempt?: Attempt | null;
  settleAttempt?: SettleAttempt | null;
  /** the settle form's outcomes are valid and shown back, to be confirmed before they are recorded */
  settleConfirm?: boolean;
  statement?: Statement | null;
  statementErrors?: FieldError[];
}

function BatchPage({ p, batch, refused, history, names, roundName, done, attempt = null, settleAttempt = null, settleConfirm = false, statement = null, statementErrors = [] }: BatchPageProps) {
  const b = p.t.batches;
  const payer = isBatchPayer(serviceOf(p).user);
  const forms = FORM_EVENTS.filter((t) => batch.allowedEvents.includes(t));
  const settle = batch.allowedEvents.includes('SETTLE') && batch.cases.some((c) => c.status === 'pending');
  const loose = attempt && !isFormEvent(attempt.type) ? attempt.errors : [];
  return (
    <Layout p={p} title={b.batchTitle(batch.number)}>
      {done ? <p role="status" class="done" safe>{done === 'CREATE' ? b.created : b.done(b.events[done] ?? done)}</p> : ''}
      <FormProblems p={p} errors={loose} fields={[]} />
      <section aria-labelledby="summary">
        <h2 id="summary" safe>{b.summary}</h2>
        <dl class="summary">
          <dt safe>{b.state}</dt>
          <dd>
            <BatchBadge p={p} state={batch.state} />
          </dd>
          <dt safe>{b.round}</dt>
          <dd safe>{roundName}</dd>
          <dt safe>{b.city}</dt>
          <dd safe>{cityName(p, batch.city)}</dd>
          <dt safe>{b.total}</dt>
          <dd safe>{b.totals(batch.totals.cases, yuan(batch.totals.amount))}</dd>
          <dt safe>{b.createdBy}</dt>
          <dd safe>{`${batch.createdBy.name} · ${instant(batch.createdAt, p.locale)}`}</dd>
          {batch.submittedAt ? (
            <>
              <dt safe>{b.submittedAt}</dt>
              <dd safe>{instant(batch.submittedAt, p.locale)}</dd>
            </>
          ) : (
            ''
          )}
          {batch.approvedBy ? (
            <>
              <dt safe>{b.approvedBy}</dt>
              <dd safe>{`${batch.approvedBy.name} · ${instant(batch.approvedAt, p.locale)}`}</dd>
            </>
          ) : (
            ''
          )}
          {batch.payment ? (
            <>
              <dt safe>{b.paymentDue}</dt>
              <dd>
                <span safe>{date(batch.payment.dueOn, p.locale)}</span> {batch.payment.overdue ? <span class="badge overdue" safe>{b.overdue}</span> : ''}
              </dd>
            </>
          ) : (
            ''
          )}
          {batch.settledAt ? (
            <>
              <dt safe>{b.settledAt}</dt>
              <dd safe>{instant(batch.settledAt, p.locale)}</dd>
            </>
          ) : (
            ''
          )}
          {batch.cancelledAt ? (
            <>
              <dt safe>{b.cancelledAt}</dt>
              <dd safe>{instant(batch.cancelledAt, p.locale)}</dd>
            </>
          ) : (
            ''
          )}
          {batch.state === 'approved' || batch.state === 'settled' ? (
            <>
              <dt safe>{b.paidSoFar}</dt>
              <dd safe>{yuan(batch.totals.paid)}</dd>
              <dt safe>{b.failedSum}</dt>
              <dd safe>{yuan(batch.totals.failed)}</dd>
              <dt safe>{b.pendingSum}</dt>
              <dd safe>{yuan(batch.totals.pending)}</dd>
            </>
          ) : (
            ''
          )}
        </dl>
      </section>
      <section aria-labelledby="members">
        <h2 id="members" safe>{b.members}</h2>
        <DataTable
          p={p}
          rows={batch.cases}
          columns={[
            { header: b.paymentId, class: 'code', total: b.sum, text: (c) => c.paymentId },
            { header: b.caseNumber, class: 'code', total: String(batch.totals.cases), cell: (c) => <a href={`/cases/${c.caseId}`} safe>{c.caseNumber}</a> },
            { header: b.payee, text: (c) => c.payee },
            { header: b.bank, text: (c) => c.bankName },
            { header: b.account, class: 'code', text: (c) => c.bankAccount },
            { header: b.amount, num: true, total: yuan(batch.totals.amount), text: (c) => yuan(c.amount) },
            { header: b.status, cell: (c) => <PaymentStatus p={p} c={c} /> },
          ]}
        />
      </section>
      {payer && hasBankFile(batch.state) ? (
        <section aria-labelledby="downloads">
          <h2 id="downloads" safe>{b.downloads}</h2>
          <p class="hint" safe>{b.downloadsHint}</p>
          <ul class="downloads">
            <li>
              <a href={`/api/v1/disbursements/${batch.id}/export.csv`} download="" safe>{b.downloadCsv}</a>
            </li>
            <li>
              <a href={`/api/v1/disbursements/${batch.id}/export.xlsx`} download="" safe>{b.downloadXlsx}</a>
            </li>
          </ul>
        </section>
      ) : (
        ''
      )}
      {settle && forms.length === 0 && refused.length === 0 ? (
        ''
      ) : (
        <section aria-labelledby="actions">
          <h2 id="actions" safe>{b.actions}</h2>
          {refused.map((r) => (
            <p class="refused" safe>{b.refused(b.events[r.type] ?? r.type, r.reason[p.locale])}</p>
          ))}
          {forms.length === 0 && refused.length === 0 ? <p class="empty" safe>{payer ? b.noActions : b.readOnly}</p> : ''}
          {forms.map((type) => (
            <EventForm p={p} batch={batch} type={type} attempt={attempt} />
          ))}
        </section>
      )}
      {payer && takesStatement(batch.state) ? <StatementForm p={p} batch={batch} errors={statementErrors} /> : ''}
      {payer && !takesStatement(batch.state) ? <StatementClosed p={p} batch={batch} errors={statementErrors} /> : ''}
      {statement ? <StatementReport p={p} report={statement} /> : ''}
      {settle && settleConfirm && settleAttempt ? <SettleConfirm p={p} batch={batch} values={settleAttempt.values} /> : ''}
      {settle ? <SettleForm p={p} batch={batch} attempt={settleAttempt} statement={statement} /> : ''}
      {/* refused payment results the batch no longer takes (a stale page): said here, as no form is left to say it */}
      {!settle && settleAttempt ? <FormProblems p={p} errors={settleAttempt.errors} fields={[]} /> : ''}
      <BatchHistory p={p} items={history} names={names} />
    </Layout>
  );
}

async function showBatch(res: Response, id: string, extra: Omit<BatchPageProps, 'p' | 'batch' | 'refused' | 'history' | 'names' | 'roundName' | 'done'> & { done?: string | null }, status = 200) {
  const p = pageOf(res);
  const ctx = serviceOf(p);
  const { view, refused } = await getBatchWithRefusals(ctx, id);
  const [history, report] = await Promise.all([batchHistoryOf(ctx, id), roundNameOf(p, view.roundId)]);
  const names = actorNames(p, history.actors);
  await render(res, <BatchPage p={p} batch={view} refused={refused} history={history.items} names={names} roundName={report} done={extra.done ?? null} {...extra} />, status);
}

async function roundNameOf(p: PageCtx, roundId: string): Promise<string> {
  const [row] = await p.app.db.select({ name: rounds.name }).from(rounds).where(eq(rounds.id, roundId));
  return row?.name ?? roundId;
}

// ---------------------------------------------------------------- a round's summary

/** The 按城市 sheet of the summary workbook (summary-xlsx.ts byCitySheet), its columns and words, with its total row. */
function ByCity({ p, report }: { p: PageCtx; report: RoundReportView }) {
  const k = p.t.batches.cityColumns;
  const { counts, money } = report.totals;
  return (
    <section aria-labelledby="r-cities">
      <h2 id="r-cities" safe>{p.t.batches.byCity}</h2>
      <DataTable
        p={p}
        wide
        labelledBy="r-cities"
        rows={report.byCity}
        columns={[
          { header: k.code, text: (c) => c.city, total: k.total },
          { header: k.city, text: (c) => (p.locale === 'zh' ? c.name : c.nameEn), total: '' },
          { header: k.cases, num: true, text: (c) => c.counts.cases, total: String(counts.cases) },
          { header: k.submitted, num: true, text: (c) => c.counts.submitted, total: String(counts.submitted) },
          { header: k.requested, num: true, text: (c) => yuan(c.money.requested), total: yuan(money.requested) },
          { header: k.approvedCases, num: true, text: (c) => c.counts.approved, total: String(counts.approved) },
          { header: k.approved, num: true, text: (c) => yuan(c.money.approved), total: yuan(money.approved) },
          { header: k.reduced, num: true, text: (c) => yuan(c.money.reduced), total: yuan(money.reduced) },
          { header: k.current, num: true, text: (c) => yuan(c.money.current), total: yuan(money.current) },
          { header: k.paidCases, num: true, text: (c) => c.counts.paid, total: String(counts.paid) },
          { header: k.paid, num: true, text: (c) => yuan(c.money.paid), total: yuan(money.paid) },
          { header: k.recoveredCases, num: true, text: (c) => c.counts.recovered, total: String(counts.recovered) },
          { header: k.recovered, num: true, text: (c) => yuan(c.money.recovered), total: yuan(money.recovered) },
        ]}
      />
    </section>
  );
}

function ReportPage({ p, report }: { p: PageCtx; report: RoundReportView }) {
  const b = p.t.batches;
  const figures = ['requested', 'approved', 'reduced', 'current', 'paid', 'recovered'] as const;
  const counts = ['cases', 'submitted', 'approved', 'paid', 'recovered'] as const;
  return (
    <Layout p={p} title={b.reportTitle(report.round.name)}>
      <p class="muted" safe>{b.generatedAt(instant(report.generatedAt, p.locale))}</p>
      <ul class="downloads">
        <li>
          <a href={`/api/v1/reports/rounds/${report.round.id}.xlsx`} download="" safe>{b.summaryXlsx}</a>
        </li>
        <li>
          <a href={`/api/v1/reports/rounds/${report.round.id}/cases.xlsx`} download="" safe>{b.casesXlsx}</a>
        </li>
      </ul>
      <div class="report-grid">
        <section aria-labelledby="r-counts">
          <h2 id="r-counts" safe>{b.countsTitle}</h2>
          <table>
            <tbody>
              {counts.map((k) => (
                <tr>
                  <th scope="row">
                    <span safe>{b.counts[k] ?? k}</span>
                    {b.countsInclude[k] ? (
                      <>
                        <br />
                        <small class="muted" safe>{p.locale === 'zh' ? `（${b.countsInclude[k]}）` : `(${b.countsInclude[k]})`}</small>
                      </>
                    ) : (
                      ''
                    )}
                  </th>
                  <td class="num" safe>{String(report.totals.counts[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint" safe>{b.countsNote}</p>
        </section>
        <section aria-labelledby="r-money">
          <h2 id="r-money" safe>{b.money}</h2>
          <table>
            <tbody>
              {figures.map((k) => (
                <tr>
                  <th scope="row" safe>{`${b.figures[k] ?? k}（${p.locale === 'zh' ? '元' : 'yuan'}）`}</th>
                  <td class="num" safe>{yuan(report.totals.money[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="r-states">
          <h2 id="r-states" safe>{b.byState}</h2>
          <p class="hint" safe>{b.byStateNote}</p>
          <table>
            <tbody>
              {report.byState.map((s) => (
                <tr>
                  <th scope="row" safe>{p.locale === 'zh' ? s.nameZh : s.nameEn}</th>
                  <td class="num" safe>{String(s.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <ByCity p={p} report={report} />
      <section aria-labelledby="r-loss">
        <h2 id="r-loss" safe>{b.lossRatios}</h2>
        <DataTable
          p={p}
          rows={report.claims}
          empty={b.noClaims}
          columns={[
            { header: b.entry, text: (c) => c.entryName },
            { header: b.insurer, text: (c) => c.insurerName },
            { header: b.premiums, num: true, text: (c) => yuan(c.premiums) },
            { header: b.claims, num: true, text: (c) => c.claims },
            { header: b.claimsPaid, num: true, text: (c) => c.claimsPaid },
            { header: b.claimsAmount, num: true, text: (c) => yuan(c.paidAmount) },
            { header: b.lossRatio, num: true, text: (c) => (c.lossRatio === null ? '—' : `${(Number(c.lossRatio) * 100).toFixed(2)}%`) },
          ]}
        />
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------- routes


// The statement, in memory only: it is read once and never kept. The same 2 MB as the API's route.
const statementUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 5, parts: 6 }, defParamCharset: 'utf8' }).single('file');
function receiveStatement(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    statementUpload(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return resolve();
      if (err instanceof multer.MulterError) {
        const zh = err.code === 'LIMIT_FILE_SIZE' ? '对账单不得超过 2 MB' : '请上传一个对账单文件';
        return reject(badRequest(err.message, [{ path: 'file', message: err.code === 'LIMIT_FILE_SIZE' ? 'at most 2 MB' : 'send one statement file', messageZh: zh }]));
      }
      reject(err instanceof Error ? badRequest(`the upload is malformed: ${err.message}`, [{ path: 'file', message: 'the upload could not be read', messageZh: '无法读取上传的文件' }]) : err);
    });
  });
}

/** Pages of /money/batches and /money/rounds/:id/report; the list and the new-batch form live on /money (money.tsx). */
export function batchPages(router: Router, roundsOf: (p: PageCtx) => Promise<RoundRef[]>, showMoney: (res: Response, query: Record<string, unknown>, errors: FieldError[], status: number) => Promise<void>) {
  router.post('/money/batches', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    // a provincial reviewer reads batches, but neither makes one nor is shown the cases to pick
    if (!isBatchPayer(ctx.user)) throw forbidden('only finance staff make disbursement batches');
    const roundId = field(req, 'roundId');
    const city = field(req, 'city');
    const caseIds = valuesOf(req, 'caseIds');
    const query = { roundId, city, caseIds };
    try {
      const rounds = await roundsOf(p);
      if (!rounds.some((r) => r.id === roundId)) throw notFound('round');
      // the ticked cases' count and total, made nothing
      if (field(req, 'action') === 'recount') return await showMoney(res, query, [], 200);
      // exactly the ticked cases; with a city, each of them must be of it
      const parsed = createBatchSchema.safeParse({ roundId, caseIds, ...(city === '' ? {} : { city }) });
      if (!parsed.success) return await showMoney(res, query, fieldWords(placed(zodErrors(parsed.error, ''), caseIds), { caseIds: { too_small: p.t.batches.noCaseChosen } }), 400);
      const batch = await createBatch(ctx, parsed.data);
      res.redirect(303, `/money/batches/${batch.id}?done=CREATE`);
    } catch (err) {
      await showMoney(res, query, placed(problemsOf(err), caseIds), statusOfProblem(err));
    }
  });

  router.get('/money/batches/:id', async (req, res) => {
    readable(pageOf(res));
    const done = req.query.done === 'CREATE' || isBatchEvent(req.query.done) ? String(req.query.done) : null;
    await showBatch(res, idParam(req.params.id, 'disbursement batch'), { done });
  });

  router.post('/money/batches/:id/events', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    readable(p);
    const id = idParam(req.params.id, 'disbursement batch');
    const type = field(req, 'type');
    if (!isFormEvent(type)) throw notFound('batch action');
    const values = { reason: field(req, 'reason'), comment: field(req, 'comment') };
    const body: Record<string, unknown> = { type };
    for (const name of fieldsOf(type)) if (values[name].trim() !== '' || !optional(type, name)) body[name] = values[name];
    const parsed = batchEventBodySchema.safeParse(body);
    if (!parsed.success) return showBatch(res, id, { attempt: { type, values, errors: zodErrors(parsed.error, '') } }, 400);
    const version = /^\d{1,9}$/.test(field(req, 'version')) ? Number(field(req, 'version')) : undefined;
    try {
      await sendBatchEvent(serviceOf(p), id, parsed.data, { ifMatch: version });
    } catch (err) {
      const errors = err instanceof AppError && err.kind === 'conflict' ? [{ path: 'form', message: p.t.batches.stale }] : problemsOf(err);
      // a refusal belongs to no field: shown at the top of the page
      return showBatch(res, id, { attempt: { type: 'form', values, errors } }, statusOfProblem(err));
    }
    res.redirect(303, `/money/batches/${id}?done=${type}`);
  });

  router.post('/money/batches/:id/settle', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    readable(p);
    const id = idParam(req.params.id, 'disbursement batch');
    const ctx = serviceOf(p);
    // a provincial reviewer reads the batch but records no payment: not even the outcomes are shown back
    if (!isBatchPayer(ctx.user)) throw forbidden('only finance staff record payments');
    const { view } = await getBatchWithRefusals(ctx, id);
    const values: Record<string, string> = {};
    const order: string[] = [];
    const payments: Record<string, string>[] = [];
    for (const c of view.cases) {
      for (const k of ['outcome', 'reference', 'paidOn', 'failure', 'statementLine']) values[`${k}.${c.caseId}`] = field(req, `${k}.${c.caseId}`);
      const outcome = values[`outcome.${c.caseId}`];
      if (outcome !== 'paid' && outcome !== 'failed') continue;
      order.push(c.caseId);
      const given = (k: string) => (values[`${k}.${c.caseId}`] ?? '').trim();
      const s: Record<string, string> = { caseId: c.caseId };
      // only what the chosen outcome asks for goes to the service: its schema says what is missing
      for (const k of outcome === 'paid' ? ['reference', 'paidOn'] : ['failure']) if (given(k) !== '') s[k] = given(k);
      payments.push(s);
    }
    // payments.<i>.<key> of the service → the field of that payment's case
    const toFields = (errors: FieldError[]): FieldError[] =>
      errors.map((e) => {
        const m = /^payments\.(\d+)\.(\w+)/.exec(e.path);
        const caseId = m ? order[Number(m[1])] : undefined;
        if (!m || !caseId) return { ...e, path: 'form' };
        return { ...e, path: `${m[2] === 'caseId' ? 'outcome' : m[2]}.${caseId}` };
      });
    const parsed = batchEventBodySchema.safeParse({ type: 'SETTLE', payments });
    if (!parsed.success) return showBatch(res, id, { settleAttempt: { values, errors: toFields(zodErrors(parsed.error, '')) } }, 400);
    // what the recording would refuse (a payment date after today or before the approval) is said at the summary already
    const refused = parsed.data.type === 'SETTLE' ? await settlementProblemsNow(ctx, id, parsed.data.payments) : [];
    if (refused.length > 0) return showBatch(res, id, { settleAttempt: { values, errors: toFields(refused) } }, 422);
    // a recorded payment is not undone: the outcomes are shown back first, and recorded only when confirmed
    if (field(req, 'confirm') !== '1') return showBatch(res, id, { settleAttempt: { values: { ...values, version: field(req, 'version') }, errors: [] }, settleConfirm: true });
    const version = /^\d{1,9}$/.test(field(req, 'version')) ? Number(field(req, 'version')) : undefined;
    try {
      await sendBatchEvent(ctx, id, parsed.data, { ifMatch: version });
    } catch (err) {
      const errors = err instanceof AppError && err.kind === 'conflict' ? [{ path: 'form', message: p.t.batches.stale }] : toFields(problemsOf(err));
      return showBatch(res, id, { settleAttempt: { values, errors } }, statusOfProblem(err));
    }
    res.redirect(303, `/money/batches/${id}?done=SETTLE`);
  });

  router.post(
    '/money/batches/:id/statement',
    async (req, res, next) => {
      // who may send a statement is known before its bytes are read
      readable(pageOf(res));
      idParam(req.params.id, 'disbursement batch');
      await receiveStatement(req, res);
      next();
    },
    requireCsrf(),
    async (req, res) => {
      const p = pageOf(res);
      const id = idParam(req.params.id, 'disbursement batch');
      const file = (req as Request & { file?: { buffer: Buffer } }).file;
      try {
        const statement = await matchStatement(serviceOf(p), id, file?.buffer);
        await showBatch(res, id, { statement });
      } catch (err) {
        const errors = problemsOf(err).map((e) => ({ ...e, path: 'file' }));
        await showBatch(res, id, { statementErrors: errors }, statusOfProblem(err));
      }
    },
  );

  // a sample statement in the format the check reads; the statement is finance's, like the upload
  router.get('/money/statement-sample.csv', (_req, res) => {
    assertBatchPayer(serviceOf(pageOf(res)).user);
    sendAttachment(res, { mediaType: 'text/csv; charset=utf-8', fileName: '对账单示例.csv', body: Buffer.from(statementSample(), 'utf8') });
  });

  router.get('/money/rounds/:id/report', async (req, res) => {
    const p = pageOf(res);
    readable(p);
    const report = roundReportView(await roundReport(serviceOf(p), idParam(req.params.id, 'round')));
    await render(res, <ReportPage p={p} report={report} />);
  });
}
