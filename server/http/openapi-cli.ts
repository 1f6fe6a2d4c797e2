import { writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { connect } from '../../db/client';
import type { AppContext } from '../context';
import { env } from '../env';
import { logger } from '../logger';
import { openapiDocument } from './openapi';
import { apiRouter } from './routes';

// `tsx server/http/openapi-cli.ts <file>` writes the document GET /openapi.json serves, for
// `npm run lint:openapi`. It is built by mounting the routes, as the server does; mounting reads
// the environment and hands Redis to a throttle, but runs no service, so nothing listens and
// the lazy connections below are never opened: no database or Redis is needed.
const out = process.argv[2];
if (!out) {
  console.error('usage: tsx server/http/openapi-cli.ts <output file>');
  process.exit(2);
}
const database = connect(env.DATABASE_URL, { max: 1 });
const redis = new Redis(env.REDIS_URL, { lazyConnect: true });
try {
  apiRouter({ env, log: logger, database, db: database.db, redis } as AppContext);
  await writeFile(out, `${JSON.stringify(openapiDocument(), null, 2)}\n`);
} finally {
  redis.disconnect();
  await database.close();
}
