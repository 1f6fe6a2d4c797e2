import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { connect } from '../db/client';
import { seedCalendar } from '../seeds/demo';

// Once per run: a migrated test database with the working-day calendar (reference data, read only).
// Every test makes its own business rows with the factories in seeds/factories.ts.
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/firstbatch_test';
  await ensureDatabase(url);
  await migrateDatabase(url);
  const database = connect(url, { max: 1 });
  try {
    await seedCalendar(database.db);
  } finally {
    await database.close();
  }
}
