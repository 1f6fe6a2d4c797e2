import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { login, logout } from '../../auth/sessions';
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
}
