import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import postgres from 'postgres';
import { z } from 'zod';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { connect } from '../db/client';
import { pgConnection } from '../db/url';
import { seedCalendar } from '../seeds/demo';
import { env, type Env } from '../server/env';
import { createAppContext } from '../server/runtime';
import { buildApp } from '../server/http/app';
import type { AppContext } from '../server/context';

// Sizes are configurable so that a slower machine (or a quick look) can shrink the run.
const configSchema = z.object({
  BENCH_PARTS: z.string().default('events,list,sweep,email,report,money,scale'),
  BENCH_SECONDS: z.coerce.number().positive().default(15),
  BENCH_WARMUP_SECONDS: z.coerce.number().min(0).default(3),
  BENCH_CLIENTS: z.coerce.number().int().min(1).max(64).default(8),
  BENCH_EVENT_CASES: z.coerce.number().int().min(1).default(200),
  BENCH_PGBENCH_SCALE: z.coerce.number().int().min(1).default(1),
  BENCH_CASES: z.coerce.number().int().min(1000).default(100_000),
  BENCH_LIST_REQUESTS: z.coerce.number().int().min(10).default(300),
  BENCH_DEEP_PAGE: z.coerce.number().int().min(2).default(100),
  BENCH_TIMERS: z.coerce.number().int().min(0).default(100_000),
  BENCH_DUE: z.coerce.number().int().min(1).default(1000),
  BENCH_EMAILS: z.coerce.number().int().min(1).default(2000),
  BENCH_REPORT_CASES: z.coerce.number().int().min(10).default(100_000),
  BENCH_MONEY_CASES: z.coerce.number().int().min(10).default(10_000),
  BENCH_MONEY_BATCH: z.coerce.number().int().min(1).default(1000),
  BENCH_PROFILE: z.enum(['0', '1']).default('0'),
  // the scale part's process counts, e.g. `1` for a quick look
  BENCH_SCALE_PROCESSES: z.string().regex(/^\d+(,\d+)*$/).default('1,2,4'),
  // the scale part's mail server: a sink that accepts everything, or none listening at all (a fresh
  // machine's `npm start` with the default SMTP_URL): emails then wait and are retried
  BENCH_SCALE_SMTP: z.enum(['sink', 'none']).default('sink'),
  BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'silent']).default('warn'),
});
export type BenchConfig = z.infer<typeof configSchema>;

export function loadConfig(): BenchConfig {
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`bad benchmark settings — ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// Whatever the benchmark created is dropped even when a part fails or the run is interrupted.
const cleanups: (() => Promise<void>)[] = [];
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.unshift(fn);
}
export async function runCleanups(): Promise<void> {
  for (const fn of cleanups.splice(0)) await fn().catch((err: unknown) => console.error('cleanup failed:', err));
}

function urlFor(name: string): string {
  const u = new URL(env.DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const target = pgConnection(urlFor('postgres'));
  const admin = postgres(target.url, { host: target.host, max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** A database of the benchmark's own, never the developer's or the tests': created, migrated, dropped. */
export async function benchDatabase(kind: string, options: { migrate?: boolean } = {}): Promise<{ name: string; url: string }> {
  const name = `firstbatch_bench_${kind}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const url = urlFor(name);
  await ensureDatabase(url);
  onCleanup(() => dropDatabase(name));
  if (options.migrate !== false) {
    await migrateDatabase(url);
    const database = connect(url, { max: 1 });
    try {
      await seedCalendar(database.db);
    } finally {
      await database.close();
    }
  }
  return { name, url };
}

export interface BenchApp {
  app: AppContext;
  url: string;
  close(): Promise<void>;
}

/** The real app (createAppContext + buildApp) on an ephemeral port, with its own queue prefix. */
export async function startBenchApp(config: BenchConfig, databaseUrl: string, over: Partial<Env> = {}): Promise<BenchApp> {
  const benchEnv: Env = { ...env, DATABASE_URL: databaseUrl, QUEUE_PREFIX: `{bench-${randomUUID().slice(0, 8)}}`, LOGINS_PER_MINUTE: 100_000, REGISTRATIONS_PER_HOUR: 100_000, ...over };
  const { app, close } = await createAppContext(benchEnv, { poolSize: 20 });
  // request logs at info would measure the terminal, not the app
  app.log.level = config.BENCH_LOG_LEVEL;
  const server: Server = buildApp(app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.queues.notifications.obliterate({ force: true }).catch(() => undefined);
    await app.queues.deadlines.obliterate({ force: true }).catch(() => undefined);
    await close();
  };
  onCleanup(stop);
  return { app, url, close: stop };
}

export const step = (message: string): void => console.error(`  · ${message}`);
