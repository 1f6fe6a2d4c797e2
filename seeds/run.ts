import { env } from '../server/env';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { createAppContext } from '../server/runtime';
import { assertSeedAllowed } from './guard';
import { isEmpty, seedDemo } from './demo';
import { seedDemoCases } from './demo-cases';

// `npm run seed`: migrate, then load the demo data, with its applications, into an empty database.
assertSeedAllowed(env);
await ensureDatabase(env.DATABASE_URL);
await migrateDatabase(env.DATABASE_URL);
const { app, close } = await createAppContext(env, { poolSize: 4 });
try {
  if (await isEmpty(app.db)) {
    await seedDemo(app.db, env.DEMO_PASSWORD);
    const cases = await seedDemoCases(app);
    console.log(`demo data loaded with ${cases} applications; demo accounts use the password ${env.DEMO_PASSWORD}`);
  } else {
    console.log('the database already has users; demo data not loaded');
  }
} finally {
  await close();
}
