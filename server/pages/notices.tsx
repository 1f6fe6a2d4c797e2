import type { Request, Response, Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { listPublicNotices, publicNoticesQuerySchema } from '../notices/list-public';
import { getPublicNotice } from '../notices/get-public';
import { fileObjection, objectionSchema } from '../notices/file-objection';
import { objectionHandling, type ObjectionHandling } from '../notices/objection-receipt';
import { shanghaiDate } from '../calendar/dates';
import { z } from 'zod';
import { zodErrors } from '../http/problem';
import { throttle } from '../http/throttle';
import { Layout } from './layout';
import { CsrfField, Field, FormProblems, SelectField } from './components/form';
import { DataTable } from './components/table';
import { filled, NextPage } from './components/pager';
import { browserKey, isBrowserKey, requireCsrf } from './csrf';
import { date, yuan } from './format';
import { field, fieldWords, idParam, type PageCtx, pageOf, render } from './page';

// The public notice (公示, SPEC §4, §7 "Web pages"): anyone, without an account, reads the notices
// and objects to a case on an open one — the same services, schema and throttle as the API.

type Notice = Awaited<ReturnType<typeof getPublicNotice>>;
type NoticeList = Awaited<ReturnType<typeof listPublicNotices>>;

/** A notice's state as a badge: open (公示中) or closed. */
export function NoticeStateTag({ p, state }: { p: PageCtx; state: string }) {
  return <span class={`badge state-${state === 'open' ? 'notice' : 'closed'}`} safe>{state === 'open' ? p.t.notices.open : p.t.notices.closed}</span>;
}

/** Notices as a table: number (linked where `href` says), state, period, number of cases. The public list and the staff's. */
export function NoticeTable({ p, items, href, empty }: { p: PageCtx; items: NoticeList['items']; href: (id: string) => string; empty: string }) {
  const n = p.t.notices;
  return (
    <DataTable
      p={p}
      rows={items}
      empty={empty}
      columns={[
        { header: n.number, cell: (item) => <a href={href(item.id)} safe>{item.number}</a> },
        { header: n.state, cell: (item) => <NoticeStateTag p={p} state={item.state} /> },
        { header: n.period, text: (item) => `${date(item.startsOn, p.locale)} – ${date(item.endsOn, p.locale)}` },
        { header: n.caseCount, num: true, text: (item) => item.caseCount },
      ]}
    />
  );
}

/** A case's material on a notice, marked while an objection to it is open. The public page and the staff's. */
export function NoticeMaterial({ p, c }: { p: PageCtx; c: Notice['cases'][number] }) {
  return (
    <>
      <span safe>{c.materialName}</span>
      {c.underObjection ? <span class="badge state-objection" safe>{` ${p.t.notices.underObjection}`}</span> : ''}
    </>
  );
}

function NoticeListPage({ p, list }: { p: PageCtx; list: NoticeList }) {
  const n = p.t.notices;
  return (
    <Layout p={p} title={n.title}>
      <p safe>{n.intro}</p>
      <NoticeTable p={p} items={list.items} href={(id) => `/notices/${id}`} empty={n.empty} />
      <NextPage path="/notices" query={{}} cursor={list.nextCursor} label={p.t.catalogue.more} />
    </Layout>
  );
}

interface ObjectionAttempt {
  values: Record<string, string>;
  errors: FieldError[];
}

function ObjectionForm({ p, notice, attempt }: { p: PageCtx; notice: Notice; attempt: ObjectionAttempt | null }) {
  const n = p.t.notices;
  const errors = attempt?.errors ?? [];
  const values = attempt?.values ?? {};
  return (
    <form method="post" action={`/notices/${notice.id}/objections`} class="decision" aria-labelledby="objection" novalidate>
      <h2 id="objection" safe>{n.objectTitle}</h2>
      <p class="hint" safe>{n.objectIntro(date(notice.endsOn, p.locale))}</p>
      <CsrfField p={p} />
      <FormProblems p={p} errors={errors} fields={['caseId', 'name', 'contact', 'reason']} />
      {/* with several applications none is chosen for the objector: the first one was objected to by mistake */}
      <SelectField
        p={p}
        idPrefix="o"
        name="caseId"
        label={n.caseToObject}
        options={notice.cases.map((c) => ({ value: c.caseId, label: `${c.caseNumber} · ${c.firmName} · ${c.materialName}` }))}
        value={values.caseId ?? (notice.cases.length === 1 ? notice.cases[0]?.caseId : undefined)}
        empty={notice.cases.length === 1 ? undefined : n.chooseCase}
        errors={errors}
        required
      />
      <Field p={p} idPrefix="o" name="name" label={n.name} errors={errors} value={values.name ?? ''} required autocomplete="name" />
      <Field p={p} idPrefix="o" name="contact" label={n.contact} hint={n.contactHint} errors={errors} value={values.contact ?? ''} autocomplete="email" />
      <Field p={p} idPrefix="o" name="reason" label={n.reason} hint={n.reasonHint} errors={errors} value={values.reason ?? ''} required multiline />
      <button type="submit" class="primary" safe>{n.submit}</button>
    </form>
  );
}

/** Who issues the notice, when, for how long objections are taken and whom to ask: what a 公示 states. */
function NoticeHeading({ p, notice, contact }: { p: PageCtx; notice: Notice; contact: string | undefined }) {
  const n = p.t.notices;
  const rows: [string, string][] = [
    [n.issuer, n.issuerName],
    [n.publishedOn, date(shanghaiDate(new Date(notice.publishedAt)), p.locale)],
    [n.objectionPeriod, `${date(notice.startsOn, p.locale)} – ${date(notice.endsOn, p.locale)}`],
    ...(contact ? [[n.contactUs, contact] as [string, string]] : []),
  ];
  return (
    <dl class="summary">
      {rows.map(([k, v]) => (
        <>
          <dt safe>{k}</dt>
          <dd safe>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** The objector's receipt: the reference to quote, and who resolves it by when. */
function Receipt({ p, handling }: { p: PageCtx; handling: ObjectionHandling }) {
  const n = p.t.notices;
  return (
    <div role="status" class="done">
      <p safe>{n.filedRef(handling.reference)}</p>
      <p safe>{handling.resolveBy ? n.resolveBy(handling.workingDays, date(handling.resolveBy, p.locale)) : n.resolveWithin(handling.workingDays)}</p>
    </div>
  );
}

function NoticePage({ p, notice, attempt, filed }: { p: PageCtx; notice: Notice; attempt: ObjectionAttempt | null; filed: ObjectionHandling | null }) {
  const n = p.t.notices;
  return (
    <Layout p={p} title={`${n.title} ${notice.number}`}>
      <p>
        <a href="/notices" safe>{n.back}</a>
      </p>
      <p>
        <NoticeStateTag p={p} state={notice.state} />
      </p>
      <NoticeHeading p={p} notice={notice} contact={p.app.env.NOTICE_CONTACT} />
      {filed ? <Receipt p={p} handling={filed} /> : ''}
      <DataTable
        p={p}
        rows={notice.cases}
        columns={[
          { header: n.caseNumber, text: (c) => c.caseNumber },
          { header: n.firm, text: (c) => c.firmName },
          { header: n.material, cell: (c) => <NoticeMaterial p={p} c={c} /> },
          { header: n.entry, text: (c) => `${c.catalogueEntry.seq}. ${c.catalogueEntry.name}` },
          { header: n.subsidy, num: true, text: (c) => (c.notGranted ? n.notGranted[c.notGranted] : yuan(c.proposedSubsidy)) },
        ]}
      />
      {notice.state === 'open' ? <ObjectionForm p={p} notice={notice} attempt={attempt} /> : <p class="empty" safe>{n.ended}</p>}
    </Layout>
  );
}

const objectionValues = (req: Request) => ({ caseId: field(req, 'caseId'), name: field(req, 'name'), contact: field(req, 'contact'), reason: field(req, 'reason') });

async function showNotice(res: Response, app: AppContext, id: string, attempt: ObjectionAttempt | null, status = 200, filed: ObjectionHandling | null = null) {
  const p = pageOf(res);
  await render(res, <NoticePage p={p} notice={await getPublicNotice(app, id)} attempt={attempt} filed={filed} />, status);
}

/** GET /notices, /notices/:id and the objection form: the public side of the notice. */
export function noticePages(router: Router, app: AppContext) {
  router.get('/notices', async (req, res) => {
    const parsed = publicNoticesQuerySchema.safeParse(filled(req.query));
    // a cursor that is not one shows the first page rather than an error page
    const list = await listPublicNotices(app, parsed.success ? parsed.data : publicNoticesQuerySchema.parse({}));
    await render(res, <NoticeListPage p={pageOf(res)} list={list} />);
  });

  router.get('/notices/:id', async (req, res) => {
    const id = idParam(req.params.id, 'notice');
    // the objector's own receipt: the objection's id on this notice, with the key of the browser that
    // filed it (the id alone is no secret: a case's history names it); any other value shows none
    const objection = z.uuid().safeParse(req.query.objection);
    const own = objection.success && isBrowserKey(req, 'objection-receipt', objection.data, req.query.key);
    await showNotice(res, app, id, null, 200, own ? await objectionHandling(app.db, id, objection.data) : null);
  });

  router.post('/notices/:id/objections', requireCsrf(), throttle(app, 'objection', app.env.OBJECTIONS_PER_HOUR, 3600), async (req, res) => {
    const id = idParam(req.params.id, 'notice');
    const values = objectionValues(req);
    const body = { caseId: values.caseId, name: values.name, reason: values.reason, ...(values.contact.trim() ? { contact: values.contact } : {}) };
    const parsed = objectionSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) return showNotice(res, app, id, { values, errors: fieldWords(zodErrors(parsed.error, ''), { caseId: { invalid_format: pageOf(res).t.notices.caseMissing } }) }, 400);
    try {
      const receipt = await fileObjection(app, id, parsed.data, pageOf(res).requestId);
      return res.redirect(303, `/notices/${id}?objection=${receipt.id}&key=${browserKey(req, 'objection-receipt', receipt.id)}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind === 'not_found') throw err;
      return showNotice(res, app, id, { values, errors: err.errors.length ? err.errors : [{ path: 'form', message: err.message }] }, err.kind === 'conflict' ? 409 : 422);
    }
  });
}
