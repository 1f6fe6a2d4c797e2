import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { readCase } from '../../server/cases/workflow';
import { pgConnection } from '../../db/url';
import { useTestApp } from '../support/use-app';

// a transition reads its case FOR UPDATE (server/cases/workflow.ts, readCase): two events on one
// case run one after the other; reading a case to show it takes no lock.
const { t, w } = useTestApp();

describe('reading a case', () => {
  it('to change it locks its row until the transaction ends; to show it, it does not', async () => {
    const id = await w.createCase();
    const target = pgConnection(t.app.env.DATABASE_URL);
    const other = postgres(target.url, { ...(target.host ? { host: target.host } : {}), max: 1, onnotice: () => undefined });
    const tryLock = () =>
      other`select id from cases where id = ${id} for update nowait`.then(
        () => 'free',
        (err: unknown) => (err as { code?: string }).code ?? 'error',
      );
    try {
      await t.app.db.transaction(async (tx) => {
        await readCase(tx, id, false);
        expect(await tryLock()).toBe('free');
      });
      await t.app.db.transaction(async (tx) => {
        await readCase(tx, id, true);
        // lock_not_available: the row is held by the reading transaction
        expect(await tryLock()).toBe('55P03');
      });
      expect(await tryLock()).toBe('free');
    } finally {
      await other.end();
    }
  });
});
