import { env } from './env';
import { logger } from './logger';
import { checkPostgres, checkRedis } from './preflight';
import { migrateDatabase, ensureDatabase } from '../db/migrate';
import { createAppContext } from './runtime';
import { startWorkers } from './jobs/workers';
import { checkTemplates } from './mail/templates';
import { onShutdown } from './shutdown';

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
onShutdown(logger, env.SHUTDOWN_GRACE_MS, async () => {
  await workers.close();
  await close();
});
