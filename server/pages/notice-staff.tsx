import type { Request, Response, Router } from 'express';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { clocks, rounds } from '../../db/schema';
import { AppError, type FieldError } from '../errors';
import { gate } from '../http/roles';
import { zodErrors } from '../http/problem';
import { awaitingQuerySchema, listAwaitingNotice } from '../notices/awaiting';
import { cities } from '../domain/cities';
import { NOTICE_PUBLISHERS, publishNotice, publishNoticeSchema } from '../notices/publish';
import { listPublicNotices } from '../notices/list-public';
import { getPublicNotice } from '../notices/get-public';
import { listObjections, OBJECTION_READERS } from '../notices/list-objections';
import { objectionReference } from '../notices/objection-receipt';
import { Layout } from './layout';
import { NoticeMaterial, NoticeStateTag, NoticeTable } from './notices';
import { DataTable } from './components/table';
import { CsrfField, FormProblems, errorsAt, FieldProblems, SelectField } from './components/form';
import { filled, NextPage } from './components/pager';
import { requireCsrf } from './csrf';
import { date, instant, yuan } from './format';
import { field, fieldWords, idParam, type PageCtx, pageOf, placed, render, serviceOf, valuesOf } from './page';

// The provincial reviewer's side of the public notice (公示, SPEC §4): the cases awaiting it, put on
// a notice with POST /notices' service, and a notice's own page with its cases, its period and the
// objections filed on it (personal data: never on the public page).

type Awaiting = Awaited<ReturnType<typeof listAwaitingNotice>>;
type Notices = Awaited<ReturnType<typeof listPublicNotices>>;
type Notice = Awaited<ReturnType<typeof getPublicNotice>>;
type Objection = Awaited<ReturnType<typeof listObjections>>['items'][number] & { caseId: string };

interface PublishAttempt {
  caseIds: string[];
  errors: FieldError[];
}

/** The rounds the list may be narrowed to, newest first; a chosen one that is none of them narrows nothing. */
interface RoundChoice {
  rounds: { id: string; name: string }[];
  chosen: string | undefined;
}

/** The query the form posts back with and the pager keeps: the round chosen and the page. */
const listQuery = (choice: RoundChoice, cursor: string | undefined) => ({ roundId: choice.chosen, cursor });
const withQuery = (path: string, query: Record<string, string | undefined>) => {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return params.size ? `${path}?${params.toString()}` : path;
};

/** Narrows the list to one round: the inbox's 发布公示 task opens the page with its case's round chosen. */
function RoundFilter({ p, choice }: { p: PageCtx; choice: RoundChoice }) {
  const r = p.t.review;
  return (
    <form method="get" action="/review/notices" class="search" aria-label={r.roundFilter}>
      <SelectField p={p} idPrefix="n" name="roundId" label={r.round} empty={r.allRounds} value={choice.chosen} options={choice.rounds.map((x) => ({ value: x.id, label: x.name }))} />
      <div class="field">
        <button type="submit" safe>{r.filter}</button>
      </div>
    </form>
  );
}


const cityName = (p: PageCtx, code: string) => {
  const c = cities.find((x) => x.code === code);
  return c ? (p.locale === 'zh' ? c.name : c.nameEn) : code;
};

function PublishForm({ p, awaiting, attempt, cursor, choice }: { p: PageCtx; awaiting: Awaiting; attempt: PublishAttempt | null; cursor: string | undefined; choice: RoundChoice }) {
  const r = p.t.review;
  const n = p.t.notices;
  const errors = attempt?.errors ?? [];
  const chosen = new Set(attempt?.caseIds ?? []);
  const listErrors = errorsAt(errors, 'caseIds');
  const fields = ['caseIds', ...awaiting.items.map((c) => `caseIds.${c.id}`)];
  return (
    <section aria-labelledby="awaiting">
      <h2 id="awaiting" safe>{r.awaiting}</h2>
      <RoundFilter p={p} choice={choice} />
      {awaiting.items.length === 0 ? (
        <>
          {/* a refusal of cases no longer on the list is still said */}
          <FormProblems p={p} errors={errors} fields={[]} />
          <p class="empty" safe>{r.noAwaiting}</p>
        </>
      ) : (
        <form method="post" action={withQuery('/review/notices', listQuery(choice, cursor))} novalidate>
          <CsrfField p={p} />
          <FormProblems p={p} errors={errors} fields={fields} />
          <fieldset class={listErrors.length ? 'choices invalid' : 'choices'} aria-describedby={listErrors.length ? 'n-caseIds-error' : undefined}>
            <legend safe>{r.pickCases}</legend>
            <FieldProblems p={p} errors={listErrors} id="n-caseIds-error" />
            <DataTable
              p={p}
              rows={awaiting.items}
              rowClass={(c) => (errorsAt(errors, `caseIds.${c.id}`).length ? 'invalid' : undefined)}
              columns={[
                {
                  header: r.choose,
                  cell: (c) => {
                    const id = `n-case-${c.id}`;
                    const problems = errorsAt(errors, `caseIds.${c.id}`);
                    return (
                      <>
                        <input type="checkbox" id={id} name="caseIds" value={c.id} checked={chosen.has(c.id)} aria-describedby={problems.length ? `${id}-error` : undefined} aria-invalid={problems.length ? 'true' : undefined} />
                        <label for={id} safe>{r.pick(c.number)}</label>
                        <FieldProblems p={p} errors={problems} id={`${id}-error`} />
                      </>
                    );
                  },
                },
                { header: n.caseNumber, cell: (c) => <a href={`/cases/${c.id}`} aria-label={r.viewCase(c.number)} safe>{c.number}</a> },
                { header: n.firm, text: (c) => c.firmName },
                { header: r.city, text: (c) => cityName(p, c.city) },
                { header: n.material, text: (c) => c.materialName ?? p.t.cases.untitled },
                { header: r.catalogueEntry, text: (c) => (c.catalogueEntry ? `${c.catalogueEntry.seq}. ${c.catalogueEntry.name}` : '—') },
                { header: r.meanScore, num: true, text: (c) => (c.meanScore === null ? '—' : r.meanOfMark(c.meanScore.toFixed(2), c.passMark)) },
                { header: r.proposedSubsidy, num: true, text: (c) => yuan(c.proposedSubsidy) },
              ]}
            />
          </fieldset>
          <button type="submit" class="primary" safe>{r.publish}</button>
        </form>
      )}
      <NextPage path="/review/notices" query={{ roundId: choice.chosen }} cursor={awaiting.nextCursor} label={p.t.cases.more} />
    </section>
  );
}

/** The second step: the cases about to be made public, listed once more, published only from here. */
function ConfirmPublish({ p, chosen, cursor, choice }: { p: PageCtx; chosen: Awaiting['items']; cursor: string | undefined; choice: RoundChoice }) {
  const r = p.t.review;
  const n = p.t.notices;
  return (
    <Layout p={p} title={r.confirmTitle}>
      <p class="caution" safe>{r.confirmIntro(chosen.length)}</p>
      <DataTable
        p={p}
        rows={chosen}
        columns={[
          { header: n.caseNumber, cell: (c) => <a href={`/cases/${c.id}`} safe>{c.number}</a> },
          { header: n.firm, text: (c) => c.firmName },
          { header: n.material, text: (c) => c.materialName ?? p.t.cases.untitled },
          { header: r.proposedSubsidy, num: true, text: (c) => yuan(c.proposedSubsidy) },
        ]}
      />
      <form method="post" action={withQuery('/review/notices', listQuery(choice, cursor))}>
        <CsrfField p={p} />
        {chosen.map((c) => (
          <input type="hidden" name="caseIds" value={c.id} />
        ))}
        <button type="submit" name="confirm" value="yes" class="primary" safe>{r.confirmPublish(chosen.length)}</button>{' '}
        <button type="submit" name="confirm" value="back" safe>{r.confirmBack}</button>
      </form>
    </Layout>
  );
}

function RecentNotices({ p, notices }: { p: PageCtx; notices: Notices }) {
  const r = p.t.review;
  return (
    <section aria-labelledby="recent">
      <h2 id="recent" safe>{r.recent}</h2>
      <NoticeTable p={p} items={notices.items} href={(id) => `/review/notices/${id}`} empty={r.noNotices} />
    </section>
  );
}

/** The round the query chooses, when it names one there is (a bad or unknown id lists every round's cases, as /money does). */
async function roundChoice(p: PageCtx, req: Request): Promise<RoundChoice> {
  const all = await p.app.db.select({ id: rounds.id, name: rounds.name }).from(rounds).orderBy(desc(rounds.opensAt), rounds.id);
  const wanted = req.query.roundId;
  return { rounds: all, chosen: all.find((r) => r.id === wanted)?.id };
}

/** The awaiting list's query: the page asked for, within the round chosen. */
function awaitingQuery(req: Request, choice: RoundChoice) {
  const query = awaitingQuerySchema.safeParse(filled({ cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined }));
  return { ...(query.success ? query.data : awaitingQuerySchema.parse({})), roundId: choice.chosen };
}

async function showPublishing(res: Response, req: Request, attempt: PublishAttempt | null, status = 200) {
  const p = pageOf(res);
  const ctx = serviceOf(p);
  const choice = await roundChoice(p, req);
  const query = awaitingQuery(req, choice);
  // the inbox's task names its case: ticked to begin with, once the form has not been sent
  const named = z.uuid().safeParse(req.query.caseId);
  const [awaiting, notices] = await Promise.all([
    listAwaitingNotice(ctx, query),
    listPublicNotices(p.app, { limit: 20 }),
  ]);
  await render(
    res,
    <Layout p={p} title={p.t.review.noticesTitle}>
      <p safe>{p.t.review.noticesIntro}</p>
      <PublishForm p={p} awaiting={awaiting} attempt={attempt ?? (named.success ? { caseIds: [named.data], errors: [] } : null)} cursor={query.cursor} choice={choice} />
      <RecentNotices p={p} notices={notices} />
    </Layout>,
    status,
  );
}

function NoticeStaffPage({ p, notice, objections, workingDays, published }: { p: PageCtx; notice: Notice; objections: Objection[]; workingDays: number | null; published: boolean }) {
  const r = p.t.review;
  const n = p.t.notices;
  const caseOf = new Map(notice.cases.map((c) => [c.caseId, c]));
  return (
    <Layout p={p} title={`${n.title} ${notice.number}`}>
      {published ? <p role="status" class="done" safe>{r.published}</p> : ''}
      <section aria-labelledby="period">
        <h2 id="period" safe>{n.period}</h2>
        <dl class="summary">
          <dt safe>{n.state}</dt>
          <dd>
            <NoticeStateTag p={p} state={notice.state} />
          </dd>
          <dt safe>{r.publishedAt}</dt>
          <dd safe>{instant(notice.publishedAt, p.locale)}</dd>
          <dt safe>{r.startsOn}</dt>
          <dd safe>{date(notice.startsOn, p.locale)}</dd>
          <dt safe>{r.endsOn}</dt>
          <dd safe>{`${r.endsAt(date(notice.endsOn, p.locale))}${workingDays ? r.workingDays(workingDays) : ''}`}</dd>
        </dl>
        <p>
          <a href={`/notices/${notice.id}`} safe>{r.publicPage}</a>
        </p>
      </section>
      <section aria-labelledby="notice-cases">
        <h2 id="notice-cases" safe>{r.caseCount(notice.cases.length)}</h2>
        <DataTable
          p={p}
          rows={notice.cases}
          columns={[
            { header: n.caseNumber, cell: (c) => <a href={`/cases/${c.caseId}`} safe>{c.caseNumber}</a> },
            { header: n.firm, text: (c) => c.firmName },
            { header: n.material, cell: (c) => <NoticeMaterial p={p} c={c} /> },
            { header: n.subsidy, num: true, text: (c) => (c.notGranted ? n.notGranted[c.notGranted] : yuan(c.proposedSubsidy)) },
          ]}
        />
      </section>
      <section aria-labelledby="notice-objections">
        <h2 id="notice-objections" safe>{r.objectionsOn}</h2>
        <DataTable
          p={p}
          rows={objections}
          empty={r.noticeNoObjections}
          columns={[
            // the reference the objector was given, to find their objection when they quote it
            { header: r.objectionRef, text: (o) => objectionReference(notice.number, o.id) },
            { header: n.caseNumber, cell: (o) => <a href={`/cases/${o.caseId}#objections`} safe>{caseOf.get(o.caseId)?.caseNumber ?? o.caseId}</a> },
            { header: r.objector, text: (o) => (o.contact ? `${o.name}（${o.contact}）` : o.name) },
            { header: r.objectionText, class: 'text', text: (o) => o.reason },
            { header: r.receivedAt, text: (o) => instant(o.receivedAt, p.locale) },
            { header: r.objectionStatus, cell: (o) => <ObjectionStatus p={p} o={o} /> },
          ]}
        />
      </section>
    </Layout>
  );
}

function ObjectionStatus({ p, o }: { p: PageCtx; o: Objection }) {
  const r = p.t.review;
  return (
    <>
      <span class={`badge objection-${o.status}`} safe>{r.objectionStatuses[o.status] ?? o.status}</span>
      {o.status === 'open' ? (
        <a href={`/cases/${o.caseId}#objections`} class="aside" safe>{r.toCase}</a>
      ) : o.resolution ? (
        <span class="note" safe>{o.resolution.reason}</span>
      ) : (
        ''
      )}
    </>
  );
}

/** The confirmation of the ticked cases, each of them still awaiting the notice on the list the form came from; the form again, with the reason, for any that is not. */
async function confirmPublishing(res: Response, req: Request, caseIds: string[]) {
  const p = pageOf(res);
  const choice = await roundChoice(p, req);
  const query = awaitingQuery(req, choice);
  const awaiting = await listAwaitingNotice(serviceOf(p), query);
  const byId = new Map(awaiting.items.map((c) => [c.id, c]));
  const gone = caseIds.filter((id) => !byId.has(id));
  if (gone.length > 0) {
    const errors = gone.map((id) => ({ path: `caseIds.${id}`, code: 'notice.notAwaiting', message: `case ${id} is not awaiting the public notice`, messageZh: `申请 ${id} 不在待公示状态` }));
    return showPublishing(res, req, { caseIds, errors }, 422);
  }
  const chosen = caseIds.flatMap((id) => byId.get(id) ?? []);
  await render(res, <ConfirmPublish p={p} chosen={chosen} cursor={query.cursor} choice={choice} />);
}

/** GET/POST /review/notices and GET /review/notices/:id: publishing notices and reading their objections. */
export function noticeStaffPages(router: Router, app: AppContext) {
  router.get('/review/notices', gate('user', NOTICE_PUBLISHERS), async (req, res) => {
    await showPublishing(res, req, null);
  });

  router.post('/review/notices', gate('user', NOTICE_PUBLISHERS), requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const caseIds = valuesOf(req, 'caseIds');
    const parsed = publishNoticeSchema.safeParse({ caseIds }, { reportInput: true });
    // an empty choice is said as what the check boxes want, not as the API's "choose at least one"
    if (!parsed.success) return showPublishing(res, req, { caseIds, errors: fieldWords(placed(zodErrors(parsed.error, ''), caseIds), { caseIds: { too_small: p.t.review.noCaseChosen } }) }, 400);
    const confirm = field(req, 'confirm');
    if (confirm === 'back') return showPublishing(res, req, { caseIds, errors: [] });
    // a notice cannot be taken back: the cases are listed once more, and only that form publishes
    if (confirm !== 'yes') return confirmPublishing(res, req, parsed.data.caseIds);
    let id: string;
    try {
      id = (await publishNotice(serviceOf(p), parsed.data)).id;
    } catch (err) {
      if (!(err instanceof AppError) || err.kind === 'not_found' || err.kind === 'unauthenticated' || err.kind === 'forbidden') throw err;
      const errors = err.errors.length ? placed(err.errors, caseIds) : [{ path: 'form', message: err.message }];
      return showPublishing(res, req, { caseIds, errors }, err.kind === 'conflict' ? 409 : 422);
    }
    res.redirect(303, `/review/notices/${id}?published=1`);
  });

  router.get('/review/notices/:id', gate('user', OBJECTION_READERS), async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const id = idParam(req.params.id, 'notice');
    const notice = await getPublicNotice(app, id);
    const perCase = await Promise.all(notice.cases.map(async (c) => (await listObjections(ctx, c.caseId)).items.map((o) => ({ ...o, caseId: c.caseId }))));
    const objections = perCase.flat().filter((o) => o.noticeId === id);
    const [clock] = await app.db
      .select({ countedDays: clocks.countedDays })
      .from(clocks)
      .where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'noticePeriod')));
    await render(res, <NoticeStaffPage p={p} notice={notice} objections={objections} workingDays={clock?.countedDays ?? null} published={req.query.published === '1'} />);
  });
}
