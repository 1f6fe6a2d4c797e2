import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { authenticate } from '../auth/sessions';

export const SESSION_COOKIE = 'fb_session';

export function tokenOf(req: Parameters<RequestHandler>[0]): string | null {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return cookie ?? null;
}

/** Attaches the signed-in user when a valid token came; routes decide whether one is required. */
export function sessionMiddleware(app: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenOf(req);
    if (token) req.user = (await authenticate(app, token)) ?? undefined;
    next();
  };
}
