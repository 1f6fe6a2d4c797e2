import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { env } from './env';
import { logger } from './logger';
import { checkPostgres, checkRedis } from './preflight';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { createAppContext } from './runtime';
import { buildApp } from './http/app';
import { startWorkers } from './jobs/workers';
import { checkTemplates } from './mail/templates';
import { isEmpty, seedDemo } from '../seeds/demo';
import { seedDemoCases } from '../seeds/demo-cases';
import { assertSeedAllowed } from '../seeds/guard';
import { calculateMissingSubsidies } from './cases/subsidy';
import { onShutdown } from './shutdown';
import { drainable } from './http/drain';

// `npm start`: one command from an empty machine with Postgres and Redis to a running system. This
// process prepares the database once and then runs WEB_CONCURRENCY server processes (default 1) on
// one port (node:cluster), restarting one that dies and stopping all on SIGTERM.
if (cluster.isPrimary) {
  checkTemplates();
  for (const problem of [await checkPostgres(env), await checkRedis(env)]) {
    if (problem) {
      console.error(problem);
      process.exit(1);
    }
  }
  if (await ensureDatabase(env.DATABASE_URL)) logger.info('created the database');
  await migrateDatabase(env.DATABASE_URL);
}

const { app, close } = await createAppContext(env);
let seeded = false;
if (cluster.isPrimary) {
  if (env.NODE_ENV !== 'production' && (await isEmpty(app.db))) {
    assertSeedAllowed(env);
    await seedDemo(app.db, env.DEMO_PASSWORD);
    await seedDemoCases(app);
    seeded = true;
  }
  // cases approved before the subsidy was calculated on approval get their figure once
  await calculateMissingSubsidies(app);
}

// always under a supervising process, one server process by default: a server process that dies
// (an uncaught error, such as the database driver's when a connection is cut mid-write) is started
// again within a second instead of leaving the system down
if (cluster.isPrimary) {
  await close();
  superviseServers(env.WEB_CONCURRENCY, seeded);
} else {
  await serve(seeded);
}

/** One server process: HTTP on PORT (shared by every process of the cluster), and the workers. */
async function serve(announce: boolean): Promise<void> {
  const workers = env.RUN_WORKERS === 'inline' ? await startWorkers(app) : null;
  const server: Server = buildApp(app).listen(env.PORT, () => {
    if (!cluster.isPrimary) return;
    welcome(announce);
  });
  const drain = drainable(server);
  onShutdown(logger, env.SHUTDOWN_GRACE_MS, async () => {
    // stop taking requests and answer the ones in flight, then let jobs finish
    await drain();
    await workers?.close();
    await close();
  });
}

function welcome(announce: boolean): void {
  const url = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  console.log(`首批次应用保险补偿 is running at ${url} (API ${url}/api/v1, docs ${url}/docs)`);
  if (env.NODE_ENV !== 'production') {
    console.log(`${announce ? 'Demo data loaded. ' : ''}Demo accounts (firm@demo.local, municipal.hz@demo.local, …) use the password: ${env.DEMO_PASSWORD}`);
  }
  if (env.RUN_WORKERS !== 'inline') console.log('Workers are not running in this process; start them with `npm run worker`.');
}

function superviseServers(count: number, announce: boolean): void {
  let stopping = false;
  let listening = 0;
  // (a restart due when the stop came is not made)
  const fork = () => {
    if (!stopping) cluster.fork();
  };
  cluster.on('listening', () => {
    if (++listening === count) {
      welcome(announce);
      if (count > 1) console.log(`${count} server processes share the port`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a server process ended; starting another');
    // not unref'd: when the only server process died, this timer is what keeps the supervisor alive
    setTimeout(fork, 1000);
  });
  for (let i = 0; i < count; i++) fork();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down the server processes');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), env.SHUTDOWN_GRACE_MS + 1000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
