import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { parseCookie } from 'cookie';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { sessionCookieOf } from '../http/session';

// Synchronizer tokens (OWASP): every form carries a token derived from the secret the browser
// holds in an httpOnly cookie — the session token once signed in, a random pre-session value
// before (so the sign-in form itself cannot be forged). A page on another site can neither read
// the cookie nor the page, so it cannot know the token. The derivation is one-way: a token seen
// in a page does not give the session away.
export const PRE_SESSION_COOKIE = 'fb_csrf';
export const CSRF_FIELD = '_csrf';

const derive = (secret: string) => createHash('sha256').update(`firstbatch-csrf\0${secret}`).digest('base64url');

function preSessionOf(req: Request): string | null {
  const header = req.headers.cookie;
  const value = header ? parseCookie(header)[PRE_SESSION_COOKIE] : undefined;
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** The token for this request's forms; a browser without any secret yet is given a pre-session one. */
export function csrfTokenFor(app: AppContext, req: Request, res: Response): string {
  const secret = sessionCookieOf(req) ?? preSessionOf(req);
  if (secret) return derive(secret);
  const fresh = randomBytes(32).toString('base64url');
  res.cookie(PRE_SESSION_COOKIE, fresh, { httpOnly: true, sameSite: 'lax', secure: app.env.NODE_ENV === 'production', path: '/' });
  return derive(fresh);
}

/**
 * A key that ties a value to this browser's secret (its session, or its pre-session cookie): a link
 * carrying it works in the browser it was made for, and nowhere else — an objector's receipt, say,
 * whose id others may read in a case's history. '' when the browser holds no secret.
 */
export function browserKey(req: Request, purpose: string, value: string): string {
  const secret = sessionCookieOf(req) ?? preSessionOf(req);
  return secret ? createHash('sha256').update(`firstbatch-${purpose}\0${secret}\0${value}`).digest('base64url') : '';
}

/** Whether `key` is this browser's key for the value (browserKey). */
export function isBrowserKey(req: Request, purpose: string, value: string, key: unknown): boolean {
  const want = browserKey(req, purpose, value);
  if (want === '' || typeof key !== 'string') return false;
  const a = Buffer.from(want);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function csrfRefused(): AppError {
  const message = 'the form has expired or did not come from this site';
  return new AppError('forbidden', message, [{ path: CSRF_FIELD, code: 'csrf', message, messageZh: '表单已失效或来源不明' }], { csrf: true });
}

/** Refuses (403) a form whose token is missing or not the one of this browser's secret. */
export function requireCsrf(): RequestHandler {
  return (req, _res, next) => {
    const secret = sessionCookieOf(req) ?? preSessionOf(req);
    const sent: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!secret || typeof sent !== 'string') throw csrfRefused();
    const want = Buffer.from(derive(secret));
    const got = Buffer.from(sent);
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw csrfRefused();
    next();
  };
}
