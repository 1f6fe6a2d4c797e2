import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eq, getTableColumns, inArray } from 'drizzle-orm';
import * as schema from '../../db/schema';
import { clockEvents, clocks, timers } from '../../db/schema';
import { insertRows, insertStatement, p, runStatements, shaped, updateById, updateStatement } from '../../db/shapes';
import { SecondConnectionError, TransactionEndedError } from '../../db/prepared';
import { useTestApp } from '../support/use-app';
import { aClockRow } from '../support/clock-rows';

// db/shapes.ts builds a statement's text once and runs it on whatever handle it is given: the rows
// it writes and reads must be exactly drizzle's own, on the transaction's connection.
const { t, w } = useTestApp();

const clockOf = shaped<{ id: string }, (typeof clocks.$inferSelect)[]>('clock by id', (b) => b.select().from(clocks).where(eq(clocks.id, p('id'))));

const aClock = (overrides: Partial<typeof clocks.$inferInsert> = {}) => aClockRow(overrides);

describe('statements built once per shape', () => {
  it('writes what drizzle writes: values, nulls as nulls, left-out columns their defaults, rows of different column sets', async () => {
    const [a, b] = [aClock(), aClock({ unit: undefined, countedFrom: null, remainingWorkingDays: 3, assigneeId: w.people.expert.id })];
    await insertRows(t.app.db, clocks, [a, b]);
    // the same shape again, other values: the text built for the first call serves the second
    const c = aClock({ status: 'paused' });
    const d = aClock({ unit: undefined, countedFrom: null, remainingWorkingDays: 0, assigneeId: w.people.provincial.id });
    await insertRows(t.app.db, clocks, [c, d]);
    const read = async (id: string) => (await clockOf(t.app.db, { id }))[0];
    expect(await read(a.id ?? '')).toMatchObject({ ...a, unit: 'workingDays', assigneeId: null });
    expect(await read(b.id ?? '')).toMatchObject({ ...b, unit: 'workingDays', countedFrom: null, remainingWorkingDays: 3 });
    expect(await read(c.id ?? '')).toMatchObject({ ...c, unit: 'workingDays', status: 'paused' });
    expect(await read(d.id ?? '')).toMatchObject({ ...d, unit: 'workingDays', remainingWorkingDays: 0, assigneeId: w.people.provincial.id });
    const created = (await read(a.id ?? ''))?.createdAt;
    expect(created).toBeInstanceOf(Date);

    // JSON values, and a JSON column left out (its default {}), in one insert
    await insertRows(t.app.db, clockEvents, [
      { clockId: a.id ?? '', kind: 'start', at: new Date('2026-03-02T01:02:03.456Z'), data: { dueOn: '2026-03-20', nested: { n: 1 } } },
      { clockId: a.id ?? '', kind: 'stop', at: new Date('2026-03-03T00:00:00.000Z') },
    ]);
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, a.id ?? '')).orderBy(clockEvents.id);
    expect(events.map((e) => [e.kind, e.at.toISOString(), e.data])).toEqual([
      ['start', '2026-03-02T01:02:03.456Z', { dueOn: '2026-03-20', nested: { n: 1 } }],
      ['stop', '2026-03-03T00:00:00.000Z', {}],
    ]);
  });

  it('updates by id what it is given, a null as SQL null, and nothing else', async () => {
    const a = aClock({ remainingWorkingDays: 4 });
    const other = aClock({ remainingWorkingDays: 4 });
    await insertRows(t.app.db, clocks, [a, other]);
    await updateById(t.app.db, clocks, a.id ?? '', { status: 'paused', remainingWorkingDays: null, dueAt: new Date('2026-04-01T15:59:59.000Z') });
    const [after] = await clockOf(t.app.db, { id: a.id ?? '' });
    expect(after).toMatchObject({ status: 'paused', remainingWorkingDays: null, dueOn: '2026-03-20', countedDays: 15 });
    expect(after?.dueAt.toISOString()).toBe('2026-04-01T15:59:59.000Z');
    // a timestamp given as null, in an insert and in an update
    const timer = { id: randomUUID(), clockId: a.id ?? '', ownerKind: 'case' as const, ownerId: a.ownerId ?? '', purpose: 'expiry' as const, fireAt: a.dueAt, data: {}, firedAt: null, cancelledAt: null };
    await insertRows(t.app.db, timers, [timer]);
    await updateById(t.app.db, timers, timer.id, { cancelledAt: new Date('2026-03-05T00:00:00.000Z') });
    const timerOf = async () => (await t.app.db.select().from(timers).where(eq(timers.id, timer.id)))[0];
    expect((await timerOf())?.cancelledAt?.toISOString()).toBe('2026-03-05T00:00:00.000Z');
    await updateById(t.app.db, timers, timer.id, { cancelledAt: null });
    expect(await timerOf()).toMatchObject({ firedAt: null, cancelledAt: null });
    const [untouched] = await clockOf(t.app.db, { id: other.id ?? '' });
    expect(untouched).toMatchObject({ status: 'running', remainingWorkingDays: 4 });
    expect(untouched?.dueAt.toISOString()).toBe('2026-03-20T15:59:59.000Z');
  });

  it("runs on the transaction's own connection: it sees the transaction's rows, which are gone after a rollback", async () => {
    const a = aClock();
    let inside: unknown[] = [];
    const outcome = await t.app.db
      .transaction(async (tx) => {
        await insertRows(tx, clocks, [a]);
        await insertRows(tx, timers, [{ id: randomUUID(), clockId: a.id ?? '', ownerKind: 'case', ownerId: a.ownerId ?? '', purpose: 'expiry', fireAt: a.dueAt, data: {} }]);
        inside = await clockOf(tx, { id: a.id ?? '' });
        // the pool's handle inside a transaction would wait for a second connection: refused at once
        // (drizzle wraps the driver's error in its own, with the driver's as the cause)
        const refused = await clockOf(t.app.db, { id: a.id ?? '' }).then(() => null, (err: unknown) => (err instanceof Error ? err.cause : err));
        expect(refused).toBeInstanceOf(SecondConnectionError);
        tx.rollback();
      })
      .then(
        () => 'committed',
        (err: unknown) => (err instanceof Error && err.message === 'Rollback' ? 'rolled back' : Promise.reject(err)),
      );
    expect(outcome).toBe('rolled back');
    expect(inside).toHaveLength(1);
    expect(await clockOf(t.app.db, { id: a.id ?? '' })).toEqual([]);
  });

  it("joins a transition's writes into one statement, rows referring to rows of an earlier part, and changes after inserts still land", async () => {
    const a = aClock();
    const timer = { id: randomUUID(), clockId: a.id ?? '', ownerKind: 'case' as const, ownerId: a.ownerId ?? '', purpose: 'expiry' as const, fireAt: a.dueAt, data: {} };
    const at = new Date('2026-03-02T01:02:03.456Z');
    await t.app.db.transaction(async (tx) => {
      await runStatements(tx, [
        insertStatement(clocks, [a], [`clock:${a.id}`]),
        insertStatement(timers, [timer], [`timers:${a.id}`]),
        insertStatement(clockEvents, [{ clockId: a.id ?? '', kind: 'start', at, data: { n: 1 } }]),
        // the clock and its timers written again in the same transition: the inserts must be there first
        updateStatement(clocks, a.id ?? '', { status: 'paused', remainingWorkingDays: 2 }, [`clock:${a.id}`]),
        updateStatement(timers, timer.id, { cancelledAt: at }, [`timers:${a.id}`]),
        insertStatement(clockEvents, [{ clockId: a.id ?? '', kind: 'pause', at, data: { n: 2 } }]),
      ]);
    });
    expect((await clockOf(t.app.db, { id: a.id ?? '' }))[0]).toMatchObject({ status: 'paused', remainingWorkingDays: 2 });
    const [armed] = await t.app.db.select().from(timers).where(eq(timers.id, timer.id));
    expect(armed?.cancelledAt?.toISOString()).toBe(at.toISOString());
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, a.id ?? '')).orderBy(clockEvents.id);
    expect(events.map((e) => [e.kind, e.data])).toEqual([
      ['start', { n: 1 }],
      ['pause', { n: 2 }],
    ]);
  });

  it('sends a statement with a WITH of its own apart from the joined ones around it', async () => {
    const a = aClock();
    const at = new Date('2026-03-02T01:02:03.456Z');
    const own = {
      key: 'own with',
      text: 'with e as (insert into clock_events (clock_id, kind, at, data) values ($1, $2, $3, $4::jsonb) returning id) insert into clock_events (clock_id, kind, at, data) select $1, $5, $3, $6::jsonb from e',
      params: [a.id, 'remind', at.toISOString(), JSON.stringify({ n: 2 }), 'remind', JSON.stringify({ n: 3 })],
      alone: true,
    };
    await t.app.db.transaction(async (tx) => {
      await runStatements(tx, [
        insertStatement(clocks, [a], [`clock:${a.id}`]),
        insertStatement(clockEvents, [{ clockId: a.id ?? '', kind: 'start', at, data: { n: 1 } }]),
        own,
        insertStatement(clockEvents, [{ clockId: a.id ?? '', kind: 'pause', at, data: { n: 4 } }]),
        insertStatement(clockEvents, [{ clockId: a.id ?? '', kind: 'resume', at, data: { n: 5 } }]),
      ]);
    });
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, a.id ?? '')).orderBy(clockEvents.id);
    expect(events.map((e) => (e.data as { n: number }).n).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails the whole transaction when one joined part fails, writing nothing', async () => {
    const a = aClock();
    const orphan = { id: randomUUID(), clockId: randomUUID(), ownerKind: 'case' as const, ownerId: a.ownerId ?? '', purpose: 'expiry' as const, fireAt: a.dueAt, data: {} };
    const failed = await t.app.db
      .transaction((tx) => runStatements(tx, [insertStatement(clocks, [a]), insertStatement(timers, [orphan])]))
      .then(
        () => null,
        (err: unknown) => err as { code?: string },
      );
    // a timer of no clock: the foreign key refuses it at the end of the joined statement
    expect(failed?.code).toBe('23503');
    expect(await clockOf(t.app.db, { id: a.id ?? '' })).toEqual([]);
  });

  it('goes through drizzle as usual for many rows at once', async () => {
    const many = Array.from({ length: 40 }, () => aClock());
    await insertRows(t.app.db, clocks, many);
    const last = many.at(-1);
    expect(await clockOf(t.app.db, { id: last?.id ?? '' })).toHaveLength(1);
  });

  it('stays sound: no column of the schema computes a value in Node on insert or update, which a built text would keep', () => {
    const computed = Object.values(schema)
      .filter((v): v is typeof clocks => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v)
      .flatMap((table) => Object.entries(getTableColumns(table)).filter(([, c]) => c.defaultFn !== undefined || c.onUpdateFn !== undefined).map(([k]) => k));
    expect(computed).toEqual([]);
  });
});

describe('joined writes and the limit on parameters', () => {
  it('sends writes whose parameters together pass the limit as more than one statement, all of them written', async () => {
    // 150 inserts of 32 clocks of 16 parameters: 512 parameters apiece, 76,800 in all
    const batches = Array.from({ length: 150 }, () => Array.from({ length: 32 }, () => aClock()));
    await t.app.db.transaction((tx) => runStatements(tx, batches.map((rows) => insertStatement(clocks, rows))));
    const ids = batches.flat().map((c) => c.id ?? '');
    const found = await t.app.db.select({ id: clocks.id }).from(clocks).where(inArray(clocks.id, ids));
    expect(found).toHaveLength(ids.length);
  });
});

describe('work a transaction left running after it failed', () => {
  it('is refused on its handle, so that nothing of it lands outside the transaction', async () => {
    const late = aClock();
    let lateOutcome: unknown = 'not yet';
    const outcome = await t.app.db
      .transaction(async (tx) => {
        // one branch fails at once; the other goes on and writes after the transaction rolled back
        const straggler = (async () => {
          await new Promise((r) => setTimeout(r, 200));
          await insertRows(tx, clocks, [late]);
        })();
        straggler.then(
          () => (lateOutcome = 'written'),
          (err: unknown) => (lateOutcome = err),
        );
        await Promise.all([straggler, Promise.reject(new Error('a check failed'))]);
      })
      .then(
        () => 'committed',
        (err: unknown) => (err as Error).message,
      );
    expect(outcome).toBe('a check failed');
    await new Promise((r) => setTimeout(r, 400));
    // (before the guard: 'written', and the row committed on its own after the rollback)
    expect(lateOutcome).toBeInstanceOf(TransactionEndedError);
    expect(await clockOf(t.app.db, { id: late.id ?? '' })).toEqual([]);
  });
});
