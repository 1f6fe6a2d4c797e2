import type { Response, Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { changeOwnPassword } from '../auth/own-password';
import { requestPasswordReset, resetFor, resetPassword } from '../auth/password-reset';
import { passwordChangeSchema, passwordResetConfirmSchema, passwordResetRequestSchema } from '../auth/password-schema';
import { hashToken } from '../auth/sessions';
import { sessionCookieOf } from '../http/session';
import { throttle } from '../http/throttle';
import { zodErrors } from '../http/problem';
import { MIN_PASSWORD_LENGTH, passwordProblems } from '../enterprises/password-policy';
import { Layout } from './layout';
import { CsrfField, Field, FormProblems } from './components/form';
import { field, pageOf, render, serviceOf, type PageCtx } from './page';
import { requireCsrf } from './csrf';
import { confirmationProblems } from './password-confirm';

// A person's own password (SPEC §7): changing it while signed in (/account/password), and a
// forgotten one reset from an emailed link (/password/forgot → /password/reset?token=…), through
// the same services as POST /api/v1/me/password and /api/v1/auth/password-reset(/confirm).

function ChangePage({ p, errors, done = false }: { p: PageCtx; errors: readonly FieldError[]; done?: boolean }) {
  const a = p.t.account;
  return (
    <Layout p={p} title={a.title}>
      {done ? <p role="status" class="done" safe>{a.done}</p> : ''}
      <p safe>{a.intro}</p>
      <form method="post" action="/account/password" class="narrow" novalidate>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={['currentPassword', 'newPassword', 'newPasswordConfirm']} />
        <Field p={p} name="currentPassword" type="password" label={a.current} errors={errors} autocomplete="current-password" required />
        <Field p={p} name="newPassword" type="password" label={a.next} errors={errors} autocomplete="new-password" hint={a.nextHint(MIN_PASSWORD_LENGTH)} required />
        <Field p={p} name="newPasswordConfirm" type="password" label={a.confirm} errors={errors} autocomplete="new-password" required />
        <button type="submit" class="primary" safe>{a.submit}</button>
      </form>
      <p>
        <a href="/password/forgot" safe>{a.forgot}</a>
      </p>
    </Layout>
  );
}

function ForgotPage({ p, email, errors }: { p: PageCtx; email: string; errors: readonly FieldError[] }) {
  const f = p.t.forgot;
  return (
    <Layout p={p} title={f.title}>
      <p safe>{f.intro}</p>
      <form method="post" action="/password/forgot" class="narrow" novalidate>
        <CsrfField p={p} />
        <FormProblems p={p} errors={errors} fields={['email']} />
        <Field p={p} name="email" type="email" label={f.email} value={email} errors={errors} autocomplete="username" required />
        <button type="submit" class="primary" safe>{f.submit}</button>
      </form>
    </Layout>
  );
}

function ResetPage({ p, token, who, errors }: { p: PageCtx; token: string; who: { name: string; email: string }; errors: readonly FieldError[] }) {
  const f = p.t.forgot;
  return (
    <Layout p={p} title={f.resetTitle}>
      <p safe>{f.resetIntro(who.name, who.email)}</p>
      <form method="post" action="/password/reset" class="narrow" novalidate>
        <CsrfField p={p} />
        <input type="hidden" name="token" value={token} />
        <FormProblems p={p} errors={errors} fields={['password', 'passwordConfirm']} />
        <Field p={p} name="password" type="password" label={f.password} errors={errors} autocomplete="new-password" hint={p.t.account.nextHint(MIN_PASSWORD_LENGTH)} required />
        <Field p={p} name="passwordConfirm" type="password" label={f.passwordConfirm} errors={errors} autocomplete="new-password" required />
        <button type="submit" class="primary" safe>{f.resetSubmit}</button>
      </form>
    </Layout>
  );
}

function Notice({ p, title, text, link }: { p: PageCtx; title: string; text: string; link: { href: string; label: string } }) {
  return (
    <Layout p={p} title={title}>
      <p role="status" class="lead" safe>{text}</p>
      <p>
        <a href={link.href} safe>{link.label}</a>
      </p>
    </Layout>
  );
}

/** A reset link that does not work (unknown 404, used or expired 410) is said so, with no form to fill. */
async function deadLink(res: Response, err: unknown): Promise<void> {
  if (!(err instanceof AppError) || (err.kind !== 'not_found' && err.kind !== 'gone')) throw err;
  const p = pageOf(res);
  const text = err.kind === 'gone' ? p.t.forgot.gone : p.t.forgot.unknown;
  await render(res, <Notice p={p} title={p.t.forgot.resetTitle} text={text} link={{ href: '/password/forgot', label: p.t.forgot.again }} />, err.kind === 'gone' ? 410 : 404);
}

const throttled = (err: unknown) => err instanceof AppError && err.kind === 'too_many_requests';

export function accountPages(router: Router, app: AppContext) {
  router.get('/account/password', async (_req, res) => {
    const p = pageOf(res);
    serviceOf(p);
    await render(res, <ChangePage p={p} errors={[]} done={_req.query.done === '1'} />);
  });

  router.post('/account/password', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const parsed = passwordChangeSchema.safeParse({ currentPassword: field(req, 'currentPassword'), newPassword: field(req, 'newPassword') });
    if (!parsed.success) return render(res, <ChangePage p={p} errors={zodErrors(parsed.error, '')} />, 400);
    const { currentPassword, newPassword } = parsed.data;
    // two passwords that differ change nothing; nor is the current one checked (and counted) for them
    const mismatch = confirmationProblems('newPasswordConfirm', newPassword, field(req, 'newPasswordConfirm'));
    if (mismatch.length) return render(res, <ChangePage p={p} errors={[...passwordProblems('newPassword', newPassword, ctx.user.email), ...mismatch]} />, 400);
    const token = sessionCookieOf(req);
    try {
      await changeOwnPassword(ctx, { currentPassword, newPassword }, { tokenHash: token ? hashToken(token) : null, ip: req.ip ?? null });
    } catch (err) {
      if (throttled(err)) return render(res, <ChangePage p={p} errors={[{ path: 'form', message: p.t.account.throttled }]} />, 429);
      if (err instanceof AppError && err.kind === 'unavailable') return render(res, <ChangePage p={p} errors={[{ path: 'form', message: p.t.forgot.busy }]} />, 503);
      if (!(err instanceof AppError) || err.kind !== 'unprocessable') throw err;
      return render(res, <ChangePage p={p} errors={err.errors} />, 422);
    }
    res.redirect(303, '/account/password?done=1');
  });

  router.get('/password/forgot', async (_req, res) => {
    const p = pageOf(res);
    await render(res, <ForgotPage p={p} email="" errors={[]} />);
  });

  // one throttle budget with the API's request, per client; past the service's budget per address the
  // same page is shown and nothing more is sent
  router.post('/password/forgot', requireCsrf(), throttle(app, 'password-reset', app.env.REGISTRATIONS_PER_HOUR, 3600), async (req, res) => {
    const p = pageOf(res);
    const email = field(req, 'email').trim();
    const parsed = passwordResetRequestSchema.safeParse({ email }, { reportInput: true });
    if (!parsed.success) return render(res, <ForgotPage p={p} email={email} errors={zodErrors(parsed.error, '').map((e) => ({ ...e, messageZh: e.messageZh ?? '请填写有效的邮箱地址' }))} />, 400);
    await requestPasswordReset(app, parsed.data.email);
    res.redirect(303, '/password/forgot/sent');
  });

  router.get('/password/forgot/sent', async (_req, res) => {
    const p = pageOf(res);
    await render(res, <Notice p={p} title={p.t.forgot.sentTitle} text={p.t.forgot.sent} link={{ href: '/login', label: p.t.forgot.signIn }} />);
  });

  router.get('/password/reset', async (req, res) => {
    const p = pageOf(res);
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      if (token === '' || token.length > 200) throw new AppError('not_found', 'no reset token');
      await render(res, <ResetPage p={p} token={token} who={await resetFor(app, token)} errors={[]} />);
    } catch (err) {
      await deadLink(res, err);
    }
  });

  router.post('/password/reset', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const token = field(req, 'token');
    try {
      const parsed = passwordResetConfirmSchema.safeParse({ token, password: field(req, 'password') });
      if (token === '' || token.length > 200) throw new AppError('not_found', 'no reset token');
      const who = await resetFor(app, token);
      if (!parsed.success) return await render(res, <ResetPage p={p} token={token} who={who} errors={[{ path: 'password', message: 'too long', messageZh: '密码过长' }]} />, 400);
      const password = parsed.data.password;
      const mismatch = confirmationProblems('passwordConfirm', password, field(req, 'passwordConfirm'));
      if (mismatch.length) return await render(res, <ResetPage p={p} token={token} who={who} errors={[...passwordProblems('password', password, who.email), ...mismatch]} />, 400);
      try {
        await resetPassword(app, token, password, p.requestId, req.ip ?? null);
      } catch (err) {
        if (err instanceof AppError && (err.kind === 'unprocessable' || err.kind === 'unavailable')) {
          const errors = err.kind === 'unprocessable' ? err.errors : [{ path: 'form', message: p.t.forgot.busy }];
          return await render(res, <ResetPage p={p} token={token} who={who} errors={errors} />, err.kind === 'unprocessable' ? 422 : 503);
        }
        throw err;
      }
      await render(res, <Notice p={p} title={p.t.forgot.doneTitle} text={p.t.forgot.done} link={{ href: '/login', label: p.t.forgot.signIn }} />);
    } catch (err) {
      await deadLink(res, err);
    }
  });
}
