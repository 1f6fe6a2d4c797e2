import type { Server } from 'node:http';
import { env } from './env';
import { logger } from './logger';
import { checkPostgres, checkRedis } from './preflight';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { createAppContext } from './runtime';
import { buildApp } from './http/app';
import { startWorkers, type Workers } from './jobs/workers';
import { checkTemplates } from './mail/templates';
import { isEmpty, seedDemo } from '../seeds/demo';
import { seedDemoCases } from '../seeds/demo-cases';
import { assertSeedAllowed } from '../seeds/guard';
import { calculateMissingSubsidies } from './cases/subsidy';
import { onShutdown } from './shutdown';
import { drainable } from './http/drain';

// `npm start`: one command from an empty machine with Postgres and Redis to a running system.
checkTemplates();
for (const problem of [await checkPostgres(env), await checkRedis(env)]) {
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
if (await ensureDatabase(env.DATABASE_URL)) logger.info('created the database');
await migrateDatabase(env.DATABASE_URL);

const { app, close } = await createAppContext(env);
let seeded = false;
if (env.NODE_ENV !== 'production' && (await isEmpty(app.db))) {
  assertSeedAllowed(env);
  await seedDemo(app.db, env.DEMO_PASSWORD);
  await seedDemoCases(app);
  seeded = true;
}

// cases approved before the subsidy was calculated on approval get their figure once
await calculateMissingSubsidies(app);
const workers: Workers | null = env.RUN_WORKERS === 'inline' ? await startWorkers(app) : null;
const server: Server = buildApp(app).listen(env.PORT, () => {
  const url = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  console.log(`首批次应用保险补偿 is running at ${url} (API ${url}/api/v1, docs ${url}/docs)`);
  if (env.NODE_ENV !== 'production') {
    console.log(`${seeded ? 'Demo data loaded. ' : ''}Demo accounts (firm@demo.local, municipal.hz@demo.local, …) use the password: ${env.DEMO_PASSWORD}`);
  }
  if (!workers) console.log('Workers are not running in this process; start them with `npm run worker`.');
});

const drain = drainable(server);
onShutdown(logger, env.SHUTDOWN_GRACE_MS, async () => {
  // stop taking requests and answer the ones in flight, then let jobs finish
  await drain();
  await workers?.close();
  await close();
});
