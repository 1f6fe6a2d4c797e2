import type { Tx } from '../../db/client';
import { clockEvents, clocks, outbox } from '../../db/schema';
import type { EffectScope } from './scope';
import type { OutboxMessage } from '../jobs/registry';
import { batchedWritesOf } from './batched-writes';
import { insertRows, insertStatement, runStatements, type Statement } from '../../db/shapes';

type ClockEventRow = typeof clockEvents.$inferInsert;
type OutboxRow = typeof outbox.$inferInsert;
export type ClockRow = typeof clocks.$inferSelect;

/** A write nothing in the transition reads back: sent when the writes are flushed. */
export type Write = Statement;

/**
 * The writes of one transition, sent together at its end (docs/benchmarks.md: every statement
 * costs a round trip and a system call). Nothing in a transition reads back what it writes
 * except the owner's open clocks, which are read once (`openClocks`) and kept current here by the
 * transition's own clock changes. At the end every write is issued at once, in the order it was
 * made, joined into as few statements as they can be (db/shapes.ts, runStatements): a row is
 * inserted no later than the rows that refer to it. Clock events and outbox rows are gathered into
 * one insert each. Outside a transition, writes go at once.
 */
export class PendingWrites {
  private readonly writes: Write[] = [];
  private readonly events: ClockEventRow[] = [];
  private readonly messages: OutboxRow[] = [];
  /** the owner's running, paused and expired clocks as this transition leaves them, once read */
  openClocks: ClockRow[] | null = null;
  /** clocks this transition started before it read the open ones (they are not in the database yet) */
  readonly startedClocks: ClockRow[] = [];

  add(kind: 'clockEvent', row: ClockEventRow): void;
  add(kind: 'outbox', row: OutboxRow): void;
  add(kind: 'clockEvent' | 'outbox', row: ClockEventRow | OutboxRow): void {
    if (kind === 'clockEvent') this.events.push(row as ClockEventRow);
    else this.messages.push(row as OutboxRow);
  }

  later(write: Write): void {
    this.writes.push(write);
  }

  /** Sends every gathered write at once (one round trip) and waits for them. */
  async flush(tx: Tx): Promise<void> {
    const writes = this.writes.splice(0);
    const events = this.events.splice(0);
    const messages = this.messages.splice(0);
    // many owners moved in one transaction: their clock events and outbox rows go with the others'
    // when that work is done (batched-writes.ts)
    const batched = batchedWritesOf(tx);
    if (batched) batched.addPending(events.splice(0), messages.splice(0));
    if (events.length > 0) writes.push(insertStatement(clockEvents, events));
    if (messages.length > 0) writes.push(insertStatement(outbox, messages));
    // a statement that must go alone (a notify's, which finds its people itself and refers to no
    // other write of the transition) goes last, so that it does not split the others' statement
    await runStatements(tx, [...writes.filter((w) => !w.alone), ...writes.filter((w) => w.alone)]);
  }
}

/** A write of an effect: gathered inside a transition, made at once outside one. */
export async function write(s: Pick<EffectScope, 'pending' | 'tx'>, w: Write): Promise<void> {
  if (s.pending) s.pending.later(w);
  else await runStatements(s.tx, [w]);
}

export async function writeClockEvent(s: EffectScope, row: ClockEventRow): Promise<void> {
  if (s.pending) s.pending.add('clockEvent', row);
  else await insertRows(s.tx, clockEvents, [row]);
}

/** Rows are typed by the job registry: a topic nobody handles, or a payload of the wrong shape, does not compile. */
export async function writeOutbox(s: EffectScope, rows: (OutboxMessage & { createdAt?: Date })[]): Promise<void> {
  if (rows.length === 0) return;
  if (s.pending) for (const row of rows) s.pending.add('outbox', row);
  else await insertRows(s.tx, outbox, rows);
}
