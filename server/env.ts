import { z } from 'zod';
import { defaultDatabaseUrl } from '../db/url';

// The only reader of process.env. Defaults are SPEC §8's, so a developer machine needs none of them.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // the local server's Unix socket when it has one, else 127.0.0.1:5432 (db/url.ts)
  DATABASE_URL: z.url().default(defaultDatabaseUrl),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('浙江省新材料首批次保险补偿 <noreply@firstbatch.local>'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DEMO_PASSWORD: z.string().min(8).default('Demo-2026!'),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  // in-process workers by default; `npm run worker` runs them on their own
  RUN_WORKERS: z.enum(['inline', 'none']).default('inline'),
  // HTTP server processes `npm start` runs on one port (node:cluster); each has its own pool of
  // POOL_SIZE connections and its own workers. Default 1: one process per core pays only where
  // Postgres runs elsewhere (docs/SCALING.md)
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  SEED_ALLOW_REMOTE: z.enum(['0', '1']).default('0'),
  QUEUE_PREFIX: z.string().default('{firstbatch}'),
  // public registration per client address and hour (each one hashes a password on purpose slowly)
  REGISTRATIONS_PER_HOUR: z.coerce.number().int().positive().default(20),
  // sign-in attempts per client address and minute, against password spraying across accounts
  LOGINS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  // objections to public notices per client address and hour: anyone may file one, without an account
  OBJECTIONS_PER_HOUR: z.coerce.number().int().positive().default(10),
  // how the public reaches the provincial department about a notice (a phone, an address), printed on each notice; unset: none printed
  NOTICE_CONTACT: z.string().trim().min(1).max(200).optional(),
  // GET /metrics: with a token, Prometheus sends it as a bearer; without one, only loopback may scrape
  METRICS_TOKEN: z.string().min(16).optional(),
  // tests: every answer is parsed with the schema its route documents, a mismatch answers 500 (a parse per answer, never in production)
  CHECK_RESPONSES: z.enum(['0', '1']).default('0'),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    // Name the variable, never its value: values may be secrets.
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    console.error(`Invalid configuration — ${names.join('; ')}`);
    process.exit(1);
  }
  return parsed.data;
}

export const env: Env = load();
export const isProduction = env.NODE_ENV === 'production';
