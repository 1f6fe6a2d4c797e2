import type { NextFunction, Request, Response, Router } from 'express';
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

  /** A refused sign-in shown on the sign-in page, the email kept, rather than on an error page. */
  const refusedSignIn = async (req: Request, res: Response, errors: FieldError[], status: number) => {
    await render(res, <LoginPage p={pageOf(res)} next={localPath(field(req, 'next'))} email={field(req, 'email')} errors={errors} />, status);
  };
  /** A spent sign-in budget: 429 with its Retry-After, and words saying how long to wait. */
  const paused = async (req: Request, res: Response, err: AppError, words: (seconds: number) => string) => {
    const seconds = typeof err.extra.retryAfterSeconds === 'number' ? err.extra.retryAfterSeconds : 60;
    res.setHeader('Retry-After', String(seconds));
    await refusedSignIn(req, res, [{ path: 'form', message: words(seconds) }], 429);
  };
  const tooMany = (err: unknown): err is AppError => err instanceof AppError && err.kind === 'too_many_requests';

  // the same sign-in as POST /api/v1/auth/login: one schema, one throttle budget, one service
  router.post(
    '/login',
    requireCsrf(),
    throttle(app, 'login', app.env.LOGINS_PER_MINUTE, 60),
    async (req: Request, res: Response) => {
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
        // too many wrong passwords for this account (server/auth/login-limits.ts): paused for minutes
        if (tooMany(err)) return paused(req, res, err, (s) => p.t.login.paused(Math.ceil(s / 60)));
        if (!(err instanceof AppError) || err.kind !== 'unauthenticated') throw err;
        await refusedSignIn(req, res, [{ path: 'form', message: p.t.login.wrong }], 401);
      }
    },
    // the address's budget of sign-ins a minute, spent before the handler: said on the form too
    async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!tooMany(err)) return next(err);
      await paused(req, res, err, (s) => pageOf(res).t.login.tooFast(s));
    },
  );

  router.post('/logout', requireCsrf(), async (req, res) => {
    const token = sessionCookieOf(req);
    if (token) await logout(app, token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });
}
