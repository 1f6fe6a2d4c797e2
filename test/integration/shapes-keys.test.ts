import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { clockEvents, clocks } from '../../db/schema';
import { insertRows, insertStatement, runStatements, updateStatement } from '../../db/shapes';
import { useTestApp } from '../support/use-app';
import { aClockRow } from '../support/clock-rows';

// db/shapes.ts keeps one built text per shape: two rows that differ only in which of their values
// are null, or a row holding an SQL expression, must not be written through a text built for another.
const { t } = useTestApp({ world: false });

const aClock = (overrides: Partial<typeof clocks.$inferInsert> = {}) => aClockRow({ ownerKind: 'batch', remainingWorkingDays: undefined, ...overrides });

const read = async (id: string) => (await t.app.db.select().from(clocks).where(eq(clocks.id, id)))[0];

describe('statements built once per shape, keyed by their shape', () => {
  it('writes a value given where an earlier row of the same columns gave a null, and a null where an earlier one gave a value', async () => {
    const withNull = aClock({ remainingWorkingDays: null, countedFrom: '2026-03-03' });
    const withValue = aClock({ remainingWorkingDays: 7, countedFrom: '2026-03-03' });
    await insertRows(t.app.db, clocks, [withNull]);
    await insertRows(t.app.db, clocks, [withValue]);
    const again = aClock({ remainingWorkingDays: null, countedFrom: '2026-03-03' });
    await insertRows(t.app.db, clocks, [again]);
    expect((await read(withNull.id ?? ''))?.remainingWorkingDays).toBeNull();
    expect((await read(withValue.id ?? ''))?.remainingWorkingDays).toBe(7);
    expect((await read(again.id ?? ''))?.remainingWorkingDays).toBeNull();
  });

  // the row type does not admit an expression, but the function's contract does (through a cast)
  it('writes a row holding an SQL expression through drizzle, the expression evaluated by the database', async () => {
    const a = aClock();
    await insertRows(t.app.db, clocks, [a]);
    await insertRows(t.app.db, clockEvents, [{ clockId: a.id ?? '', kind: 'start', at: sql`'2026-03-04T05:06:07Z'::timestamptz` as unknown as Date, data: {} }]);
    const [event] = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, a.id ?? ''));
    expect(event?.at.toISOString()).toBe('2026-03-04T05:06:07.000Z');
  });

  it('sends a write that touches what an earlier write of the group touched as a statement of its own, so it sees that write', async () => {
    const a = aClock({ remainingWorkingDays: 1 });
    await t.app.db.transaction((tx) =>
      runStatements(tx, [
        insertStatement(clocks, [a], [`clock:${a.id}`]),
        updateStatement(clocks, a.id ?? '', { remainingWorkingDays: 2 }, [`clock:${a.id}`]),
        updateStatement(clocks, a.id ?? '', { countedDays: 9 }, [`clock:${a.id}`]),
      ]),
    );
    expect(await read(a.id ?? '')).toMatchObject({ remainingWorkingDays: 2, countedDays: 9 });
  });
});
