import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { databaseUrl, TEST_DB } from '../support/databases';
import { migrationsBefore } from '../support/migrations';

// Cases written before the policy number was normalised: migrated to the version before it, given
// rows, then migrated to the end, as a deployment would.
const KEYED = '0010_cases_policy_number_key';
const EVERY_DASH = '0013_policy_number_key_dashes';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A database at the version before `tag`, holding `rows` as cases (foreign keys not enforced). */
async function databaseWith(rows: { number: string; policyNumber: string; state: string; submitted: boolean; firm?: string }[], tag = KEYED) {
  const name = `${TEST_DB}_m${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const url = databaseUrl(name);
  await ensureDatabase(url);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  const folder = await migrationsBefore(tag);
  cleanups.push(async () => {
    await sql.end();
    await rm(folder, { recursive: true });
    const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  await migrate(drizzle(sql), { migrationsFolder: folder });
  const [firm, round, entry, user] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    for (const r of rows) {
      await tx`insert into cases (number, round_id, enterprise_id, city, catalogue_entry_id, user_unit, policy, state, machine_version, snapshot, created_by, submitted_at)
        values (${r.number}, ${round}, ${r.firm ?? firm}, '330100', ${entry}, ${JSON.stringify({ uscc: '91330100MA2B0000XX' })}::jsonb, ${JSON.stringify({ number: r.policyNumber })}::jsonb,
                ${r.state}, 'v1', '{}'::jsonb, ${user}, case when ${r.submitted} then now() end)`;
    }
  });
  return { url, sql };
}

describe('the migration to normalised policy numbers', () => {
  it('gives every existing case its key, and lets the index hold drafts, dead cases and other firms', async () => {
    const { url, sql } = await databaseWith([
      { number: 'ZJ2026-000001', policyNumber: 'PICC-2026-1', state: 'municipal', submitted: true },
      { number: 'ZJ2026-000002', policyNumber: 'picc－2026－1', state: 'withdrawn', submitted: true },
      { number: 'ZJ2026-000003', policyNumber: 'PICC 2026 1', state: 'draft', submitted: false },
      { number: 'ZJ2026-000004', policyNumber: '\u200BPICC-2026-1', state: 'municipal', submitted: true, firm: randomUUID() },
      { number: 'ZJ2026-000005', policyNumber: 'PICC-2026-2', state: 'provincial', submitted: true },
    ]);
    await migrateDatabase(url);
    const keys = await sql<{ number: string; key: string | null }[]>`select number, policy_number_key as key from cases order by number`;
    expect(keys.map((k) => k.key)).toEqual(['picc20261', 'picc20261', 'picc20261', 'picc20261', 'picc20262']);
  });

  it('stops, naming them, at live applications that were two spellings of one policy', async () => {
    const { url, sql } = await databaseWith([
      { number: 'ZJ2026-000011', policyNumber: 'PICC-2026-1', state: 'municipal', submitted: true },
      { number: 'ZJ2026-000012', policyNumber: 'picc－2026－1', state: 'expert', submitted: true },
    ]);
    await expect(migrateDatabase(url)).rejects.toMatchObject({ cause: { message: 'live applications for one policy (SPEC 5): ZJ2026-000011, ZJ2026-000012' } });
    // one transaction: nothing of the migration is left half done
    const [column] = await sql`select 1 from information_schema.columns where table_name = 'cases' and column_name = 'policy_number_key'`;
    expect(column).toBeUndefined();
  });
});

describe('the migration to keys without any Dash character', () => {
  it('computes every existing key anew, swung dashes and superscript minus signs dropped', async () => {
    const { url, sql } = await databaseWith(
      [
        { number: 'ZJ2026-000021', policyNumber: 'PICC\u20532026\u20531', state: 'municipal', submitted: true },
        { number: 'ZJ2026-000022', policyNumber: 'PICC\u207B2026\u208B2', state: 'expert', submitted: true },
        { number: 'ZJ2026-000023', policyNumber: 'PICC-2026-3', state: 'draft', submitted: false },
      ],
      EVERY_DASH,
    );
    const [before] = await sql<{ key: string }[]>`select policy_number_key as key from cases where number = 'ZJ2026-000021'`;
    expect(before?.key).toBe('picc\u20532026\u20531');
    await migrateDatabase(url);
    const keys = await sql<{ key: string | null }[]>`select policy_number_key as key from cases order by number`;
    expect(keys.map((k) => k.key)).toEqual(['picc20261', 'picc20262', 'picc20263']);
    const [index] = await sql`select 1 from pg_indexes where tablename = 'cases' and indexname = 'cases_live_duplicate_key'`;
    expect(index).toBeDefined();
  });

  it('stops, naming them, at live applications that the new key makes one policy, and leaves the old key', async () => {
    const { url, sql } = await databaseWith(
      [
        { number: 'ZJ2026-000031', policyNumber: 'PICC-2026-1', state: 'municipal', submitted: true },
        { number: 'ZJ2026-000032', policyNumber: 'PICC\u20532026\u20531', state: 'provincial', submitted: true },
      ],
      EVERY_DASH,
    );
    await expect(migrateDatabase(url)).rejects.toMatchObject({ cause: { message: 'live applications for one policy (SPEC 5): ZJ2026-000031, ZJ2026-000032' } });
    const keys = await sql<{ key: string | null }[]>`select policy_number_key as key from cases order by number`;
    expect(keys.map((k) => k.key)).toEqual(['picc20261', 'picc\u20532026\u20531']);
    const [index] = await sql`select 1 from pg_indexes where tablename = 'cases' and indexname = 'cases_live_duplicate_key'`;
    expect(index).toBeDefined();
  });
});
