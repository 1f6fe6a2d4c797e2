import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { caseMachine } from '../../workflows/case/machine';
import { databaseUrl, TEST_DB } from '../support/databases';
import { migrationsBefore } from '../support/migrations';

// case@2 retires for case@3 (migration 0020): cases written by case@2 — one in revision, one
// already approved — are migrated as a deployment would and must read on the new chart.
const golden2 = JSON.parse(readFileSync(new URL('../unit/golden/case@2.revision.json', import.meta.url), 'utf8'));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function databaseBeforeMoney() {
  const name = `${TEST_DB}_m${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const url = databaseUrl(name);
  await ensureDatabase(url);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  const folder = await migrationsBefore('0020_money');
  cleanups.push(async () => {
    await sql.end();
    await rm(folder, { recursive: true });
    const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  await migrate(drizzle(sql), { migrationsFolder: folder });
  return { url, sql };
}

describe('the migration to the money stage (case@2 → case@3)', () => {
  it('moves every case@2 snapshot over, the approved one into calculated with its approval time, the others unchanged but for the new context fields', async () => {
    const { url, sql } = await databaseBeforeMoney();
    const [firm, round, entry, user] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const approvedSnapshot = { value: 'approved', context: { ...golden2.context, policyVerified: true } };
    const updatedAt = new Date('2026-11-20T02:00:00Z');
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      for (const [number, state, snapshot] of [
        ['ZJ2026-000101', 'revision', golden2],
        ['ZJ2026-000102', 'approved', approvedSnapshot],
      ] as const) {
        await tx`insert into cases (number, round_id, enterprise_id, city, catalogue_entry_id, policy, state, machine_version, snapshot, created_by, submitted_at, updated_at)
          values (${number}, ${round}, ${firm}, '330100', ${entry}, ${JSON.stringify({ number: `P-${number}`, endsOn: '2027-03-31' })}::jsonb,
                  ${state}, 'case@2', ${JSON.stringify(snapshot)}::jsonb, ${user}, now(), ${updatedAt.toISOString()}::timestamptz)`;
      }
    });
    await migrateDatabase(url);
    const rows = await sql<{ number: string; state: string; machine_version: string; snapshot: { value: unknown; context: Record<string, unknown> }; approved_at: string | null }[]>`
      select number, state, machine_version, snapshot, approved_at from cases order by number`;
    expect(rows.map((r) => [r.number, r.state, r.machine_version])).toEqual([
      ['ZJ2026-000101', 'revision', 'case@3'],
      ['ZJ2026-000102', 'calculated', 'case@3'],
    ]);
    const [revision, approved] = rows;
    expect(revision?.snapshot).toEqual({ value: golden2.value, context: { ...golden2.context, policyEndsOn: '2027-03-31', batchId: null } });
    expect(revision?.approved_at).toBeNull();
    expect(approved?.snapshot.value).toEqual({ approved: 'calculated' });
    expect(new Date(String(approved?.approved_at))).toEqual(updatedAt);
    // both read on the new chart as they stand
    expect(caseMachine.resolveState(revision?.snapshot as never).value).toEqual(golden2.value);
    expect(caseMachine.resolveState(approved?.snapshot as never).value).toEqual({ approved: 'calculated' });
  });
});
