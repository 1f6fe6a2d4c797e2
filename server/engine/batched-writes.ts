import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx, Tx } from '../../db/client';
import { clockEvents, emailDeliveries, history, notifications, outbox, type OwnerKind } from '../../db/schema';

type HistoryRow = typeof history.$inferInsert;
type DeliveryRow = typeof emailDeliveries.$inferInsert;
type NotificationRow = typeof notifications.$inferInsert;
type ClockEventRow = typeof clockEvents.$inferInsert;
type OutboxRow = typeof outbox.$inferInsert;

// rows to an insert: well under the parameter limit at a dozen columns each
const CHUNK = 1000;
const dialect = new PgDialect();

/**
 * A unit of work for one transaction that moves many owners (a disbursement batch's cases, a
 * pro-rata reduction's): the rows nothing reads back before the transaction ends — history
 * entries, email deliveries, in-app notifications, and each transition's pending clock events and
 * outbox rows — are gathered and written with one insert per
 * thousand rows when the work is done, and who a recipient group is is asked once per group and
 * condition. Each transition still computes its own entry: the history chain is the same, entry
 * for entry (seq, previous hash, hash), as if each had been written at once; the unique key on
 * (owner, seq) still checks it when the rows land. Every statement saved is a round trip
 * (docs/benchmarks.md, "money").
 */
export class BatchedWrites {
  private readonly tails = new Map<string, { seq: number; hash: string }>();
  private readonly historyRows: HistoryRow[] = [];
  private readonly deliveryRows: DeliveryRow[] = [];
  private readonly notificationRows: NotificationRow[] = [];
  private readonly clockEventRows: ClockEventRow[] = [];
  private readonly outboxRows: OutboxRow[] = [];
  private readonly recipients = new Map<string, unknown[]>();

  private constructor(private readonly ownerKind: OwnerKind) {}

  /** The last entry of each owner's chain, read once for all of them. */
  static async open(tx: Tx, ownerKind: OwnerKind, ownerIds: readonly string[]): Promise<BatchedWrites> {
    const w = new BatchedWrites(ownerKind);
    for (const id of ownerIds) w.tails.set(id, { seq: 0, hash: '' });
    for (let i = 0; i < ownerIds.length; i += CHUNK) {
      const rows = await tx
        .selectDistinctOn([history.ownerId], { ownerId: history.ownerId, seq: history.seq, hash: history.hash })
        .from(history)
        .where(and(eq(history.ownerKind, ownerKind), inArray(history.ownerId, ownerIds.slice(i, i + CHUNK))))
        .orderBy(history.ownerId, sql`${history.seq} desc`);
      for (const r of rows) w.tails.set(r.ownerId, { seq: r.seq, hash: r.hash });
    }
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

  addHistory(row: HistoryRow & { seq: number; hash: string }): void {
    this.historyRows.push(row);
    this.tails.set(row.ownerId, { seq: row.seq, hash: row.hash });
  }

  addEmails(deliveries: readonly DeliveryRow[], inApp: readonly NotificationRow[]): void {
    this.deliveryRows.push(...deliveries);
    this.notificationRows.push(...inApp);
  }

  /** A transition's pending clock events and outbox rows (engine/pending.ts). */
  addPending(events: readonly ClockEventRow[], messages: readonly OutboxRow[]): void {
    this.clockEventRows.push(...events);
    this.outboxRows.push(...messages);
  }

  /** The rows of `condition` (a select on users), asked once per condition within this unit of work. */
  async once<T>(condition: SQL, query: () => Promise<T[]>): Promise<T[]> {
    const q = dialect.sqlToQuery(condition);
    const key = `${q.sql}\u0000${JSON.stringify(q.params)}`;
    const known = this.recipients.get(key);
    if (known) return known as T[];
    const rows = await query();
    this.recipients.set(key, rows);
    return rows;
  }

  async flush(tx: Tx): Promise<void> {
    for (const [table, rows] of [
      [history, this.historyRows.splice(0)],
      [emailDeliveries, this.deliveryRows.splice(0)],
      [notifications, this.notificationRows.splice(0)],
      [clockEvents, this.clockEventRows.splice(0)],
      [outbox, this.outboxRows.splice(0)],
    ] as const) {
      for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(table).values(rows.slice(i, i + CHUNK) as never[]);
    }
  }
}

const open = new WeakMap<object, BatchedWrites>();

/** The unit of work open on this transaction, if any. */
export const batchedWritesOf = (db: DbOrTx): BatchedWrites | undefined => open.get(db);

/**
 * Runs `fn` with a unit of work open on `tx` for the history of `ownerIds`, and writes what it
 * gathered when `fn` is done; nothing is written if `fn` throws (the transaction is then rolled
 * back anyway). Nothing inside `fn` may read back the history, deliveries or notifications it adds.
 */
export async function withBatchedWrites<T>(tx: Tx, ownerKind: OwnerKind, ownerIds: readonly string[], fn: () => Promise<T>): Promise<T> {
  if (open.has(tx)) throw new Error('a unit of work is already open on this transaction');
  const w = await BatchedWrites.open(tx, ownerKind, ownerIds);
  open.set(tx, w);
  try {
    const result = await fn();
    await w.flush(tx);
    return result;
  } finally {
    open.delete(tx);
  }
}
