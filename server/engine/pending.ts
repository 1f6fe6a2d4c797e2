import type { Tx } from '../../db/client';
import { clockEvents, outbox } from '../../db/schema';
import type { EffectScope } from './scope';
import type { OutboxMessage } from '../jobs/registry';
import { batchedWritesOf } from './batched-writes';

type ClockEventRow = typeof clockEvents.$inferInsert;
type OutboxRow = typeof outbox.$inferInsert;

/**
 * Rows a transition's effects add that nothing reads back within it — clock events and outbox
 * rows — are gathered and written with one insert each when the effects are done: every
 * statement costs a round trip (docs/benchmarks.md). Outside a transition they go at once.
 */
export class PendingWrites {
  private readonly events: ClockEventRow[] = [];
  private readonly messages: OutboxRow[] = [];

  add(kind: 'clockEvent', row: ClockEventRow): void;
  add(kind: 'outbox', row: OutboxRow): void;
  add(kind: 'clockEvent' | 'outbox', row: ClockEventRow | OutboxRow): void {
    if (kind === 'clockEvent') this.events.push(row as ClockEventRow);
    else this.messages.push(row as OutboxRow);
  }

  async flush(tx: Tx): Promise<void> {
    // many owners moved in one transaction: their rows go with the others' when the work is done
    const batched = batchedWritesOf(tx);
    if (batched) {
      batched.addPending(this.events.splice(0), this.messages.splice(0));
      return;
    }
    if (this.events.length > 0) await tx.insert(clockEvents).values(this.events.splice(0));
    if (this.messages.length > 0) await tx.insert(outbox).values(this.messages.splice(0));
  }
}

export async function writeClockEvent(s: EffectScope, row: ClockEventRow): Promise<void> {
  if (s.pending) s.pending.add('clockEvent', row);
  else await s.tx.insert(clockEvents).values(row);
}

/** Rows are typed by the job registry: a topic nobody handles, or a payload of the wrong shape, does not compile. */
export async function writeOutbox(s: EffectScope, rows: (OutboxMessage & { createdAt?: Date })[]): Promise<void> {
  if (rows.length === 0) return;
  if (s.pending) for (const row of rows) s.pending.add('outbox', row);
  else await s.tx.insert(outbox).values(rows);
}
