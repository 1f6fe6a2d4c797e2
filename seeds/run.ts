import { env } from '../server/env';
import { connect } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { assertSeedAllowed } from './guard';
import { isEmpty, seedDemo } from './demo';

// `npm run seed`: migrate, then load the demo data into an empty database.
assertSeedAllowed(env);
await ensureDatabase(env.DATABASE_URL);
await migrateDatabase(env.DATABASE_URL);
const database = connect(env.DATABASE_URL, { max: 2 });
try {
  if (await isEmpty(database.db)) {
    await seedDemo(database.db, env.DEMO_PASSWORD);
    console.log(`demo data loaded; demo accounts use the password ${env.DEMO_PASSWORD}`);
  } else {
    console.log('the database already has users; demo data not loaded');
  }
} finally {
  await database.close();
}
