import { sql } from 'drizzle-orm';
import type { AppContext } from './context';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

/** Readiness: both dependencies answer within two seconds. */
export async function readiness(app: AppContext) {
  const [db, redis] = await Promise.allSettled([withTimeout(app.db.execute(sql`select 1`), 2000), withTimeout(app.redis.ping(), 2000)]);
  const checks = { postgres: db.status === 'fulfilled' ? 'ok' : 'unavailable', redis: redis.status === 'fulfilled' ? 'ok' : 'unavailable' };
  return { ready: checks.postgres === 'ok' && checks.redis === 'ok', checks };
}
