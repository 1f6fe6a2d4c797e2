import postgres from 'postgres';
import { Redis } from 'ioredis';
import type { Env } from './env';
import { pgConnection } from '../db/url';

/** A URL fit for a log line: the password, if any, is masked. */
export function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export async function checkPostgres(env: Env): Promise<string | null> {
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const target = pgConnection(admin.toString());
  const sql = postgres(target.url, { host: target.host, max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
    return null;
  } catch (err) {
    return `Cannot reach PostgreSQL at ${safeUrl(env.DATABASE_URL)} (${(err as Error).message}) — start it (\`docker compose up -d postgres\`, or \`pg_ctlcluster 15 main start\`) or set DATABASE_URL.`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

export async function checkRedis(env: Env): Promise<string | null> {
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  let cause: Error | null = null;
  redis.on('error', (err: Error) => {
    cause = err;
  });
  try {
    await redis.connect();
    await redis.ping();
    const policy = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      return `Redis at ${safeUrl(env.REDIS_URL)} uses maxmemory-policy ${policy[1]}; queues need noeviction (redis-server --maxmemory-policy noeviction).`;
    }
    return null;
  } catch (err) {
    return `Cannot reach Redis at ${safeUrl(env.REDIS_URL)} (${(cause ?? (err as Error)).message}) — start it (\`docker compose up -d redis\`, or \`redis-server --daemonize yes\`) or set REDIS_URL.`;
  } finally {
    redis.disconnect();
  }
}
