import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../context';
import { tooManyRequests } from '../errors';
import { clientGroupOf } from '../auth/client-group';

/**
 * A budget counted in Redis, so that every server process shares it; while Redis is away a
 * per-process memory limiter stands in, so the route neither fails nor goes unthrottled.
 */
export function sharedLimiter(app: AppContext, name: string, points: number, durationSeconds: number): RateLimiterRedis {
  const options = { points, duration: durationSeconds, keyPrefix: `${app.env.QUEUE_PREFIX}:${name}` };
  return new RateLimiterRedis({ ...options, storeClient: app.redis, insuranceLimiter: new RateLimiterMemory(options) });
}

/** A spent budget as a 429 with Retry-After; anything else (not a refusal) is thrown on. */
export function refusedBy(rejection: unknown, words: (seconds: number) => string): never {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  throw tooManyRequests(words(seconds), seconds);
}

/**
 * Per-client throttle (an IPv4 address or an IPv6 /64, see clientGroupOf) for public, expensive
 * routes (registration hashes a password with scrypt).
 */
export function throttle(app: AppContext, name: string, points: number, durationSeconds: number): RequestHandler {
  const limiter = sharedLimiter(app, `throttle:${name}`, points, durationSeconds);
  return async (req, _res, next) => {
    await limiter.consume(clientGroupOf(req.ip)).catch((r: unknown) => refusedBy(r, (s) => `too many requests from your address; try again in ${s} seconds`));
    next();
  };
}
