import { connect } from '../db/client';
import type { Env } from './env';
import { logger as rootLogger } from './logger';
import { SettableClock, systemClock } from './clock';
import { CalendarStore } from './calendar/store';
import { createQueues, producerConnection } from './jobs/queues';
import type { AppContext } from './context';
import { createMetrics } from './metrics';
import { startLoop } from './jobs/loop';

/** Builds the process-wide context; `close` releases every connection it opened. */
export async function createAppContext(env: Env, options: { poolSize?: number } = {}) {
  const database = connect(env.DATABASE_URL, { max: options.poolSize ?? env.POOL_SIZE });
  const redis = producerConnection(env.REDIS_URL);
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  // Redis may go away for a while: say so once per outage instead of crashing or flooding the log
  // (transitions do not need it; the outbox waits in Postgres).
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) rootLogger.warn({ err: err.message }, 'Redis unavailable; effects wait in the outbox');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) rootLogger.info('Redis is back');
    redisDown = false;
  });
  for (const q of [queues.notifications, queues.deadlines]) q.on('error', () => undefined);
  // In production the clock is the machine's and cannot be moved (SPEC §8).
  const clock = env.NODE_ENV === 'production' ? systemClock : new SettableClock(database.db);
  if (clock instanceof SettableClock) await clock.refresh();
  // every process, server or worker, follows a move of the shared demo clock within 2 s
  const clockLoop = clock instanceof SettableClock ? startLoop('clock refresh', rootLogger, async () => (await clock.refresh(), 0), 2_000) : null;
  const app: AppContext = {
    env,
    log: rootLogger,
    database,
    db: database.db,
    redis,
    queues,
    clock,
    calendar: new CalendarStore(),
    metrics: createMetrics(database.db),
  };
  const close = async () => {
    await clockLoop?.stop();
    await queues.close();
    redis.disconnect();
    await database.close();
  };
  return { app, close };
}
