import type { Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { login, logout } from '../auth/sessions';
import { loginBodySchema } from '../auth/login-schema';
import { zodErrors } from '../http/problem';
import { SESSION_COOKIE, sessionCookieOf, setSessionCookie } from '../http/session';
import { throttle } from '../http/throttle';
import { Layout } from './layout';
import { CsrfField, Field, FormProblems } from './components/form';
import { field, localPath, pageOf, render, type PageCtx } from './page';
import { requireCsrf } from './csrf';

function LoginPage({ p, next, email, errors }: { p: PageCtx; next: string; email: string; errors: readonly FieldError[] }) {
  return (
    <Layout p={p} title={p.t.login.title}>
      <p safe>{p.t.login.intro}</p>
      <form method="post" action="/login" class="narrow" novalidate>
        <CsrfField p={p} />
        <input type="hidden" name="next" value={next} />
        <FormProblems p={p} errors={errors} fields={['email', 'password']} />
        <Field p={p} name="email" type="email" label={p.t.login.email} value={email} errors={errors} autocomplete="username" required />
        <Field p={p} name="password" type="password" label={p.t.login.password} errors={errors} autocomplete="current-password" required />
        <button type="submit" class="primary" safe>
          {p.t.login.submit}
        </button>
      </form>
      <p>
        <a href="/password/forgot" safe>{p.t.forgot.link}</a>
      </p>
      <p>
        <span safe>{p.t.register.noAccount}</span> <a href="/register" safe>{p.t.register.registerLink}</a>
      </p>
    </Layout>
  );
}

export function loginPages(router: Router, app: AppContext) {
  router.get('/login', async (req, res) => {
    const p = pageOf(res);
    if (p.user) return res.redirect(303, '/');
    const next = localPath(typeof req.query.next === 'string' ? req.query.next : '/');
    await render(res, <LoginPage p={p} next={next} email="" errors={[]} />);
  });

  // the same sign-in as POST /api/v1/auth/login: one schema, one throttle budget, one service
  router.post('/login', requireCsrf(), throttle(app, 'login', app.env.LOGINS_PER_MINUTE, 60), async (req, res) => {
    const p = pageOf(res);
    const next = localPath(field(req, 'next'));
    const email = field(req, 'email');
    const parsed = loginBodySchema.safeParse({ email, password: field(req, 'password') }, { reportInput: true });
    if (!parsed.success) return render(res, <LoginPage p={p} next={next} email={email} errors={zodErrors(parsed.error, '')} />, 400);
    try {
      const session = await login(app, parsed.data.email, parsed.data.password, req.ip ?? null);
      setSessionCookie(app, res, session);
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'unauthenticated') throw err;
      const wrong = [{ path: 'form', message: p.t.login.wrong }];
      await render(res, <LoginPage p={p} next={next} email={email} errors={wrong} />, 401);
    }
  });

  router.post('/logout', requireCsrf(), async (req, res) => {
    const token = sessionCookieOf(req);
    if (token) await logout(app, token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });
}
