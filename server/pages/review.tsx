import { randomUUID } from 'node:crypto';
import type { Request, Router } from 'express';
import type { ServiceContext } from '../context';
import { AppError, notFound, type FieldError } from '../errors';
import type { Rubric } from '../../db/schema/rounds';
import type { CaseView } from '../cases/present';
import { eventsAllowed, getCase, loadVisibleCase } from '../cases/get';
import { getRound } from '../rounds/list';
import { contextOf } from '../../workflows/case/expert-guards';
import { bestScore, meanOf, meanPasses, scoreOf } from '../../workflows/case/scoring';
import type { CaseEventType } from '../../workflows/case/events';
import { EXPERT_LIST_READERS, listExperts, panelNamesOf } from '../experts/list';
import { listObjections, OBJECTION_READERS } from '../notices/list-objections';
import { NOTICE_PUBLISHERS } from '../notices/publish';
import { CsrfField, Field, errorsAt, FieldProblems, ProblemSummary } from './components/form';
import { DataTable } from './components/table';
import { hasAny } from './nav';
import { whereDone } from './where-done';
import { instant } from './format';
import { field, idParam, pageOf, serviceOf, type PageCtx } from './page';
import type { Attempt } from './decisions';

// The expert review and objection forms of the case page (SPEC §4): the provincial reviewer assigns
// and replaces experts, each expert scores with the rubric, the provincial reviewer resolves the
// objections filed on the public notice. Each form sends the case event the API takes
// (ASSIGN_EXPERTS, SCORE, RESOLVE_OBJECTION) to the same service; its refusals come back beside
// the field they name, and the score form's all at once in a summary at its top. The score form
// spells out the rubric's weighted total and shows it as typed; once scores are in, the page shows
// where they stand against the pass mark — all counted by the service's own scoring.ts.

/** The case events whose forms live here rather than among the generic decision forms. */
export const REVIEW_EVENTS: ReadonlySet<CaseEventType> = new Set(['ASSIGN_EXPERTS', 'SCORE', 'RESOLVE_OBJECTION']);

type Experts = Awaited<ReturnType<typeof listExperts>>['items'];
type Objections = Awaited<ReturnType<typeof listObjections>>['items'];

export interface ReviewData {
  /** the rubric the case is scored with: frozen at assignment, the round's before */
  rubric: Rubric | null;
  quorum: number | null;
  /** the experts a provincial reviewer may assign, with the conflicts the system sees; null for others */
  experts: Experts | null;
  /** the names of the experts on the panel, by id, for those who read the experts (empty for others) */
  panelNames: ReadonlyMap<string, string>;
  /** the objections to the case, for those who resolve them; null for others */
  objections: Objections | null;
}

/** What the review parts show, read through the services the API's routes call. */
export async function reviewDataFor(ctx: ServiceContext, view: CaseView, expertQuery?: string, ticked: readonly string[] = []): Promise<ReviewData> {
  const roles = ctx.user.roles;
  const inExpertStage = view.experts.length > 0 || view.allowedEvents.includes('ASSIGN_EXPERTS') || view.allowedEvents.includes('SCORE');
  const { rubric, quorum } = inExpertStage ? await rubricOf(ctx, view) : { rubric: null, quorum: null };
  const readsExperts = inExpertStage && hasAny(roles, EXPERT_LIST_READERS);
  const onPanel = view.experts.flatMap((a) => (a.expertId ? [a.expertId] : []));
  const [experts, panelNames, objections] = await Promise.all([
    readsExperts ? candidatesFor(ctx, view.id, expertQuery, ticked) : Promise.resolve(null),
    // named by their own ids: the candidate list may be searched, or hold only the first 200
    readsExperts ? panelNamesOf(ctx, onPanel) : Promise.resolve(new Map<string, string>()),
    hasAny(roles, OBJECTION_READERS) ? listObjections(ctx, view.id).then((r) => r.items) : Promise.resolve(null),
  ]);
  return { rubric, quorum, experts, panelNames, objections };
}

/**
 * The experts the assignment form offers: those a refused form had ticked first, whether or not the
 * search finds them (a refusal loses none of them), then the search's.
 */
async function candidatesFor(ctx: ServiceContext, caseId: string, expertQuery: string | undefined, ticked: readonly string[]): Promise<Experts> {
  const [kept, searched] = await Promise.all([
    ticked.length > 0 ? listExperts(ctx, { caseId, ids: ticked }).then((r) => r.items) : Promise.resolve([]),
    listExperts(ctx, { caseId, ...(expertQuery ? { q: expertQuery.slice(0, 100) } : {}) }).then((r) => r.items),
  ]);
  const first = new Set(kept.map((e) => e.id));
  return [...kept, ...searched.filter((e) => !first.has(e.id))];
}

/** The rubric and quorum the case is scored with: frozen at assignment, the round's before. */
async function rubricOf(ctx: ServiceContext, view: CaseView): Promise<{ rubric: Rubric | null; quorum: number | null }> {
  const frozen = contextOf((await loadVisibleCase(ctx, view.id)).row.snapshot).expertReview ?? null;
  const round = frozen ? null : await getRound(ctx, view.roundId);
  return { rubric: frozen?.rubric ?? round?.rubric ?? null, quorum: frozen?.quorum ?? round?.expertQuorum ?? null };
}

/** Every value of a repeated form field (check boxes). */
function fieldsOf(req: Request, name: string): string[] {
  const v: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

// a number typed as one goes to the service as a number (one with a fraction is refused as not whole);
// anything else as typed, for the schema to refuse
const points = (text: string): number | string => (/^\s*-?\d{1,9}(\.\d{1,9})?\s*$/.test(text) ? Number(text) : text);

/** The event body of a review form, in the API's shape, and the values to show again if it is refused. */
export function reviewBodyFrom(req: Request, type: CaseEventType): { body: Record<string, unknown>; values: Record<string, string> } {
  if (type === 'ASSIGN_EXPERTS') {
    const expertIds = fieldsOf(req, 'expertIds');
    const replaces = field(req, 'replaces');
    return { body: { type, expertIds, ...(replaces ? { replaces } : {}) }, values: { expertIds: expertIds.join(','), replaces } };
  }
  if (type === 'SCORE') {
    const values: Record<string, string> = { opinion: field(req, 'opinion'), confirmFinal: field(req, 'confirmFinal') };
    const scores: Record<string, number | string> = {};
    for (const key of Object.keys((req.body ?? {}) as Record<string, unknown>)) {
      if (!key.startsWith('scores.')) continue;
      const text = field(req, key);
      values[key] = text;
      // a criterion left empty is not scored: the service names it as missing
      if (text.trim() !== '') scores[key.slice('scores.'.length)] = points(text);
    }
    return { body: { type, scores, opinion: values.opinion }, values };
  }
  const values = { objectionId: field(req, 'objectionId'), outcome: field(req, 'outcome'), reason: field(req, 'reason') };
  return { body: { type, ...values }, values };
}

/**
 * What the page asks beyond the API (which takes a score as final without asking): the expert
 * ticks that a score cannot be changed once submitted, beside the button that submits it. Asked
 * only of the expert who may score the case now: anyone else hears the service's refusal (a 404
 * for a case they may not see), not about a box on a form they do not have.
 */
export async function reviewPageProblems(ctx: ServiceContext, p: PageCtx, caseId: string, type: CaseEventType, values: Record<string, string>): Promise<FieldError[]> {
  if (type !== 'SCORE' || values.confirmFinal === 'on') return [];
  const mayScore = await loadVisibleCase(ctx, caseId).then(
    ({ row, facts }) => eventsAllowed(ctx, row, facts).includes('SCORE'),
    (err: unknown) => {
      if (err instanceof AppError && err.kind === 'not_found') return false;
      throw err;
    },
  );
  return mayScore ? [{ path: 'confirmFinal', message: p.t.review.confirmFinalMissing, code: 'page.confirmFinal' }] : [];
}

/**
 * A refusal's paths as the review forms name their fields: an expert named by place in the list
 * (`expertIds.2`) by their id, a criterion's score (`scores.innovation`) as it is.
 */
export function reviewErrors(type: CaseEventType, errors: FieldError[], values: Record<string, string>): FieldError[] {
  if (type !== 'ASSIGN_EXPERTS') return errors;
  const ids = values.expertIds ? values.expertIds.split(',') : [];
  return errors.map((e) => {
    const m = /^expertIds\.(\d+)$/.exec(e.path);
    const id = m ? ids[Number(m[1])] : undefined;
    return id ? { ...e, path: `expertIds.${id}` } : e;
  });
}

const fieldId = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');

/** The service words a detected conflict in both languages, "works for X (任职于 X)": the page's half. */
export function conflictText(text: string, locale: PageCtx['locale']): string {
  const m = /^(.*) \((.*)\)$/.exec(text);
  return m ? ((locale === 'zh' ? m[2] : m[1]) ?? text) : text;
}

function Hidden({ p, version, type }: { p: PageCtx; version: number; type: CaseEventType }) {
  return (
    <>
      <CsrfField p={p} />
      <input type="hidden" name="type" value={type} />
      <input type="hidden" name="version" value={String(version)} />
      <input type="hidden" name="key" value={randomUUID()} />
    </>
  );
}


/** Points per criterion, as the rubric names them. */
function ScoreList({ p, rubric, scores }: { p: PageCtx; rubric: Rubric | null; scores: Record<string, number> }) {
  const criteria = rubric?.criteria ?? Object.keys(scores).map((key) => ({ key, label: key, maxPoints: 0, weight: 1 }));
  return (
    <ul class="scores">
      {criteria.map((c) => (
        <li safe>{`${c.label}${p.t.colon}${scores[c.key] ?? '—'}${c.maxPoints ? ` / ${c.maxPoints}` : ''}`}</li>
      ))}
    </ul>
  );
}

function Panel({ p, view, data }: { p: PageCtx; view: CaseView; data: ReviewData }) {
  const r = p.t.review;
  const names = data.panelNames;
  // the other experts, unnamed to an expert, by the letter each keeps on the panel whoever reads it (评审专家 B)
  const who = (a: CaseView['experts'][number]) => (a.mine ? r.meAs(a.panelLetter) : a.expertId ? (names.get(a.expertId) ?? a.expertId) : r.anonymous(a.panelLetter));
  return (
    <DataTable
      p={p}
      rows={view.experts}
      columns={[
        { header: r.expert, text: who },
        { header: r.status, cell: (a) => <ExpertStatus p={p} a={a} /> },
        { header: r.scores, cell: (a) => (a.scores ? <ScoreList p={p} rubric={data.rubric} scores={a.scores} /> : '—') },
        { header: r.total, num: true, text: (a) => (a.total === null ? '—' : a.total.toFixed(2)) },
        { header: r.opinion, text: (a) => a.opinion ?? '—' },
      ]}
    />
  );
}

function ExpertStatus({ p, a }: { p: PageCtx; a: CaseView['experts'][number] }) {
  const r = p.t.review;
  return (
    <>
      <span class={`badge expert-${a.status}`} safe>{r.statuses[a.status] ?? a.status}</span>
      {a.overdue ? <span class="badge overdue" safe>{` ${p.t.casePage.overdue}`}</span> : ''}
      {a.unavailable ? <span class="badge overdue" safe>{` ${r.unavailable}`}</span> : ''}
      {a.conflict ? <span class="note" safe>{`${r.conflict[a.conflict] ?? a.conflict}${a.note ? `${p.t.colon}${conflictText(a.note, p.locale)}` : ''}`}</span> : a.note ? <span class="note" safe>{a.note}</span> : ''}
    </>
  );
}

function AssignForm({ p, view, data, attempt }: { p: PageCtx; view: CaseView; data: ReviewData; attempt: Attempt | null }) {
  const r = p.t.review;
  const mine = attempt?.type === 'ASSIGN_EXPERTS' ? attempt : null;
  const errors = mine?.errors ?? [];
  const chosen = new Set((mine?.values.expertIds ?? '').split(',').filter(Boolean));
  const onCase = new Set(view.experts.filter((a) => a.status !== 'replaced').map((a) => a.expertId));
  const candidates = (data.experts ?? []).filter((e) => !onCase.has(e.id));
  const replacing = view.experts.length > 0;
  // those the machine lets be replaced (expert-guards.ts replacesOpenAssignment): declined, overdue, or unable to act
  const open = view.experts.filter((a) => a.expertId !== null && (a.status === 'declined' || a.overdue || a.unavailable));
  const names = data.panelNames;
  const listErrors = errorsAt(errors, 'expertIds');
  const title = replacing ? r.replaceTitle : r.assignTitle;
  // the panel's size is asked of a first assignment; a replacement or an addition is one expert or a few
  const quorum = data.quorum && !replacing ? (p.locale === 'zh' ? `（至少 ${data.quorum} 位）` : ` (at least ${data.quorum})`) : '';
  const query = new URL(p.url, 'http://page').searchParams.get('expert') ?? '';
  return (
    <>
    <form method="get" action={`/cases/${view.id}`} class="filters" role="search" aria-label={r.searchExperts}>
      <div class="field">
        <label for="a-expert-search" safe>
          {r.searchExperts}
        </label>
        <input id="a-expert-search" type="search" name="expert" value={query} maxlength="100" />
      </div>
      <button type="submit" safe>
        {r.search}
      </button>
    </form>
    <form method="post" action={`/cases/${view.id}/events#d-ASSIGN_EXPERTS`} class="decision" aria-labelledby="d-ASSIGN_EXPERTS" novalidate>
      <h3 id="d-ASSIGN_EXPERTS" safe>{title}</h3>
      <p class="hint" safe>{r.assignIntro(quorum)}</p>
      <Hidden p={p} version={view.version} type="ASSIGN_EXPERTS" />
      {/* every problem announced at the top, each linked to its field: the list's own sits beside it too */}
      <ProblemSummary
        p={p}
        errors={errors}
        fields={[
          { path: 'replaces', id: 'a-replaces', label: r.replaces },
          { path: 'expertIds', id: 'a-expertIds', label: r.pickExperts },
          ...candidates.map((e) => ({ path: `expertIds.${e.id}`, id: `a-expert-${fieldId(e.id)}`, label: e.name })),
        ]}
      />
      {replacing ? (
        <div class={errorsAt(errors, 'replaces').length ? 'field invalid' : 'field'}>
          <label for="a-replaces" safe>{r.replaces}</label>
          <p class="hint" id="a-replaces-hint" safe>{r.replacesHint}</p>
          <FieldProblems p={p} errors={errorsAt(errors, 'replaces')} id="a-replaces-error" />
          <select id="a-replaces" name="replaces" aria-describedby={errorsAt(errors, 'replaces').length ? 'a-replaces-hint a-replaces-error' : 'a-replaces-hint'} aria-invalid={errorsAt(errors, 'replaces').length ? 'true' : undefined}>
            <option value="" safe>{r.replacesNone}</option>
            {open.map((a) => (
              <option value={a.expertId ?? ''} selected={mine?.values.replaces === a.expertId} safe>{`${names.get(a.expertId ?? '') ?? a.expertId} · ${r.statuses[a.status] ?? a.status}${a.overdue ? ` · ${p.t.casePage.overdue}` : ''}${a.unavailable ? ` · ${r.unavailable}` : ''}`}</option>
            ))}
          </select>
        </div>
      ) : (
        ''
      )}
      <fieldset id="a-expertIds" class={listErrors.length ? 'choices invalid' : 'choices'} aria-describedby={listErrors.length ? 'a-expertIds-error' : undefined}>
        <legend safe>{r.pickExperts}</legend>
        <FieldProblems p={p} errors={listErrors} id="a-expertIds-error" />
        {candidates.length === 0 ? <p class="empty" safe>{r.noCandidates}</p> : ''}
        {candidates.map((e) => {
          const id = `a-expert-${fieldId(e.id)}`;
          const problems = errorsAt(errors, `expertIds.${e.id}`);
          // a declared conflict keeps the expert off this case for good; any other decline is only said
          const barred = e.declined?.conflictOfInterest === true;
          const declined = e.declined ? (barred ? r.declaredConflictOf(e.declined.reason) : r.declinedBefore(e.declined.reason)) : null;
          const described = [e.conflict ? `${id}-conflict` : '', declined ? `${id}-declined` : '', problems.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
          return (
            <div class={problems.length ? 'choice invalid' : 'choice'}>
              <input type="checkbox" id={id} name="expertIds" value={e.id} checked={!barred && chosen.has(e.id)} disabled={barred} aria-describedby={described} aria-invalid={problems.length ? 'true' : undefined} />
              <label for={id} safe>{e.organisation ? `${e.name} · ${e.organisation}` : e.name}</label>
              {e.conflict ? <span class="conflict" id={`${id}-conflict`} safe>{r.conflictOf(conflictText(e.conflict, p.locale))}</span> : ''}
              {declined ? <span class={barred ? 'conflict' : 'declined-before'} id={`${id}-declined`} safe>{declined}</span> : ''}
              <FieldProblems p={p} errors={problems} id={`${id}-error`} />
            </div>
          );
        })}
      </fieldset>
      <button type="submit" class="primary" safe>{r.assign}</button>
    </form>
    </>
  );
}

/** A mark or a best score as the rubric gives it (60, 10.3); totals and means show two decimals. */
const mark = (n: number) => String(n);

/** The points typed for each criterion that the rubric would take: whole numbers from 0 to the maximum. */
function scorable(rubric: Rubric, values: Readonly<Record<string, string | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of rubric.criteria) {
    const typed = points(values[`scores.${c.key}`] ?? '');
    if (typeof typed === 'number' && Number.isInteger(typed) && typed >= 0 && typed <= c.maxPoints) out[c.key] = typed;
  }
  return out;
}

/**
 * The total of what the expert has typed, as the service will count it once every criterion is
 * scored (scoring.ts scoreOf); a criterion empty or refused counts for nothing yet, and says so.
 */
function ScoreTotal({ p, rubric, values }: { p: PageCtx; rubric: Rubric; values: Readonly<Record<string, string | undefined>> }) {
  const r = p.t.review;
  const scores = scorable(rubric, values);
  const filled = Object.keys(scores).length;
  if (filled === 0) return <p class="hint" safe>{r.totalNone}</p>;
  return <p safe>{r.totalSoFar(scoreOf(rubric, scores).toFixed(2), filled, rubric.criteria.length, mark(rubric.passMark))}</p>;
}

function ScoreForm({ p, view, rubric, quorum, attempt }: { p: PageCtx; view: CaseView; rubric: Rubric; quorum: number | null; attempt: Attempt | null }) {
  const r = p.t.review;
  const mine = attempt?.type === 'SCORE' ? attempt : null;
  const errors = mine?.errors ?? [];
  const id = (key: string) => `s-${fieldId(key)}`;
  const summary = [
    { path: 'scores', id: id(rubric.criteria[0]?.key ?? 'opinion'), label: r.scores },
    ...rubric.criteria.map((c) => ({ path: `scores.${c.key}`, id: id(c.key), label: c.label })),
    { path: 'opinion', id: 's-opinion', label: r.opinion },
    { path: 'confirmFinal', id: 's-confirmFinal', label: r.confirmFinal },
  ];
  const unconfirmed = errorsAt(errors, 'confirmFinal');
  const formula = rubric.criteria.map((c) => r.weighted(String(c.weight), c.label)).join(' + ');
  return (
    <form method="post" action={`/cases/${view.id}/events#d-SCORE`} class="decision" aria-labelledby="d-SCORE" novalidate>
      <h3 id="d-SCORE" safe>{r.scoreTitle}</h3>
      <p class="hint" safe>{r.scoreIntro}</p>
      <p class="formula" id="s-formula" safe>{r.scoreFormula(formula, mark(bestScore(rubric)))}</p>
      <p class="hint" id="s-rule" safe>{r.scoreRule(quorum, mark(rubric.passMark))}</p>
      <Hidden p={p} version={view.version} type="SCORE" />
      <ProblemSummary p={p} errors={errors} fields={summary} />
      <FieldProblems p={p} errors={errorsAt(errors, 'scores')} id="s-scores-error" />
      {rubric.criteria.map((c) => {
        const name = `scores.${c.key}`;
        const problems = errorsAt(errors, name);
        return (
          <div class={problems.length ? 'field invalid points' : 'field points'}>
            <label for={id(c.key)} safe>{r.criterion(c.label, String(c.weight), c.maxPoints)}</label>
            <p class="hint" id={`${id(c.key)}-hint`} safe>{r.pointsHint(c.maxPoints)}</p>
            <FieldProblems p={p} errors={problems} id={`${id(c.key)}-error`} />
            <input
              type="number"
              id={id(c.key)}
              name={name}
              min="0"
              max={String(c.maxPoints)}
              step="1"
              inputmode="numeric"
              required
              class="score-points"
              value={mine?.values[name] ?? ''}
              aria-invalid={problems.length ? 'true' : undefined}
              aria-describedby={problems.length ? `${id(c.key)}-hint ${id(c.key)}-error` : `${id(c.key)}-hint`}
            />
          </div>
        );
      })}
      {/* the total follows the points as they are typed once htmx is there; without it, it shows what was sent */}
      <div id="s-total" class="score-total" aria-live="polite">
        <ScoreTotal p={p} rubric={rubric} values={mine?.values ?? {}} />
      </div>
      <span hidden hx-get={`/cases/${view.id}/score-total`} hx-trigger="input changed delay:300ms from:.score-points" hx-target="#s-total" hx-include=".score-points"></span>
      <Field p={p} idPrefix="s" name="opinion" label={r.opinion} errors={errors} value={mine?.values.opinion ?? ''} required multiline />
      {/* final once in (the machine records it and there is no step to change it): said before, not after */}
      <p class="final" id="s-final" safe>{r.scoreFinal}</p>
      <div class={unconfirmed.length ? 'choice invalid' : 'choice'}>
        <input
          type="checkbox"
          id="s-confirmFinal"
          name="confirmFinal"
          required
          checked={mine?.values.confirmFinal === 'on'}
          aria-describedby={unconfirmed.length ? 's-final s-confirmFinal-error' : 's-final'}
          aria-invalid={unconfirmed.length ? 'true' : undefined}
        />
        <label for="s-confirmFinal" safe>{r.confirmFinal}</label>
        <FieldProblems p={p} errors={unconfirmed} id="s-confirmFinal-error" />
      </div>
      <button type="submit" class="primary" aria-describedby="s-final" safe>{r.submitScore}</button>
    </form>
  );
}

/**
 * Where the scores stand against the pass mark, by the rule that decides the case (scoring.ts): the
 * expert's own total once it is in, and to whoever sees every score given, the mean of them.
 */
function Standing({ p, view, rubric, quorum }: { p: PageCtx; view: CaseView; rubric: Rubric; quorum: number | null }) {
  const r = p.t.review;
  const own = view.experts.find((a) => a.mine && a.status === 'scored');
  const scored = view.experts.filter((a) => a.status === 'scored');
  const all = scored.flatMap((a) => (a.scores ? [a.scores] : []));
  const pass = mark(rubric.passMark);
  // the mean only where every score given is shown: the provincial reviewer, an expert whose own is in
  const showsMean = scored.length > 0 && all.length === scored.length;
  const mean = showsMean ? meanOf(rubric, all).toFixed(2) : '';
  const decided = showsMean && quorum !== null && all.length >= quorum;
  return (
    <>
      {own && own.total !== null ? <p id="own-total" safe>{r.myTotal(own.total.toFixed(2), pass)}</p> : ''}
      {showsMean ? (
        <p id="expert-mean" safe>
          {decided ? (meanPasses(rubric, all) ? r.meanPassed(mean, pass, all.length) : r.meanFailed(mean, pass, all.length)) : r.meanPending(mean, pass, all.length, quorum)}
        </p>
      ) : (
        ''
      )}
    </>
  );
}

/**
 * The rubric, read-only, for an expert invited to the case who has not accepted yet: what they
 * would score against, in the words of the score form they get once they accept.
 */
function RubricPart({ p, rubric, quorum }: { p: PageCtx; rubric: Rubric; quorum: number | null }) {
  const r = p.t.review;
  const formula = rubric.criteria.map((c) => r.weighted(String(c.weight), c.label)).join(' + ');
  return (
    <div class="rubric">
      <h3 id="rubric" safe>{r.rubricTitle}</h3>
      <p class="hint" safe>{r.rubricIntro}</p>
      <DataTable
        p={p}
        rows={rubric.criteria}
        labelledBy="rubric"
        columns={[
          { header: r.criterionName, text: (c) => c.label },
          { header: r.weight, num: true, text: (c) => String(c.weight) },
          { header: r.maxPoints, num: true, text: (c) => c.maxPoints },
        ]}
      />
      <p class="formula" safe>{r.scoreFormula(formula, mark(bestScore(rubric)))}</p>
      <p class="hint" safe>{r.scoreRule(quorum, mark(rubric.passMark))}</p>
    </div>
  );
}

/** The experts of the case, the provincial reviewer's assignment form and the expert's score form. */
export function ExpertsPart({ p, view, data, attempt }: { p: PageCtx; view: CaseView; data: ReviewData; attempt: Attempt | null }) {
  const r = p.t.review;
  const assign = view.allowedEvents.includes('ASSIGN_EXPERTS') && data.experts !== null;
  const score = view.allowedEvents.includes('SCORE') && data.rubric !== null;
  // an expert replaced once and invited again has two assignments: the live one is theirs now
  const own = view.experts.filter((a) => a.mine && a.status !== 'replaced').at(-1);
  if (view.experts.length === 0 && !assign) return '';
  const publishing = view.state === 'awaitingNotice' && hasAny(p.user?.roles, NOTICE_PUBLISHERS);
  return (
    <section aria-labelledby="experts">
      <h2 id="experts" safe>{r.experts}</h2>
      {own?.status === 'scored' ? <p class="done" safe>{r.myScore}</p> : ''}
      {publishing ? (
        <p>
          <a href={whereDone({ via: 'notice', roundId: view.roundId, caseId: view.id }) ?? '/review/notices'} safe>
            {r.toPublish}
          </a>
        </p>
      ) : (
        ''
      )}
      {data.rubric ? <Standing p={p} view={view} rubric={data.rubric} quorum={data.quorum} /> : ''}
      {view.experts.length === 0 ? <p class="empty" safe>{r.noExperts}</p> : <Panel p={p} view={view} data={data} />}
      {own?.status === 'assigned' && data.rubric ? <RubricPart p={p} rubric={data.rubric} quorum={data.quorum} /> : ''}
      {assign ? <AssignForm p={p} view={view} data={data} attempt={attempt} /> : ''}
      {score && data.rubric ? <ScoreForm p={p} view={view} rubric={data.rubric} quorum={data.quorum} attempt={attempt} /> : ''}
    </section>
  );
}

/** The objections to the case, each open one with its forms to uphold or dismiss it. */
export function ObjectionsPart({ p, view, objections, attempt }: { p: PageCtx; view: CaseView; objections: Objections | null; attempt: Attempt | null }) {
  const r = p.t.review;
  if (objections === null || (objections.length === 0 && !view.allowedEvents.includes('RESOLVE_OBJECTION'))) return '';
  const resolvable = view.allowedEvents.includes('RESOLVE_OBJECTION');
  return (
    <section aria-labelledby="objections" id="objections-part">
      <h2 id="objections" safe>{r.objections}</h2>
      {objections.length === 0 ? <p class="empty" safe>{r.noObjections}</p> : ''}
      {objections.map((o) => {
        const mine = attempt?.type === 'RESOLVE_OBJECTION' && attempt.values.objectionId === o.id ? attempt : null;
        const errors = mine?.errors ?? [];
        const prefix = `o-${fieldId(o.id)}`;
        return (
          <article class="objection" aria-labelledby={`${prefix}-title`}>
            <h3 id={`${prefix}-title`} safe>{`${o.noticeNumber} · ${o.name}`}</h3>
            <dl class="summary">
              <dt safe>{r.objectionStatus}</dt>
              <dd>
                <span class={`badge objection-${o.status}`} safe>{r.objectionStatuses[o.status] ?? o.status}</span>
              </dd>
              <dt safe>{r.receivedAt}</dt>
              <dd safe>{instant(o.receivedAt, p.locale)}</dd>
              <dt safe>{r.contact}</dt>
              <dd safe>{o.contact ?? '—'}</dd>
              <dt safe>{r.objectionText}</dt>
              <dd class="text" safe>{o.reason}</dd>
              {o.resolution ? (
                <>
                  <dt safe>{r.resolution}</dt>
                  <dd safe>{`${o.resolution.reason}（${instant(o.resolution.at, p.locale)}）`}</dd>
                </>
              ) : (
                ''
              )}
            </dl>
            {resolvable && o.status === 'open' ? (
              <form method="post" action={`/cases/${view.id}/events#${prefix}-form`} id={`${prefix}-form`} class="decision" aria-label={r.resolveTitle(o.name)} novalidate>
                <Hidden p={p} version={view.version} type="RESOLVE_OBJECTION" />
                <input type="hidden" name="objectionId" value={o.id} />
                <ProblemSummary p={p} errors={errors} fields={[{ path: 'reason', id: `${prefix}-reason`, label: r.resolveReason }]} />
                <Field p={p} idPrefix={prefix} name="reason" label={r.resolveReason} hint={r.resolveHint} errors={errors} value={mine?.values.reason ?? ''} required multiline />
                <div class="actions">
                  <button type="submit" name="outcome" value="dismissed" class="primary" safe>{r.dismiss}</button>
                  <button type="submit" name="outcome" value="upheld" class="danger" safe>{r.uphold}</button>
                </div>
              </form>
            ) : (
              ''
            )}
          </article>
        );
      })}
    </section>
  );
}

/**
 * The score form's total as the expert types (htmx, pages/review.tsx ScoreForm): the same words as
 * the form shows, from the rubric frozen on the case. Only for the expert who may score it now.
 */
export function scoreTotalPage(router: Router) {
  router.get('/cases/:id/score-total', async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const view = await getCase(ctx, idParam(req.params.id, 'case'));
    if (!view.allowedEvents.includes('SCORE')) throw notFound('score form');
    const { rubric } = await rubricOf(ctx, view);
    if (!rubric) throw notFound('rubric');
    // the points as htmx sends them in the address (hx-include), each criterion once
    const typed = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const values = Object.fromEntries(rubric.criteria.map((c) => [`scores.${c.key}`, typed(`scores.${c.key}`)]));
    const html = await (<ScoreTotal p={p} rubric={rubric} values={values} />);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(html);
  });
}
