import { env } from '../server/env';
import { ensureDatabase, migrateDatabase } from './migrate';

await ensureDatabase(env.DATABASE_URL);
await migrateDatabase(env.DATABASE_URL);
console.log('migrations applied');
