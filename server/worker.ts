import { env } from './env';
import { logger } from './logger';
import { checkPostgres, checkRedis } from './preflight';
import { migrateDatabase, ensureDatabase } from '../db/migrate';
import { createAppContext } from './runtime';
import { startWorkers } from './jobs/workers';
import { checkTemplates } from './mail/templates';
import { onShutdown } from './shutdown';
import { writeFile } from 'node:fs/promises';
import { startLoop } from './jobs/loop';
import { HEARTBEAT_FILE } from './jobs/heartbeat';

// `npm run worker`: the outbox relay and the BullMQ workers, without HTTP. Run any number.
checkTemplates();
for (const problem of [await checkPostgres(env), await checkRedis(env)]) {
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
await ensureDatabase(env.DATABASE_URL);
await migrateDatabase(env.DATABASE_URL);
const { app, close } = await createAppContext(env);
const workers = await startWorkers(app);
logger.info('workers running: outbox relay, notifications, deadlines');
// A worker serves no HTTP: its container health check reads this file's age instead.
const heartbeat = startLoop('heartbeat', logger, async () => (await writeFile(HEARTBEAT_FILE, new Date().toISOString()), 0), 10_000);
onShutdown(logger, env.SHUTDOWN_GRACE_MS, async () => {
  await heartbeat.stop();
  await workers.close();
  await close();
});
