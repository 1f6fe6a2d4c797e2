import postgres from 'postgres';
import { randomUUID } from 'node:crypto';

const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/firstbatch_test';
export const TEST_DB = new URL(base).pathname.slice(1);
export const TEMPLATE_DB = `${TEST_DB}_template`;

export function databaseUrl(name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database of one test file's own, cloned from the migrated template in a fraction of a second. */
export async function cloneDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${TEST_DB}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}"`);
        break;
      } catch (err) {
        // 55006: another run's set-up is connected to the template for a moment
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(name),
    drop: async () => {
      const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}
