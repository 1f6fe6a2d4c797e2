import type { Request, Response, Router } from 'express';
import type { FieldError } from '../../errors';
import { clockMoveSchema, moveClock, readClock } from '../../admin/clock';
import { zodErrors } from '../../http/problem';
import { CsrfField, Field, FormProblems } from '../components/form';
import { requireCsrf } from '../csrf';
import { instant } from '../format';
import { field, pageOf, render, type PageCtx } from '../page';
import { AdminLayout, adminOf, atFields, doneOf, problemsOf, statusOfProblem } from './common';

// The shared test clock (GET/POST /admin/clock's service): the service answers 404 in production,
// where the clock is the system's, and this page with it.

interface Attempt {
  form: 'advance' | 'set';
  values: Record<string, string>;
  errors: FieldError[];
}

function ClockPage({ p, now, offsetMs, attempt, done }: { p: PageCtx; now: string; offsetMs: number; attempt: Attempt | null; done?: string | undefined }) {
  const c = p.t.admin.clock;
  const adv = attempt?.form === 'advance' ? attempt.errors : [];
  const set = attempt?.form === 'set' ? attempt.errors : [];
  return (
    <AdminLayout p={p} title={c.title} done={done}>
      <p safe>{c.intro}</p>
      <dl class="summary">
        <dt safe>{c.now}</dt>
        <dd id="clock-now" safe>{instant(now, p.locale)}</dd>
        <dt safe>{c.offset}</dt>
        <dd safe>{c.ahead((offsetMs / 86_400_000).toFixed(1))}</dd>
      </dl>
      <form method="post" action="/admin/clock/advance" class="decision" aria-labelledby="clock-advance" novalidate>
        <h2 id="clock-advance" safe>{c.advance}</h2>
        <CsrfField p={p} />
        <FormProblems p={p} errors={adv} fields={['days']} />
        <Field p={p} idPrefix="a" name="days" type="number" label={c.days} hint={c.daysHint} errors={adv} value={attempt?.form === 'advance' ? (attempt.values.days ?? '') : ''} required />
        <button type="submit" class="primary" safe>{c.advanceSubmit}</button>
      </form>
      <form method="post" action="/admin/clock/set" class="decision" aria-labelledby="clock-set" novalidate>
        <h2 id="clock-set" safe>{c.set}</h2>
        <CsrfField p={p} />
        <FormProblems p={p} errors={set} fields={['at']} />
        <Field p={p} idPrefix="s" name="at" type="datetime-local" label={c.setField} errors={set} value={attempt?.form === 'set' ? (attempt.values.at ?? '') : ''} required />
        <button type="submit" class="primary" safe>{c.setSubmit}</button>
      </form>
    </AdminLayout>
  );
}

async function show(req: Request, res: Response, attempt: Attempt | null, status = 200) {
  const p = pageOf(res);
  const clock = await readClock(adminOf(p));
  await render(res, <ClockPage p={p} now={clock.now} offsetMs={clock.offsetMs} attempt={attempt} done={doneOf(req.query, p.t.admin.clock.done)} />, status);
}

/** A datetime-local value (Beijing time, as the pages speak it) as an instant with its offset. */
export const beijing = (local: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(local) ? `${local}+08:00` : local);

export function adminClock(router: Router) {
  router.get('/admin/clock', (req, res) => show(req, res, null));

  const move = (form: Attempt['form'], bodyOf: (req: Request) => unknown, fieldOf: string) =>
    async (req: Request, res: Response) => {
      const ctx = adminOf(pageOf(res));
      const values = { [fieldOf]: field(req, fieldOf) };
      const onField = (errors: FieldError[]) => atFields(errors, (path) => (path === form ? fieldOf : path));
      // the branch of the union this form fills, so a refusal names its field
      const parsed = clockMoveSchema.options[form === 'advance' ? 0 : 1].safeParse(bodyOf(req), { reportInput: true });
      if (!parsed.success) return show(req, res, { form, values, errors: onField(zodErrors(parsed.error, '')) }, 400);
      try {
        await moveClock(ctx, parsed.data);
      } catch (err) {
        return show(req, res, { form, values, errors: onField(problemsOf(err)) }, statusOfProblem(err));
      }
      res.redirect(303, '/admin/clock?done=moved');
    };

  // whole days, as ISO 8601 says them; anything else reaches the service as typed and is refused there
  router.post('/admin/clock/advance', requireCsrf(), move('advance', (req) => ({ advance: /^\d+$/.test(field(req, 'days').trim()) ? `P${field(req, 'days').trim()}D` : field(req, 'days') }), 'days'));
  router.post('/admin/clock/set', requireCsrf(), move('set', (req) => ({ set: beijing(field(req, 'at').trim()) }), 'at'));
}
