import { pino } from 'pino';
import { env } from './env';

// Lines go to stdout asynchronously: under load, lines written while one write is under way leave
// together in the next, instead of one blocking system call per request (docs/benchmarks.md).
// pino flushes what is left when the process exits.
export const logger = pino(
  {
    level: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password'], censor: '[redacted]' },
  },
  pino.destination({ dest: 1, sync: false }),
);
export type Logger = typeof logger;
