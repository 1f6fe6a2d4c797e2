import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { env } from '../../server/env';
import { createAppContext } from '../../server/runtime';
import { buildApp } from '../../server/http/app';
import { startWorkers, type Workers } from '../../server/jobs/workers';
import type { AppContext } from '../../server/context';
import { Api } from './http';
import { cloneDatabase } from './databases';

export interface TestApp {
  app: AppContext;
  url: string;
  api: Api;
  workers: Workers | null;
  close(): Promise<void>;
}

/**
 * The real app on an ephemeral port, against the real Postgres and Redis. Each call gets its own
 * queue prefix, so parallel test files never consume each other's jobs.
 */
export async function startTestApp(
  options: { workers?: boolean; smtpUrl?: string; redisUrl?: string; ownDatabase?: boolean; poolSize?: number; env?: Partial<typeof env> } = {},
): Promise<TestApp> {
  // a relay takes every outbox row it finds: files that run workers get a database of their own
  const own = options.workers || options.ownDatabase ? await cloneDatabase() : null;
  const testEnv = {
    ...env,
    ...(own ? { DATABASE_URL: own.url } : {}),
    QUEUE_PREFIX: `{t-${randomUUID().slice(0, 8)}}`,
    // every answer is parsed with the schema its route documents: a mismatch is a 500 the test sees
    CHECK_RESPONSES: '1' as const,
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  };
  const { app, close } = await createAppContext(testEnv, { poolSize: options.poolSize ?? 30 });
  const server: Server = buildApp(app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers = options.workers ? await startWorkers(app, { relayIdleMs: 50 }) : null;
  return {
    app,
    url,
    api: new Api(url),
    workers,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await workers?.close();
      await app.queues.notifications.obliterate({ force: true }).catch(() => undefined);
      await app.queues.deadlines.obliterate({ force: true }).catch(() => undefined);
      await close();
      await own?.drop();
    },
  };
}
