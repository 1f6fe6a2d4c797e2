import type { Redis } from 'ioredis';
import type { Database, Db, DbOrTx } from '../db/client';
import type { Env } from './env';
import type { Logger } from './logger';
import type { Clock } from './clock';
import type { Queues } from './jobs/queues';
import type { CalendarStore } from './calendar/store';
import type { Actor } from '../workflows/case/permissions';
import type { Metrics } from './metrics';

/** Everything a process holds once: built by main.ts / worker.ts, and by the tests. */
export interface AppContext {
  env: Env;
  log: Logger;
  database: Database;
  db: Db;
  redis: Redis;
  queues: Queues;
  clock: Clock;
  calendar: CalendarStore;
  metrics: Metrics;
}

export interface User extends Actor {
  email: string;
  name: string;
}

/** What a service verb receives: who is asking, for which request, and where to write. */
export interface ServiceContext {
  app: AppContext;
  user: User;
  requestId: string;
  db?: DbOrTx;
}
