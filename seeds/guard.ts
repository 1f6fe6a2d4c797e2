import type { Env } from '../server/env';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', 'postgres']);

/**
 * Demo accounts with a published password must never reach a real database: the seed runs only
 * outside production, on a local host (or the compose network's `postgres`), unless told explicitly.
 */
export function assertSeedAllowed(env: Env): void {
  if (env.NODE_ENV === 'production') throw new Error('refusing to seed demo data with NODE_ENV=production');
  const url = new URL(env.DATABASE_URL);
  const host = url.hostname;
  // a Unix socket's directory (db/url.ts) is this machine's server
  const socket = url.searchParams.get('host')?.startsWith('/') ?? false;
  if (!socket && !LOCAL_HOSTS.has(host) && env.SEED_ALLOW_REMOTE !== '1') {
    throw new Error(`refusing to seed demo data into the non-local database host "${host}"; set SEED_ALLOW_REMOTE=1 if you mean it`);
  }
}
