import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

export const QUEUE_NAMES = { notifications: 'notifications', deadlines: 'deadlines' } as const;
export type QueueName = keyof typeof QUEUE_NAMES;

export interface Queues {
  notifications: Queue;
  deadlines: Queue;
  close(): Promise<void>;
}

/** Workers block on Redis: ioredis must retry forever for them (BullMQ's requirement). */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Producers fail fast instead of queueing commands while Redis is away: the outbox row stays in
 * Postgres and the relay tries again, so nothing waits in process memory.
 */
export function producerConnection(url: string): Redis {
  // commandTimeout: a Redis that hangs must not hold the relay's transaction open
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, commandTimeout: 5_000 });
}

// The prefix is hash-tagged ({…}) so that every key of a queue lands on one Redis Cluster slot.
export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const common = { connection, prefix };
  const notifications = new Queue(QUEUE_NAMES.notifications, {
    ...common,
    defaultJobOptions: {
      // 2 s doubling: the 12 retries after the first try span 2 × (2^12 − 1) s, about two and a quarter hours
      attempts: 13,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  const deadlines = new Queue(QUEUE_NAMES.deadlines, {
    ...common,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  return {
    notifications,
    deadlines,
    close: async () => {
      await Promise.all([notifications.close(), deadlines.close()]);
    },
  };
}
