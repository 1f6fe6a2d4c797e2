import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { entryHash, GENESIS_HASH, verifyChain } from '../../server/engine/history';
import { connect } from '../../db/client';
import { databaseUrl, TEST_DB } from '../support/databases';
import { migrationsBefore } from '../support/migrations';

// A case's rows as they were before owners existed — a hash-chained history in case_history, a
// clock, a timer, an email delivery, a notification — migrated on as a deployment would.
const name = `${TEST_DB}_o${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const url = databaseUrl(name);
afterAll(async () => {
  const admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('migration 0014: rows owned by kind and id', () => {
  it('keeps every row, names its owner, and the old history chain still verifies and stays append-only', async () => {
    await ensureDatabase(url);
    const folder = await migrationsBefore('0014_owned_rows');
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    const caseId = randomUUID();
    const user = randomUUID();
    try {
      await migrate(drizzle(sql), { migrationsFolder: folder });
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        let prev = GENESIS_HASH;
        for (const [i, eventType] of ['CREATED', 'SUBMIT', 'APPROVE'].entries()) {
          const e = { eventType, actorId: user, actorRole: 'firm', at: new Date(`2026-05-0${i + 1}T08:00:00Z`), requestId: null, stateBefore: null, stateAfter: 'draft', payload: {}, machineVersion: 'case@1' };
          // the hash as it was computed when the history held cases only
          const hash = entryHash(prev, i + 1, { ...e, ownerKind: 'case', ownerId: caseId });
          await tx`insert into case_history (case_id, seq, event_type, actor_id, actor_role, at, request_id, state_before, state_after, payload, machine_version, prev_hash, hash)
            values (${caseId}, ${i + 1}, ${eventType}, ${user}, 'firm', ${e.at.toISOString()}, null, null, 'draft', '{}'::jsonb, 'case@1', ${prev}, ${hash})`;
          prev = hash;
        }
        const [clock] = await tx`insert into clocks (case_id, kind, status, started_at, due_on, due_at) values (${caseId}, 'municipalReview', 'running', now(), '2026-05-15', now()) returning id`;
        await tx`insert into timers (clock_id, case_id, purpose, fire_at) values (${clock?.id}, ${caseId}, 'expiry', now())`;
        await tx`insert into email_deliveries (message_id, case_id, to_address, template, data) values ('<m1@firstbatch.local>', ${caseId}, 'a@b.test', 'case.submitted', '{}'::jsonb)`;
        await tx`insert into email_deliveries (message_id, to_address, template, data) values ('<m2@firstbatch.local>', 'a@b.test', 'round.closing', '{}'::jsonb)`;
        await tx`insert into notifications (user_id, case_id, template, title, body, data) values (${user}, ${caseId}, 'case.submitted', 't', 'b', '{}'::jsonb)`;
      });
    } finally {
      await sql.end();
      await rm(folder, { recursive: true });
    }

    await migrateDatabase(url);
    const database = connect(url, { max: 1 });
    try {
      expect(await verifyChain(database.db, 'case', caseId)).toEqual({ valid: true, entries: 3, firstBrokenSeq: null, problem: null });
      const owners = await database.sql`
        select 'clock' as t, owner_kind, owner_id from clocks union all select 'timer', owner_kind, owner_id from timers
        union all select 'delivery:' || message_id, owner_kind, owner_id from email_deliveries union all select 'notification', owner_kind, owner_id from notifications
        order by 1`;
      expect(owners.map((r) => [r.t, r.owner_kind, r.owner_id])).toEqual([
        ['clock', 'case', caseId],
        ['delivery:<m1@firstbatch.local>', 'case', caseId],
        ['delivery:<m2@firstbatch.local>', null, null],
        ['notification', 'case', caseId],
        ['timer', 'case', caseId],
      ]);
      await expect(database.sql`update history set actor_role = 'admin' where owner_id = ${caseId}`).rejects.toMatchObject({ code: '42501' });
    } finally {
      await database.close();
    }
  });
});
