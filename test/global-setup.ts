import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { connect } from '../db/client';
import { eq } from 'drizzle-orm';
import { settings } from '../db/schema';
import { seedCalendar } from '../seeds/demo';
import { databaseUrl, TEMPLATE_DB, TEST_DB } from './support/databases';

// Once per run: the shared test database and a template for files that need a database of their
// own (test/support/databases.ts), both migrated and holding the working-day calendar (reference
// data). Nothing is dropped here, so several runs on one machine do not disturb each other.
export default async function setup(): Promise<void> {
  for (const name of [TEST_DB, TEMPLATE_DB]) {
    const url = databaseUrl(name);
    await ensureDatabase(url);
    await migrateDatabase(url);
    const database = connect(url, { max: 1 });
    try {
      await seedCalendar(database.db);
      // the shared clock runs on real time; files that move it use a database of their own
      await database.db.delete(settings).where(eq(settings.key, 'clock.offsetMs'));
    } finally {
      await database.close();
    }
  }
}
