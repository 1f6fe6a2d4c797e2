import type { Request, Response, Router } from 'express';
import { notFound, type FieldError } from '../../errors';
import { shanghaiDate } from '../../calendar/workdays';
import { calendarYearBody, calendarYearParams, readCalendarYear, replaceCalendarYear, type CalendarYearBody } from '../../calendar/admin';
import { previewCalendarDay } from '../../calendar/impact';
import { zodErrors } from '../../http/problem';
import { CsrfField, Field, FormProblems } from '../components/form';
import { DataTable } from '../components/table';
import { requireCsrf } from '../csrf';
import { date } from '../format';
import { field, pageOf, render, type PageCtx } from '../page';
import { AdminLayout, adminOf, atFields, doneOf, problemsOf, statusOfProblem } from './common';

// The working-day calendar (SPEC §4): a year's exceptions to Mon–Fri, or, while its schedule is not
// published, the statutory holidays its deadlines are provisionally counted on. Adding or removing one day
// sends the whole year, changed, to the service of PUT /admin/calendar/:year, which checks it and
// recounts the deadlines it moves.

type Year = Awaited<ReturnType<typeof readCalendarYear>>;
interface Attempt {
  values: Record<string, string>;
  errors: FieldError[];
}

const weekdayOf = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

/**
 * A year whose schedule is not published is not Mon–Fri all year: its deadlines run on the
 * statutory holidays, provisionally, until the schedule is loaded and they are recounted.
 */
function Provisional({ p, year }: { p: PageCtx; year: Year }) {
  const c = p.t.admin.calendar;
  return (
    <section aria-labelledby="statutory">
      <div class="caution" role="note">
        <strong safe>{c.notLoaded(year.year)}</strong>
        <p safe>{c.provisionalRule}</p>
      </div>
      <h2 id="statutory" safe>{c.statutoryTitle(year.year)}</h2>
      <DataTable
        p={p}
        rows={year.statutoryDays}
        empty={c.noStatutory}
        columns={[
          { header: c.date, text: (d) => date(d.date, p.locale) },
          { header: c.weekday, text: (d) => c.weekdays[weekdayOf(d.date)] },
          { header: c.kind, cell: (d) => <span class="badge state-approved" safe>{c.kinds[d.kind]}</span> },
          { header: c.nameCol, text: (d) => d.name ?? '—' },
          { header: c.source, cell: () => <span class="badge state-revision" safe>{c.provisionalSource}</span> },
        ]}
      />
    </section>
  );
}

function CalendarPage({ p, year, attempt, done }: { p: PageCtx; year: Year; attempt: Attempt | null; done?: string | undefined }) {
  const c = p.t.admin.calendar;
  const errors = attempt?.errors ?? [];
  const v = attempt?.values ?? {};
  return (
    <AdminLayout p={p} title={`${c.title} · ${year.year}`} done={done}>
      <p safe>{c.intro}</p>
      <form method="get" action="/admin/calendar" class="search">
        <div class="field">
          <label for="y-year" safe>{c.year}</label>
          <input id="y-year" name="year" type="number" value={String(year.year)} min="2000" max="2100" />
        </div>
        <button type="submit" safe>{c.show}</button>
      </form>
      <p>
        <span class={`badge ${year.published ? 'state-approved' : 'state-draft'}`} safe>{year.published ? c.published : c.notPublished}</span>
      </p>
      <form method="post" action={`/admin/calendar/${year.year}/published`}>
        <CsrfField p={p} />
        <input type="hidden" name="published" value={year.published ? 'false' : 'true'} />
        <button type="submit" safe>{year.published ? c.setUnpublished : c.setPublished}</button>
      </form>
      {year.provisional ? <Provisional p={p} year={year} /> : ''}
      <h2 id="schedule" safe>{year.provisional ? c.scheduleTitlePending : c.scheduleTitle}</h2>
      <DataTable
        p={p}
        rows={year.days}
        empty={year.provisional ? c.emptyPending(year.year) : c.empty(year.year)}
        columns={[
          { header: c.date, text: (d) => date(d.date, p.locale) },
          { header: c.weekday, text: (d) => c.weekdays[weekdayOf(d.date)] },
          { header: c.kind, cell: (d) => <span class={`badge ${d.kind === 'holiday' ? 'state-approved' : 'state-revision'}`} safe>{c.kinds[d.kind]}</span> },
          { header: c.nameCol, text: (d) => d.name ?? '—' },
          { header: c.source, text: (d) => c.sources[d.source] },
          {
            header: p.t.admin.action,
            cell: (d) => (
              <form method="post" action={`/admin/calendar/${year.year}/remove`}>
                <CsrfField p={p} />
                <input type="hidden" name="date" value={d.date} />
                <button type="submit" class="danger" aria-label={c.removeLabel(date(d.date, p.locale))} safe>{c.remove}</button>
              </form>
            ),
          },
        ]}
      />
      <form method="post" action={`/admin/calendar/${year.year}/add`} class="decision" aria-labelledby="add-day" novalidate>
        <h2 id="add-day" safe>{c.add}</h2>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={['date', 'kind', 'name']} />
        <Field p={p} idPrefix="d" name="date" type="date" label={c.date} errors={errors} value={v.date ?? ''} required />
        <div class={errors.some((e) => e.path === 'kind') ? 'field invalid' : 'field'}>
          <label for="d-kind" safe>{c.kind}</label>
          {errors.some((e) => e.path === 'kind') ? (
            <p class="error" id="d-kind-error">
              {errors.filter((e) => e.path === 'kind').map((e) => (
                <span safe>{p.locale === 'zh' ? (e.messageZh ?? e.message) : e.message}</span>
              ))}
            </p>
          ) : (
            ''
          )}
          <select id="d-kind" name="kind" aria-invalid={errors.some((e) => e.path === 'kind') ? 'true' : undefined} aria-describedby={errors.some((e) => e.path === 'kind') ? 'd-kind-error' : undefined}>
            {(['holiday', 'workday'] as const).map((k) => (
              <option value={k} selected={v.kind === k} safe>{c.kinds[k]}</option>
            ))}
          </select>
        </div>
        <Field p={p} idPrefix="d" name="name" label={c.name} errors={errors} value={v.name ?? ''} />
        <button type="submit" class="primary" safe>{c.submit}</button>
      </form>
    </AdminLayout>
  );
}

interface Pending {
  action: 'add' | 'remove';
  day: { date: string; kind: 'holiday' | 'workday'; name: string | null };
  published: boolean;
  moves: number;
}

/**
 * The step between the button and the change: a day added or removed moves the running deadlines
 * counted over it, so the page says how many before anything is changed.
 */
function ConfirmPage({ p, year, pending }: { p: PageCtx; year: number; pending: Pending }) {
  const c = p.t.admin.calendar;
  const d = pending.day;
  const detail = `${c.kinds[d.kind]}${d.name ? ` · ${d.name}` : ''}`;
  const what = `${date(d.date, p.locale)}${p.locale === 'zh' ? `（${detail}）` : ` (${detail})`}`;
  return (
    <AdminLayout p={p} title={pending.action === 'add' ? c.confirmAddTitle : c.confirmRemoveTitle}>
      <div class="caution" role="note">
        <strong safe>{pending.action === 'add' ? c.confirmAdd(what) : c.confirmRemove(what)}</strong>
        <p safe>{pending.published ? c.moves(pending.moves) : c.movesNone}</p>
      </div>
      <form method="post" action={`/admin/calendar/${year}/${pending.action}`}>
        <CsrfField p={p} />
        <input type="hidden" name="date" value={d.date} />
        {pending.action === 'add' ? (
          <>
            <input type="hidden" name="kind" value={d.kind} />
            <input type="hidden" name="name" value={d.name ?? ''} />
          </>
        ) : (
          ''
        )}
        <input type="hidden" name="confirmed" value="yes" />
        <div class="actions">
          <button type="submit" class={pending.action === 'add' ? 'primary' : 'danger'} safe>{pending.action === 'add' ? c.confirmAddButton : c.confirmRemoveButton}</button>
          <a href={`/admin/calendar?year=${year}`} safe>{c.cancel}</a>
        </div>
      </form>
    </AdminLayout>
  );
}

/** A year the calendar keeps (as GET /admin/calendar/:year reads it); any other names no page: 404, never another year. */
function yearOf(raw: unknown): number {
  const parsed = calendarYearParams.safeParse({ year: raw });
  if (!parsed.success) throw notFound('calendar year');
  return parsed.data.year;
}

async function show(req: Request, res: Response, year: number, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const view = await readCalendarYear(adminOf(p), year);
  await render(res, <CalendarPage p={p} year={view} attempt={attempt} done={doneOf(req.query, p.t.admin.calendar.done)} />, status);
}

const asBody = (y: Year) => y.days.map((d) => ({ date: d.date, kind: d.kind, name: d.name }));

export function adminCalendar(router: Router) {
  router.get('/admin/calendar', async (req, res) => {
    const p = pageOf(res);
    // without one, the year it is now in Beijing, by the programme's clock
    const year = yearOf(typeof req.query.year === 'string' ? req.query.year : shanghaiDate(p.app.clock.now()).slice(0, 4));
    await show(req, res, year, null);
  });

  /**
   * Replaces the year with `body`; the new day's problems (days.<i>.date, …) go beside its fields.
   * With `confirm`, a change not yet confirmed is checked and counted, and the confirmation asked.
   */
  async function replace(req: Request, res: Response, year: number, body: unknown, newIndex: number | null, done: string, confirm?: Omit<Pending, 'published' | 'moves'>) {
    const p = pageOf(res);
    const ctx = adminOf(p);
    const values = { date: field(req, 'date'), kind: field(req, 'kind'), name: field(req, 'name') };
    const onFields = (errors: FieldError[]) => atFields(errors, (path) => (newIndex !== null && path.startsWith(`days.${newIndex}.`) ? path.slice(`days.${newIndex}.`.length) : path));
    const parsed = calendarYearBody.safeParse(body, { reportInput: true });
    if (!parsed.success) return show(req, res, year, { values, errors: onFields(zodErrors(parsed.error, '')) }, 400);
    try {
      if (confirm && field(req, 'confirmed') !== 'yes') {
        const impact = await previewCalendarDay(ctx, year, parsed.data, confirm.day.date);
        return await render(res, <ConfirmPage p={p} year={year} pending={{ ...confirm, ...impact }} />);
      }
      await replaceCalendarYear(ctx, year, parsed.data);
    } catch (err) {
      return show(req, res, year, { values, errors: onFields(problemsOf(err)) }, statusOfProblem(err));
    }
    res.redirect(303, `/admin/calendar?year=${year}&done=${done}`);
  }

  router.post('/admin/calendar/:year/add', requireCsrf(), async (req, res) => {
    const year = yearOf(req.params.year);
    const current = await readCalendarYear(adminOf(pageOf(res)), year);
    const days = asBody(current);
    const name = field(req, 'name').trim();
    const added = { date: field(req, 'date'), kind: field(req, 'kind'), name: name === '' ? null : name };
    const kind = added.kind === 'workday' ? 'workday' : 'holiday';
    await replace(req, res, year, { published: current.published, days: [...days, added] }, days.length, 'added', { action: 'add', day: { ...added, kind } });
  });

  router.post('/admin/calendar/:year/remove', requireCsrf(), async (req, res) => {
    const year = yearOf(req.params.year);
    const current = await readCalendarYear(adminOf(pageOf(res)), year);
    const gone = field(req, 'date');
    const day = current.days.find((d) => d.date === gone);
    // a day the year does not list: nothing to remove, nothing to ask
    if (!day) return show(req, res, year, { values: { date: '', kind: '', name: '' }, errors: [{ path: 'date', code: 'calendar.not_listed', message: `${gone} is not listed in ${year}`, messageZh: `${year} 年没有列出 ${gone}` }] }, 422);
    const body: CalendarYearBody = { published: current.published, days: asBody(current).filter((d) => d.date !== gone) };
    await replace(req, res, year, body, null, 'removed', { action: 'remove', day: { date: day.date, kind: day.kind, name: day.name } });
  });

  router.post('/admin/calendar/:year/published', requireCsrf(), async (req, res) => {
    const year = yearOf(req.params.year);
    const current = await readCalendarYear(adminOf(pageOf(res)), year);
    await replace(req, res, year, { published: field(req, 'published') === 'true', days: asBody(current) }, null, 'published');
  });
}
