import type { RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context';
import { sendProblem } from './problem';
import { bearerOf } from './session';

/** Times every request under its route pattern (not its URL, which would explode the labels). */
export function httpMetrics(app: AppContext): RequestHandler {
  return (req, res, next) => {
    const end = app.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      end({ route: pattern ? `${req.baseUrl}${pattern}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  };
}

// Digests have one length whatever was sent: comparing them neither throws on a bearer whose
// bytes differ in number from its characters (non-ASCII) nor tells how long the token is.
const digest = (text: string) => createHash('sha256').update(text).digest();
const sameSecret = (given: string, secret: string) => timingSafeEqual(digest(given), digest(secret));

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function metricsEndpoint(app: AppContext): RequestHandler {
  return async (req, res) => {
    const token = app.env.METRICS_TOKEN;
    const given = bearerOf(req) ?? '';
    const allowed = token
      ? sameSecret(given, token)
      : // req.ip, not the socket: behind a reverse proxy on this host every socket is loopback
        LOOPBACK.has(req.ip ?? '');
    if (!allowed) return sendProblem(req, res, 404, `no route for ${req.method} ${req.path}`);
    res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  };
}
