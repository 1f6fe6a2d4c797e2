import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../context';
import { tooManyRequests } from '../errors';
import { clientGroupOf } from '../auth/client-group';

/**
 * Per-client throttle (an IPv4 address or an IPv6 /64, see clientGroupOf) for public, expensive
 * routes (registration hashes a password with scrypt). Counted in Redis so that every server process shares one budget; while Redis is away a
 * per-process memory limiter stands in, so the route neither fails nor goes unthrottled.
 */
export function throttle(app: AppContext, name: string, points: number, durationSeconds: number): RequestHandler {
  const options = { points, duration: durationSeconds, keyPrefix: `${app.env.QUEUE_PREFIX}:throttle:${name}` };
  const limiter = new RateLimiterRedis({ ...options, storeClient: app.redis, insuranceLimiter: new RateLimiterMemory(options) });
  return async (req, _res, next) => {
    try {
      await limiter.consume(clientGroupOf(req.ip));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw tooManyRequests(`too many requests from your address; try again in ${seconds} seconds`, seconds);
    }
    next();
  };
}
