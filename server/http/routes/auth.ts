import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { hashToken, login, logout } from '../../auth/sessions';
import { changeOwnPassword } from '../../auth/own-password';
import { requestPasswordReset, resetPassword } from '../../auth/password-reset';
import { passwordChangeSchema, passwordResetConfirmSchema, passwordResetRequestSchema, passwordResetSentSchema } from '../../auth/password-schema';
import { mount, reply } from '../route';
import { throttle } from '../throttle';
import { SESSION_COOKIE, setSessionCookie, tokenOf } from '../session';
import { loginBodySchema } from '../../auth/login-schema';

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    enterpriseId: z.uuid().optional(),
    city: z.string().optional(),
    insurerId: z.uuid().optional(),
  })
  .meta({ id: 'Me' });

const me = (u: { id: string; email: string; name: string; roles: readonly string[]; enterpriseId: string | null; city: string | null; insurerId: string | null }) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: [...u.roles],
  ...(u.enterpriseId ? { enterpriseId: u.enterpriseId } : {}),
  ...(u.city ? { city: u.city } : {}),
  ...(u.insurerId ? { insurerId: u.insurerId } : {}),
});

export function authRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Sign in with email and password',
    tags: ['auth'],
    auth: 'public',
    body: loginBodySchema,
    before: [throttle(app, 'login', app.env.LOGINS_PER_MINUTE, 60)],
    ok: { status: 200, description: 'a session token, also set as an httpOnly cookie', schema: z.object({ token: z.string(), user: userSchema }) },
    errors: [401, 429],
    handler: async ({ body, req, res }) => {
      const session = await login(app, body.email, body.password, req.ip ?? null);
      setSessionCookie(app, res, session);
      return { token: session.token, user: me(session.user) };
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: 'Revoke the current session',
    tags: ['auth'],
    auth: 'user',
    ok: { status: 204, description: 'signed out' },
    handler: async ({ req, res }) => {
      const token = tokenOf(req);
      if (token) await logout(app, token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply({ status: 204 });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The signed-in user, with roles and jurisdiction',
    tags: ['auth'],
    auth: 'user',
    ok: { status: 200, description: 'the user', schema: userSchema },
    handler: async ({ ctx }) => me(ctx.user),
  });
  mount(router, app, {
    method: 'post',
    path: '/me/password',
    operationId: 'changeOwnPassword',
    summary: 'Change your own password',
    description: [
      'The current password is checked as a sign-in is and counts toward the same failure limits (429 once they are spent).',
      'The new one meets the password policy and differs from the current one (422 names each problem by field).',
      "Afterwards every other session of the account ends, this one stays, and the account's email address is told.",
    ].join(' '),
    tags: ['auth'],
    auth: 'user',
    body: passwordChangeSchema,
    ok: { status: 204, description: 'changed' },
    errors: [422, 429],
    handler: async ({ ctx, body, req }) => {
      const token = tokenOf(req);
      await changeOwnPassword(ctx, body, { tokenHash: token ? hashToken(token) : null, ip: req.ip ?? null });
      return reply({ status: 204 });
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/auth/password-reset',
    operationId: 'requestPasswordReset',
    summary: 'Ask for a link to set a new password, for a forgotten one',
    description: [
      'Answers 202 alike whether or not the address has an account: an active account with a password is emailed a single-use link',
      '(valid one hour) whose token `POST /auth/password-reset/confirm` takes; an unknown, deactivated or not yet activated account is sent nothing.',
      'Limited per client address (429); past five requests an hour for one email address the answer is the same and nothing more is sent.',
    ].join(' '),
    tags: ['auth'],
    auth: 'public',
    body: passwordResetRequestSchema,
    before: [throttle(app, 'password-reset', app.env.REGISTRATIONS_PER_HOUR, 3600)],
    ok: { status: 202, description: 'accepted; a link was sent if the address has an account', schema: passwordResetSentSchema },
    errors: [429],
    handler: async ({ body }) => reply({ status: 202, body: await requestPasswordReset(app, body.email) }),
  });
  mount(router, app, {
    method: 'post',
    path: '/auth/password-reset/confirm',
    operationId: 'resetPassword',
    summary: 'Set a new password with the token of an emailed reset link; ends every session of the account',
    description: '404 for a token never sent; 410 for a link already used, replaced, expired or of a deactivated account; 422 for a password the policy refuses (the link stays usable).',
    tags: ['auth'],
    auth: 'public',
    body: passwordResetConfirmSchema,
    ok: { status: 204, description: 'the password is set; sign in with it' },
    errors: [404, 410, 422],
    handler: async ({ body, req }) => {
      await resetPassword(app, body.token, body.password, String(req.id), req.ip ?? null);
      return reply({ status: 204 });
    },
  });
}
