import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { fileURLToPath } from 'node:url';
import { pgConnection } from './url';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant shared by every process: several servers starting at once migrate one at a time.
const MIGRATION_LOCK = 726_410_001;

/** Creates the database named in `url` when it does not exist yet (developer machines, first start). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const server = pgConnection(admin.toString());
  const sql = postgres(server.url, { host: server.host, max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    try {
      await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // another process created it between our check and our create
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function migrateDatabase(url: string): Promise<void> {
  const target = pgConnection(url);
  const sql = postgres(target.url, { host: target.host, max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
