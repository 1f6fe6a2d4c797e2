import type { Request, Response, Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { registerEnterprise, registrationProblemsBeside } from '../enterprises/register';
import { confirmRegistration } from '../enterprises/confirm';
import { registerSchema, registrationConfirmationSchema } from '../enterprises/schema';
import { MIN_PASSWORD_LENGTH, passwordProblems } from '../enterprises/password-policy';
import { cities } from '../domain/cities';
import { zodErrors } from '../http/problem';
import { throttle } from '../http/throttle';
import { Layout } from './layout';
import { CsrfField, errorsAt, Field, FormProblems } from './components/form';
import { field, pageOf, problemText, render, type PageCtx } from './page';
import { requireCsrf } from './csrf';
import { confirmationProblems } from './password-confirm';

// A firm registers itself (SPEC §2, §7) through the same schema, throttle budget and service as
// POST /api/v1/enterprises/register; the emailed link (/register/confirm?token=…, see
// server/enterprises/register.ts) opens a page whose button confirms through the same service as
// POST /api/v1/enterprises/register/confirm. The link is confirmed by a button, not by opening it,
// so that a mail filter that fetches links cannot use up the single-use token.

const FIRM_FIELDS = ['name', 'uscc', 'city', 'address', 'contactName', 'contactPhone', 'contactEmail', 'bankName', 'bankAccount'] as const;
const USER_FIELDS = ['name', 'email', 'password'] as const;
const FIELDS = [...FIRM_FIELDS.map((f) => `enterprise.${f}`), 'enterprise.affiliations', ...USER_FIELDS.map((f) => `user.${f}`), 'user.passwordConfirm'];

type Values = Record<string, string>;

/** The form as the API's body: optional bank fields left out when empty, affiliations one a line. */
function bodyOf(v: Values) {
  const opt = (s: string | undefined) => (s && s.trim() !== '' ? s : undefined);
  return {
    enterprise: {
      name: v['enterprise.name'] ?? '',
      uscc: v['enterprise.uscc'] ?? '',
      city: v['enterprise.city'] ?? '',
      address: v['enterprise.address'] ?? '',
      contactName: v['enterprise.contactName'] ?? '',
      contactPhone: v['enterprise.contactPhone'] ?? '',
      contactEmail: v['enterprise.contactEmail'] ?? '',
      bankName: opt(v['enterprise.bankName']),
      bankAccount: opt(v['enterprise.bankAccount']),
      affiliations: (v['enterprise.affiliations'] ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
    },
    user: { name: v['user.name'] ?? '', email: v['user.email'] ?? '', password: v['user.password'] ?? '' },
  };
}

/** A problem of one affiliation (`enterprise.affiliations.2`) belongs to the affiliations field. */
const toFields = (errors: readonly FieldError[]): FieldError[] => errors.map((e) => (e.path.startsWith('enterprise.affiliations.') ? { ...e, path: 'enterprise.affiliations' } : e));

function CitySelect({ p, value, errors }: { p: PageCtx; value: string; errors: readonly FieldError[] }) {
  const r = p.t.register;
  const mine = errorsAt(errors, 'enterprise.city');
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for="f-enterprise-city" safe>{r.city}</label>
      {mine.length ? (
        <p class="error" id="f-enterprise-city-error">
          {mine.map((e) => (
            <span safe>{problemText(e, p.locale)}</span>
          ))}
        </p>
      ) : (
        ''
      )}
      <select id="f-enterprise-city" name="enterprise.city" required aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? 'f-enterprise-city-error' : undefined}>
        <option value="" safe>{r.chooseCity}</option>
        {cities.map((c) => (
          <option value={c.code} selected={c.code === value}>{p.locale === 'zh' ? c.name : c.nameEn}</option>
        ))}
      </select>
    </div>
  );
}

function RegisterPage({ p, values, errors }: { p: PageCtx; values: Values; errors: readonly FieldError[] }) {
  const r = p.t.register;
  const f = (name: string, label: string, more: { type?: string; autocomplete?: string; required?: boolean; hint?: string; multiline?: boolean } = {}) => (
    <Field p={p} name={name} label={label} errors={errors} value={name.startsWith('user.password') ? '' : (values[name] ?? '')} {...more} />
  );
  return (
    <Layout p={p} title={r.title}>
      <p safe>{r.intro}</p>
      <form method="post" action="/register" class="wide" novalidate>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={FIELDS} />
        <fieldset>
          <legend safe>{r.firmPart}</legend>
          {f('enterprise.name', r.name, { autocomplete: 'organization', required: true })}
          {f('enterprise.uscc', r.uscc, { required: true, hint: r.usccHint })}
          <CitySelect p={p} value={values['enterprise.city'] ?? ''} errors={errors} />
          {f('enterprise.address', r.address, { autocomplete: 'street-address', required: true })}
          {f('enterprise.contactName', r.contactName, { required: true })}
          {f('enterprise.contactPhone', r.contactPhone, { type: 'tel', autocomplete: 'tel', required: true })}
          {f('enterprise.contactEmail', r.contactEmail, { type: 'email', required: true })}
          {f('enterprise.bankName', r.bankName)}
          {f('enterprise.bankAccount', r.bankAccount)}
          {f('enterprise.affiliations', r.affiliations, { multiline: true, hint: r.affiliationsHint })}
        </fieldset>
        <fieldset>
          <legend safe>{r.userPart}</legend>
          {f('user.name', r.userName, { autocomplete: 'name', required: true })}
          {f('user.email', r.email, { type: 'email', autocomplete: 'username', required: true })}
          {f('user.password', r.password, { type: 'password', autocomplete: 'new-password', required: true, hint: r.passwordHint(MIN_PASSWORD_LENGTH) })}
          {f('user.passwordConfirm', r.passwordConfirm, { type: 'password', autocomplete: 'new-password', required: true })}
        </fieldset>
        <button type="submit" class="primary" safe>{r.submit}</button>
      </form>
      <p>
        <span safe>{r.haveAccount}</span> <a href="/login" safe>{r.signIn}</a>
      </p>
    </Layout>
  );
}

function Notice({ p, title, text, links }: { p: PageCtx; title: string; text: string; links: { href: string; label: string }[] }) {
  return (
    <Layout p={p} title={title}>
      <p role="status" class="lead" safe>{text}</p>
      {links.map((l) => (
        <p>
          <a href={l.href} safe>{l.label}</a>
        </p>
      ))}
    </Layout>
  );
}

function ConfirmPage({ p, token }: { p: PageCtx; token: string }) {
  const r = p.t.register;
  return (
    <Layout p={p} title={r.confirmTitle}>
      <p safe>{r.confirmIntro}</p>
      <form method="post" action="/register/confirm" class="narrow">
        <CsrfField p={p} />
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="primary" safe>{r.confirmSubmit}</button>
      </form>
    </Layout>
  );
}

const valuesOf = (req: Request): Values => Object.fromEntries(FIELDS.map((name) => [name, field(req, name)]));

const deadLink = (res: Response) => {
  const p = pageOf(res);
  return render(res, <Notice p={p} title={p.t.register.confirmTitle} text={p.t.register.deadLink} links={[{ href: '/register', label: p.t.register.again }]} />, 404);
};

export function registerPages(router: Router, app: AppContext) {
  router.get('/register', async (_req, res) => {
    const p = pageOf(res);
    if (p.user) return res.redirect(303, '/');
    await render(res, <RegisterPage p={p} values={{}} errors={[]} />);
  });

  // one throttle budget with the API's registration: scrypt is as dear here as there
  router.post('/register', requireCsrf(), throttle(app, 'register', app.env.REGISTRATIONS_PER_HOUR, 3600), async (req, res) => {
    const p = pageOf(res);
    const values = valuesOf(req);
    const parsed = registerSchema.safeParse(bodyOf(values), { reportInput: true });
    // two passwords that differ save nothing, and are said beside the confirmation with the form's other problems
    const mismatch = confirmationProblems('user.passwordConfirm', values['user.password'] ?? '', values['user.passwordConfirm'] ?? '');
    if (!parsed.success) {
      // the rules that can judge the fields that did parse (USCC check character, password policy) speak at the same time
      const named = zodErrors(parsed.error, '');
      return render(res, <RegisterPage p={p} values={values} errors={[...toFields([...named, ...registrationProblemsBeside(bodyOf(values), named)]), ...mismatch]} />, 400);
    }
    if (mismatch.length) {
      const { user } = parsed.data;
      return render(res, <RegisterPage p={p} values={values} errors={[...passwordProblems('user.password', user.password, user.email), ...mismatch]} />, 400);
    }
    try {
      await registerEnterprise(app, parsed.data);
    } catch (err) {
      if (!(err instanceof AppError) || (err.kind !== 'unprocessable' && err.kind !== 'conflict')) throw err;
      return render(res, <RegisterPage p={p} values={values} errors={toFields(err.errors)} />, err.kind === 'conflict' ? 409 : 422);
    }
    res.redirect(303, '/register/sent');
  });

  router.get('/register/sent', async (_req, res) => {
    const p = pageOf(res);
    await render(res, <Notice p={p} title={p.t.register.sentTitle} text={p.t.register.sent} links={[{ href: '/login', label: p.t.register.signIn }]} />);
  });

  router.get('/register/confirm', async (req, res) => {
    const p = pageOf(res);
    const parsed = registrationConfirmationSchema.safeParse({ token: req.query.token });
    if (!parsed.success) return deadLink(res);
    await render(res, <ConfirmPage p={p} token={parsed.data.token} />);
  });

  router.post('/register/confirm', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const parsed = registrationConfirmationSchema.safeParse({ token: field(req, 'token') });
    if (!parsed.success) return deadLink(res);
    try {
      await confirmRegistration(app, parsed.data.token);
    } catch (err) {
      if (err instanceof AppError && err.kind === 'not_found') return deadLink(res);
      if (!(err instanceof AppError) || err.kind !== 'conflict') throw err;
      const text = `${p.t.register.taken}${err.errors.map((e) => problemText(e, p.locale)).join('；')}`;
      return render(res, <Notice p={p} title={p.t.register.confirmTitle} text={text} links={[{ href: '/login', label: p.t.register.signIn }]} />, 409);
    }
    res.redirect(303, '/register/confirmed');
  });

  router.get('/register/confirmed', async (_req, res) => {
    const p = pageOf(res);
    await render(res, <Notice p={p} title={p.t.register.confirmedTitle} text={p.t.register.confirmed} links={[{ href: '/login', label: p.t.register.signIn }]} />);
  });
}
