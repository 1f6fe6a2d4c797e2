import { firmBanOf, toldOfBans } from '../enterprises/bans';
import { shanghaiDate } from '../calendar/dates';
import { FirmBanNote } from './firm-ban';
import type { Response, Router } from 'express';
import { getCase, loadVisibleCase } from '../cases/get';
import { sendCaseEvent } from '../cases/send-event';
import { rubricProblemsBeside } from '../cases/score-check';
import { eventBodySchema } from '../cases/body';
import { listDocuments } from '../documents/list';
import { caseHistoryOf } from '../audit/verify';
import { AppError, badRequest, notFound, type FieldError } from '../errors';
import { zodErrors } from '../http/problem';
import { CASE_EVENT_TYPES, type CaseEventType } from '../../workflows/case/events';
import { Layout } from './layout';
import { StateBadge } from './components/badge';
import { casePartiesOf, Clocks, Documents, SubsidyPart, Summary } from './case-parts';
import { caseSubsidyOf, type SubsidyView } from '../cases/subsidy-view';
import { Timeline } from './timeline';
import { LapsedPart, MovedOnPart, PolicyMismatchPart, policyMismatchOf, type MovedOn } from './case-news';
import { caseTaskForms, TASK_DONE, TaskHolderPart, TaskRefusal, type TaskDone } from './case-task';
import { caseTaskHolder } from '../tasks/claim';
import { revisionAnswerOf, RevisionAnswerPart } from './revision-answer';
import { actorNames } from './actors';
import { chartStates } from '../../workflows/case/chart';
import { claimForms, ClaimNews, claimsFor, ClaimsPart, type ClaimAttempt } from './claims';
import { Decisions, eventBodyFrom, FORM_FIELDS, toField, uncheckedPolicy, type Attempt } from './decisions';
import { decidesPolicy, PolicyFigures } from './policy-figures';
import { requireCsrf } from './csrf';
import { doneMessage, nextStepOnCase } from './next-step';
import { ExpertsPart, ObjectionsPart, REVIEW_EVENTS, reviewBodyFrom, reviewDataFor, reviewErrors, reviewPageProblems, scoreTotalPage } from './review';
import { field, idParam, pageOf, render, serviceOf, repeatedField, takeRepeated, type PageCtx } from './page';
import { FirmDocuments, firmDocumentPages, firmWorkFor, returnedFor, SubmissionCheck, type UploadAttempt } from './firm-docs';
import { documentTypes } from '../../db/schema/cases';
import type { AppContext } from '../context';
import type { CaseView } from '../cases/present';

const isEventType = (s: unknown): s is CaseEventType => (CASE_EVENT_TYPES as readonly unknown[]).includes(s);

/** A case id that is not one answers the 404 page, like a case the person may not see. */
const MONEY_STAGE: ReadonlySet<string> = new Set(chartStates.filter((s) => s.path[0] === 'approved' && s.primary !== null).map((s) => s.primary as string));

/** What the firm just did on its own part of the page (pages/application.tsx, pages/firm-docs.tsx). */
interface FirmNews {
  saved?: boolean;
  uploaded?: { type: (typeof documentTypes)[number]; version: number };
  /** the claim just reported or decided */
  claim?: string;
  upload?: UploadAttempt;
  /** a step or an upload refused because the case moved on while the page was open */
  moved?: MovedOn;
  /** the case's task just taken or given back on this page, or the refusal of that */
  task?: TaskDone;
  taskRefused?: FieldError[];
}

async function showCase(res: Response, id: string, attempt: Attempt | null, status = 200, done: CaseEventType | null = null, claimAttempt: ClaimAttempt | null = null, news: FirmNews = {}) {
  const p = pageOf(res);
  const ctx = serviceOf(p);
  // the services answer 404 for a case the person may not see: the 404 page, as in the API
  const view = await getCase(ctx, id);
  const [docs, history, subsidy, claims, work, review, parties, ban, holder] = await Promise.all([
    listDocuments(ctx, id),
    caseHistoryOf(ctx, id),
    subsidyFor(ctx, id, view.subsidy !== null),
    claimsFor(ctx, id),
    firmWorkFor(ctx, view),
    reviewDataFor(ctx, view, new URL(p.url, 'http://page').searchParams.get('expert') ?? undefined, attempt?.type === 'ASSIGN_EXPERTS' ? (attempt.values.expertIds ?? '').split(',').filter(Boolean) : []),
    casePartiesOf(p.app.db, view),
    toldOfBans(p.user) ? firmBanOf(p.app.db, view.enterpriseId, shanghaiDate(p.app.clock.now())) : null,
    caseTaskHolder(ctx, id),
  ]);
  const names = actorNames(p, history.actors);
  const ownFirm = (p.user?.roles.includes('firm') ?? false) && p.user?.enterpriseId === view.enterpriseId;
  const mayReport = ownFirm && MONEY_STAGE.has(view.state);
  const roles = p.user?.roles ?? [];
  const next = nextStepOnCase(view, review.quorum, p.locale, p.t, roles);
  const answer = revisionAnswerOf(view.state, history.items);
  const decisions = view.allowedEvents.filter((e) => !REVIEW_EVENTS.has(e));
  // the insurer's reason, while the check stands at a mismatch: in review, and in revision while the firm corrects the policy
  const mismatch = insuranceOf(view) === 'mismatch' ? policyMismatchOf(history.items) : null;
  await render(
    res,
    <Layout p={p} title={view.number}>
      <p>
        <StateBadge p={p} state={view.state} />
        {next ? <span safe>{` ${p.t.cases.next}${p.t.colon}${next}`}</span> : ''}
      </p>
      {news.moved ? <MovedOnPart p={p} view={view} moved={news.moved} rubric={review.rubric} /> : ''}
      <LapsedPart p={p} view={view} />
      <TaskRefusal p={p} errors={news.taskRefused ?? []} />
      {news.task ? <p role="status" class="done" safe>{p.t.inbox[news.task]}</p> : ''}
      <PolicyCheck p={p} view={view} />
      <FirmBanNote p={p} ban={ban} own={ownFirm} />
      {mismatch ? <PolicyMismatchPart p={p} mismatch={mismatch} who={(mismatch?.actorId ? names.get(mismatch.actorId) : undefined) ?? parties.insurer ?? p.t.roles.insurer} /> : ''}
      {done ? <p role="status" class="done" safe>{doneMessage(view, done, review.quorum, p.locale, p.t, roles)}</p> : ''}
      {news.saved ? <p role="status" class="done" safe>{view.state === 'revision' ? p.t.application.savedRevision : p.t.application.saved}</p> : ''}
      <ClaimNews p={p} claims={claims} id={news.claim ?? null} ownFirm={ownFirm} />
      {news.uploaded ? <p role="status" class="done" safe>{p.t.firmDocs.uploaded(p.t.docTypes[news.uploaded.type], news.uploaded.version)}</p> : ''}
      {work ? <SubmissionCheck p={p} work={work} caseId={id} returned={returnedFor(view.state, history.items)} /> : ''}
      {answer ? <RevisionAnswerPart p={p} answer={answer} /> : ''}
      <TaskHolderPart p={p} number={view.number} caseId={id} holder={holder} />
      <Decisions p={p} caseId={id} version={view.version} allowed={decisions} attempt={attempt} elsewhere={view.allowedEvents.some((e) => REVIEW_EVENTS.has(e))} claimsToDecide={claims?.items.filter((c) => c.allowedEvents.length > 0) ?? []}>
        {decidesPolicy(decisions) ? <PolicyFigures p={p} view={view} insurer={parties.insurer} docs={docs} /> : ''}
      </Decisions>
      <ExpertsPart p={p} view={view} data={review} attempt={attempt} />
      <ObjectionsPart p={p} view={view} objections={review.objections} attempt={attempt} />
      <Summary p={p} view={view} parties={parties} />
      {subsidy ? <SubsidyPart p={p} view={subsidy} /> : ''}
      {claims !== null && (claims.items.length > 0 || mayReport) ? <ClaimsPart p={p} caseId={id} claims={claims} mayReport={mayReport} ownFirm={ownFirm} attempt={claimAttempt} /> : ''}
      <Clocks p={p} view={view} names={review.panelNames} ownFirm={ownFirm} />
      {work?.mayUpload ? <FirmDocuments p={p} caseId={id} docs={docs} work={work} attempt={news.upload ?? null} /> : <Documents p={p} docs={docs} />}
      <Timeline p={p} items={history.items} names={names} />
    </Layout>,
    status,
  );
}

/** Where the machine's insurance region stands while the case is in review; null outside it. */
function insuranceOf(view: CaseView): string | null {
  const value = view.stateValue as { inReview?: { insurance?: unknown } } | string;
  const insurance = typeof value === 'object' ? value.inReview?.insurance : undefined;
  return typeof insurance === 'string' ? insurance : null;
}

/**
 * Where the insurer's check of the policy stands while the case is in review (the machine's
 * insurance region), and, to the provincial reviewer, why there is no approval yet; after a
 * mismatch, to the reviewer who may return the case, that a return is the way to the correction.
 */
function PolicyCheck({ p, view }: { p: PageCtx; view: CaseView }) {
  const insurance = insuranceOf(view);
  if (insurance === null) return '';
  const c = p.t.casePage;
  const waits = view.state === 'provincial' && insurance !== 'verified' && (p.user?.roles.includes('provincial') ?? false);
  // a mismatch is mended through a return: the reviewer who may return the case now is told to
  const toReturn = insurance === 'mismatch' && view.allowedEvents.includes('RETURN');
  return (
    <p class="hint" id="policy-check">
      <span safe>{`${c.policyCheck}${p.t.colon}${c.policyStatus[insurance] ?? insurance}`}</span>
      {toReturn ? <strong safe>{` ${c.returnForPolicy}`}</strong> : waits ? <strong safe>{` ${c.approveWaits}`}</strong> : ''}
    </p>
  );
}

/** The status line after a save or an upload (redirect-after-post), read back from the query. */
function newsOf(query: Record<string, unknown>): FirmNews {
  const type = (documentTypes as readonly unknown[]).includes(query.uploaded) ? (query.uploaded as (typeof documentTypes)[number]) : null;
  const version = typeof query.v === 'string' && /^\d{1,6}$/.test(query.v) ? Number(query.v) : null;
  const claim = typeof query.claim === 'string' && /^[0-9a-f-]{36}$/i.test(query.claim) ? query.claim.toLowerCase() : null;
  const task = TASK_DONE.find((d) => d === query.task);
  return { saved: query.saved === '1', ...(type && version ? { uploaded: { type, version } } : {}), ...(claim ? { claim } : {}), ...(task ? { task } : {}) };
}

/** The subsidy and its derivation, for those who may read it (the same service as GET /cases/:id/subsidy). */
async function subsidyFor(ctx: ReturnType<typeof serviceOf>, id: string, calculated: boolean): Promise<SubsidyView | null> {
  // the case view carries the subsidy only to those who may read it (present.ts seesSubsidy)
  if (!calculated) return null;
  return caseSubsidyOf(ctx, id);
}

/** The case page (GET /api/v1/cases/:id, its documents and history) and its decision forms. */
export function casePage(router: Router, app: AppContext) {
  router.get('/cases/:id', async (req, res) => {
    const done = isEventType(req.query.done) ? req.query.done : null;
    await showCase(res, idParam(req.params.id, 'case'), null, 200, done, null, newsOf(req.query));
  });

  firmDocumentPages(router, app, (res, caseId, upload, status) =>
    showCase(res, caseId, null, status, null, null, upload.movedOn ? { upload, moved: { kind: 'upload', fileName: upload.movedOn.fileName } } : { upload }),
  );

  claimForms(router, app, (res, caseId, attempt, status) => showCase(res, caseId, null, status, null, attempt));

  scoreTotalPage(router);

  caseTaskForms(router, (res, caseId, errors, status) => showCase(res, caseId, null, status, null, null, { taskRefused: errors }));

  const stillSees = (ctx: ReturnType<typeof serviceOf>, id: string) =>
    loadVisibleCase(ctx, id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof AppError && err.kind === 'not_found') return false;
        throw err;
      },
    );

  // the same event as POST /api/v1/cases/:id/events: its schema, its service, its refusals
  router.post('/cases/:id/events', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const id = idParam(req.params.id, 'case');
    const ctx = serviceOf(p);
    // a field of one value sent twice (a score) is said beside it with the form as sent, and nothing is sent on
    const twice = takeRepeated(req, ['expertIds']);
    const type = field(req, 'type');
    if (!isEventType(type)) throw notFound('case event');
    const review = REVIEW_EVENTS.has(type) ? reviewBodyFrom(req, type) : null;
    const values = review?.values ?? Object.fromEntries(FORM_FIELDS.map((name) => [name, field(req, name)]));
    // the review forms name their fields by the service's paths (scores.innovation); the others by the first word
    const placed = (errors: FieldError[]) => (review ? reviewErrors(type, errors, values) : toField(p, errors));
    const body = review?.body ?? eventBodyFrom(req, type);
    const parsed = eventBodySchema.safeParse(body, { reportInput: true });
    // what only the page asks (a score's confirmation that it is final), told together with the schema's
    const asked = await reviewPageProblems(ctx, p, id, type, values);
    if (twice.length > 0) {
      // beside the form of one who may send the event now; anyone else is refused it without a form shown
      if (!(await getCase(ctx, id)).allowedEvents.includes(type)) throw badRequest('a form field was sent more than once', twice.map((e) => repeatedField(e.path)));
      return showCase(res, id, { type, values, errors: [...placed(twice), ...asked] }, 400);
    }
    if (!parsed.success) {
      // a score the schema refuses hears what the rubric refuses too, all at once (as in the API)
      const named = zodErrors(parsed.error, '');
      return showCase(res, id, { type, values, errors: [...placed([...named, ...(await rubricProblemsBeside(ctx, id, body, named))]), ...asked] }, 400);
    }
    // unconfirmed, the score is not sent: what the rubric would refuse of it is said at once
    if (asked.length > 0) return showCase(res, id, { type, values, errors: [...placed(await rubricProblemsBeside(ctx, id, body, [])), ...asked] }, 422);
    // the page's tick before a policy is verified, asked of the one who may verify it (anyone else hears the service's refusal)
    const unticked = uncheckedPolicy(type, values);
    if (unticked && (await getCase(ctx, id)).allowedEvents.includes(type)) return showCase(res, id, { type, values, errors: [unticked] }, 422);
    // the version the page was drawn at; one that is not a version (a tampered form) matches none, so the step is refused as late
    const given = field(req, 'version');
    const version = given === '' ? undefined : /^\d{1,9}$/.test(given) ? Number(given) : -1;
    const key = field(req, 'key');
    try {
      await sendCaseEvent(ctx, id, parsed.data, { ifMatch: version, idempotencyKey: /^[\x21-\x7e]{1,200}$/.test(key) ? key : undefined });
    } catch (err) {
      if (!(err instanceof AppError) || err.kind === 'not_found' || err.kind === 'unauthenticated') throw err;
      const errors = err.kind === 'conflict' ? [{ path: 'form', message: p.t.actions.stale }] : err.errors.length ? placed(err.errors) : [{ path: 'form', message: err.message }];
      // the case moved on while the page was open: said at the top, as the form it came from may be gone
      const moved: FirmNews = err.kind === 'conflict' ? { moved: { kind: 'event', type, values } } : {};
      return showCase(res, id, { type, values, errors }, err.kind === 'conflict' ? 409 : err.kind === 'forbidden' ? 403 : 422, null, null, moved);
    }
    // a step that ends the person's part in the case (an expert's declining) leaves them nothing to
    // see there: they are told on their inbox rather than shown a page that does not exist for them
    if (!(await stillSees(ctx, id))) return res.redirect(303, `/inbox?done=${type === 'DECLINE_ASSIGNMENT' ? 'declined' : 'left'}`);
    res.redirect(303, `/cases/${id}?done=${type}`);
  });
}
