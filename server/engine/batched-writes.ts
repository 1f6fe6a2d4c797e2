import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { createActor, transition, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject, type ExecutableActionObject } from 'xstate';
import type { DbOrTx, Tx } from '../../db/client';
import { insertManyRows } from '../../db/shapes';
import { clockEvents, clocks, emailDeliveries, history, notifications, outbox, type OwnerKind } from '../../db/schema';
import { OPEN_CLOCK_STATUSES } from './clocks';
import type { ClockRow } from './pending';

type HistoryRow = typeof history.$inferInsert;
type DeliveryRow = typeof emailDeliveries.$inferInsert;
type NotificationRow = typeof notifications.$inferInsert;
type ClockEventRow = typeof clockEvents.$inferInsert;
type OutboxRow = typeof outbox.$inferInsert;

/**
 * Writes many rows of one kind in a few statements (e.g. `update … from jsonb_to_recordset`): the
 * owners' own rows, which a workflow's `persist` hands to the unit of work instead of updating
 * each at once (`updateLater`).
 */
export type RowsWriter<T> = (tx: Tx, rows: T[]) => Promise<void>;

// gathered rows to a statement
const CHUNK = 1000;

/**
 * `column = any(ids)` with the ids as one array parameter: a statement over thousands of owners
 * binds one value, not thousands (drizzle's inArray binds each).
 */
export const uuidIn = (column: PgColumn, ids: readonly string[]): SQL => sql`${column} = any(${`{${ids.join(',')}}`}::uuid[])`;
const dialect = new PgDialect();

/**
 * A unit of work for one transaction that moves many owners (a disbursement batch's cases, a
 * pro-rata reduction's): the rows nothing reads back before the transaction ends — history
 * entries, email deliveries, in-app notifications, each transition's pending clock events and
 * outbox rows, and the owners' own rows a workflow hands over (`updateLater`) — are gathered and
 * written a thousand to a statement, each statement sent as soon as it is full (the database
 * writes it while the next owners move) and the rest when the work is done. What every transition
 * would read for itself is read once for all when the unit opens: the chains' tails and the open
 * clocks. Who a recipient group is is asked once per group and condition, and XState's inert
 * actor is built once per machine. Each transition still computes its own entry: the history
 * chain is the same, entry for entry (seq, previous hash, hash), as if each had been written at
 * once; the unique key on (owner, seq) still checks it when the rows land. Every statement saved
 * is a round trip (docs/benchmarks.md, "money").
 */
export class BatchedWrites {
  private readonly tails = new Map<string, { seq: number; hash: string }>();
  private readonly historyRows: HistoryRow[] = [];
  private readonly deliveryRows: DeliveryRow[] = [];
  private readonly notificationRows: NotificationRow[] = [];
  private readonly clockEventRows: ClockEventRow[] = [];
  private readonly outboxRows: OutboxRow[] = [];
  private readonly recipients = new Map<string, unknown[]>();
  private readonly clocksOf = new Map<string, ClockRow[]>();
  private readonly scopes = new Map<AnyStateMachine, InertScope>();
  private readonly rowUpdates = new Map<RowsWriter<never>, Map<string, unknown>>();
  // statements already sent, in the order sent: awaited when the work is done
  private readonly sent: Promise<void>[] = [];

  private constructor(
    private readonly tx: Tx,
    private readonly ownerKind: OwnerKind,
  ) {}

  /**
   * The last entry of each owner's chain and each owner's running, paused and expired clocks, read
   * once for all of them. The caller holds the owners' row locks, so neither can change before the
   * transaction ends except through the transitions of this unit of work.
   */
  static async open(tx: Tx, ownerKind: OwnerKind, ownerIds: readonly string[]): Promise<BatchedWrites> {
    const w = new BatchedWrites(tx, ownerKind);
    for (const id of ownerIds) {
      w.tails.set(id, { seq: 0, hash: '' });
      w.clocksOf.set(id, []);
    }
    // every owner's in one statement each (their ids one parameter), the two sent together
    const [tails, open] = await Promise.all([
      tx
        .selectDistinctOn([history.ownerId], { ownerId: history.ownerId, seq: history.seq, hash: history.hash })
        .from(history)
        .where(and(eq(history.ownerKind, ownerKind), uuidIn(history.ownerId, ownerIds)))
        .orderBy(history.ownerId, sql`${history.seq} desc`),
      tx
        .select()
        .from(clocks)
        .where(and(eq(clocks.ownerKind, ownerKind), uuidIn(clocks.ownerId, ownerIds), inArray(clocks.status, [...OPEN_CLOCK_STATUSES])))
        .orderBy(clocks.ownerId, clocks.startedAt, clocks.id),
    ]);
    for (const r of tails) w.tails.set(r.ownerId, { seq: r.seq, hash: r.hash });
    for (const c of open) w.clocksOf.get(c.ownerId)?.push(c);
    return w;
  }

  /** Whether this unit of work holds the chain of the owner (read when it was opened). */
  covers(ownerKind: OwnerKind, ownerId: string): boolean {
    return ownerKind === this.ownerKind && this.tails.has(ownerId);
  }

  /** The owner's last seq and hash (empty hash: no entry yet); the caller appends the next one. */
  tail(ownerId: string): { seq: number; hash: string } {
    const t = this.tails.get(ownerId);
    if (!t) throw new Error(`history of ${ownerId} is not held by this unit of work`);
    return t;
  }

  /**
   * The owner's open clocks as read when the unit opened, kept current by its transitions' own
   * clock changes (a transition hands this list to its PendingWrites, which changes it in place).
   */
  openClocks(ownerKind: OwnerKind, ownerId: string): ClockRow[] | undefined {
    return ownerKind === this.ownerKind ? this.clocksOf.get(ownerId) : undefined;
  }

  /**
   * An update of an owner's own row (its snapshot, state, version…) that nothing in the unit reads
   * back: written with the others `writer` gathers, in a few statements, when the work is done. A
   * second update of the same row replaces the first, as a second UPDATE would have.
   */
  updateLater<T>(writer: RowsWriter<T>, ownerId: string, values: T): void {
    const rows = this.rowUpdates.get(writer as RowsWriter<never>) ?? new Map<string, unknown>();
    this.rowUpdates.set(writer as RowsWriter<never>, rows);
    rows.set(ownerId, values);
    if (rows.size >= CHUNK) {
      this.rowUpdates.delete(writer as RowsWriter<never>);
      this.send((writer as RowsWriter<unknown>)(this.tx, [...rows.values()]));
    }
  }

  /** XState's `transition` for a transition of this unit of work, its inert actor built once per machine (machineStep). */
  transition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, ExecutableActionObject[]] {
    return machineStep(this.scopes, machine, snapshot, event);
  }

  addHistory(row: HistoryRow & { seq: number; hash: string }): void {
    this.historyRows.push(row);
    this.tails.set(row.ownerId, { seq: row.seq, hash: row.hash });
    this.sendFull(history, this.historyRows);
  }

  addEmails(deliveries: readonly DeliveryRow[], inApp: readonly NotificationRow[]): void {
    this.deliveryRows.push(...deliveries);
    this.notificationRows.push(...inApp);
    this.sendFull(emailDeliveries, this.deliveryRows);
    this.sendFull(notifications, this.notificationRows);
  }

  /** A transition's pending clock events and outbox rows (engine/pending.ts). */
  addPending(events: readonly ClockEventRow[], messages: readonly OutboxRow[]): void {
    this.clockEventRows.push(...events);
    this.outboxRows.push(...messages);
    this.sendFull(clockEvents, this.clockEventRows);
    this.sendFull(outbox, this.outboxRows);
  }

  // A full statement's worth of rows is sent at once, not awaited: the database writes it while
  // the next owners move in memory (the writes stay in the order sent, on the transaction's one
  // connection). Nothing in the unit reads these rows back.
  private sendFull(table: PgTable, rows: Record<string, unknown>[]): void {
    if (rows.length >= CHUNK) this.send(insertManyRows(this.tx, table, rows.splice(0)));
  }

  private send(write: Promise<void>): void {
    // its failure is answered when the work is done (withBatchedWrites), not as an unhandled rejection
    write.catch(() => undefined);
    this.sent.push(write);
  }

  /** Waits for every statement sent; answers the first that failed, in the order sent. */
  async settle(): Promise<unknown> {
    const results = await Promise.allSettled(this.sent.splice(0));
    const failed = results.find((r) => r.status === 'rejected');
    return failed?.status === 'rejected' ? (failed.reason as unknown) ?? new Error('a write of the unit of work failed') : undefined;
  }

  /** The rows of `condition` (a select on users), asked once per condition within this unit of work. */
  async once<T>(condition: SQL, query: () => Promise<T[]>): Promise<T[]> {
    const q = dialect.sqlToQuery(condition);
    return this.onceByKey(`sql\u0000${q.sql}\u0000${JSON.stringify(q.params)}`, query);
  }

  /** The rows of a condition the caller names by `key` (EffectScope.recipientsKey), asked once per key within this unit of work. */
  async onceByKey<T>(key: string, query: () => Promise<T[]>): Promise<T[]> {
    const known = this.recipients.get(key);
    if (known) return known as T[];
    const rows = await query();
    this.recipients.set(key, rows);
    return rows;
  }

  /** Sends what is left and waits for everything sent; the first write that failed fails the flush. */
  async flush(): Promise<void> {
    // the owners' rows first: a writer that finds a row not as its lock left it fails the transaction
    for (const [writer, rows] of [...this.rowUpdates]) {
      this.rowUpdates.delete(writer);
      this.send((writer as RowsWriter<unknown>)(this.tx, [...rows.values()]));
    }
    for (const [table, rows] of [
      [history, this.historyRows.splice(0)],
      [emailDeliveries, this.deliveryRows.splice(0)],
      [notifications, this.notificationRows.splice(0)],
      [clockEvents, this.clockEventRows.splice(0)],
      [outbox, this.outboxRows.splice(0)],
    ] as const) {
      if (rows.length > 0) this.send(insertManyRows(this.tx, table, rows as Record<string, unknown>[]));
    }
    const failed = await this.settle();
    if (failed !== undefined) throw failed;
  }
}

/** xstate's inert actor scope for one machine (see machineStep), and what it collects. */
interface InertScope {
  actorScope: AnyActorScope;
  executed: ExecutableActionObject[];
}

/**
 * XState's pure `transition(machine, snapshot, event)`, for many transitions of one machine in one
 * unit of work. xstate builds a new inert actor scope on every call, and the actor in it computes
 * the machine's initial snapshot each time — the larger part of a transition's cost; here that
 * scope is built once per machine and reused. It executes nothing (the actions a transition
 * decides are collected and returned, as xstate returns them) and keeps nothing between calls but
 * its actor system, which only actors a transition spawns or invokes would use: a snapshot that
 * holds or gains any child actor is left to xstate's own `transition`, which is pure, so the
 * answer is xstate's either way.
 */
function machineStep(scopes: Map<AnyStateMachine, InertScope>, machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): [AnyMachineSnapshot, ExecutableActionObject[]] {
  const plain = () => transition(machine, snapshot, event) as [AnyMachineSnapshot, ExecutableActionObject[]];
  if (Object.keys(snapshot.children).length > 0) return plain();
  let held = scopes.get(machine);
  if (!held) {
    // as xstate's createInertActorScope builds it (xstate.cjs.js), once
    const self = createActor(machine);
    const executed: ExecutableActionObject[] = [];
    const actorScope = {
      self,
      defer: () => undefined,
      id: '',
      logger: () => undefined,
      sessionId: '',
      stopChild: () => undefined,
      system: self.system,
      emit: () => undefined,
      actionExecutor: (action: ExecutableActionObject) => void executed.push(action),
    } as unknown as AnyActorScope;
    held = { actorScope, executed };
    scopes.set(machine, held);
  }
  held.executed.length = 0;
  const next = machine.transition(snapshot, event, held.actorScope) as AnyMachineSnapshot;
  const actions = held.executed.splice(0);
  if (Object.keys(next.children).length > 0) return plain();
  return [next, actions];
}

const open = new WeakMap<object, BatchedWrites>();

/** The unit of work open on this transaction, if any. */
export const batchedWritesOf = (db: DbOrTx): BatchedWrites | undefined => open.get(db);

/**
 * Runs `fn` with a unit of work open on `tx` for the history and open clocks of `ownerIds`, whose
 * rows the caller has locked, and writes what it gathers — a thousand rows of a kind as soon as
 * they are there, the rest when `fn` is done; if `fn` throws, the transaction is rolled back with
 * whatever was sent. Nothing inside `fn` may read back the history, deliveries, notifications,
 * clock events, outbox or owner rows it hands to the unit.
 */
export async function withBatchedWrites<T>(tx: Tx, ownerKind: OwnerKind, ownerIds: readonly string[], fn: () => Promise<T>): Promise<T> {
  if (open.has(tx)) throw new Error('a unit of work is already open on this transaction');
  const w = await BatchedWrites.open(tx, ownerKind, ownerIds);
  open.set(tx, w);
  try {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      // a statement sent early that failed aborted the transaction: it is the cause, not what failed after it
      throw (await w.settle()) ?? err;
    }
    await w.flush();
    return result;
  } finally {
    open.delete(tx);
  }
}
