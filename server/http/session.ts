import type { Request, RequestHandler, Response } from 'express';
import { parseCookie } from 'cookie';
import type { AppContext } from '../context';
import { authenticate } from '../auth/sessions';

export const SESSION_COOKIE = 'fb_session';

/**
 * The session cookie exactly as sent. The cookie header is parsed here rather than by a cookie
 * middleware: cookie-parser turns a value starting with `j:` into a JSON object, so a client could
 * hand the session lookup an object or a number instead of a token.
 */
export function sessionCookieOf(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  return parseCookie(header)[SESSION_COOKIE] || null;
}

// Auth schemes are case-insensitive (RFC 9110 §11.1): `bearer x` is the same credential as `Bearer x`.
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/** The token of an `Authorization: Bearer …` header, or null when the request has none. */
export function bearerOf(req: Request): string | null {
  return BEARER.exec(req.get('authorization') ?? '')?.[1] ?? null;
}

export function tokenOf(req: Request): string | null {
  return bearerOf(req) ?? sessionCookieOf(req);
}

// answers that may hold one person's data: a shared cache must not keep them, nor a browser's disk
const PERSONAL_PATHS = ['/api/v1/auth/', '/api/v1/enterprises/register'];

/** `Cache-Control: no-store` on every answer to a request with credentials, valid or not, and on sign-in. */
export function noStoreForCredentials(): RequestHandler {
  return (req, res, next) => {
    if (req.headers.authorization !== undefined || sessionCookieOf(req) || PERSONAL_PATHS.some((p) => req.path.startsWith(p))) {
      res.setHeader('Cache-Control', 'no-store');
    }
    next();
  };
}

/** Attaches the signed-in user when a valid token came; routes decide whether one is required. */
export function sessionMiddleware(app: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenOf(req);
    if (token) req.user = (await authenticate(app, token)) ?? undefined;
    next();
  };
}

/** The session as an httpOnly SameSite cookie, for the API's sign-in and the sign-in page alike. */
export function setSessionCookie(app: AppContext, res: Response, session: { token: string; expiresAt: Date }): void {
  res.cookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: app.env.NODE_ENV === 'production',
    expires: session.expiresAt,
    path: '/',
  });
}
