import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { history, type OwnerKind } from '../../db/schema';
import { batchedWritesOf } from './batched-writes';
import { insertRows, insertStatement, p, shaped, type Statement } from '../../db/shapes';

export const GENESIS_HASH = '0'.repeat(64);

export interface HistoryEntry {
  ownerKind: OwnerKind;
  ownerId: string;
  eventType: string;
  actorId: string | null;
  actorRole: string | null;
  at: Date;
  requestId: string | null;
  stateBefore: string | null;
  stateAfter: string;
  payload: Record<string, unknown>;
  machineVersion: string;
}

// The hash covers every column an auditor reads, in RFC 8785 canonical JSON, so that jsonb's
// own key ordering cannot change it and any edited field breaks the chain from that row on. The
// owner is hashed as `<kind>Id` (`caseId`, `noticeId`, …): the chains written before owners
// existed named the case so, and still verify.
export function entryHash(prevHash: string, seq: number, e: HistoryEntry): string {
  const { ownerKind, ownerId, ...rest } = e;
  const body = canonicalize({ ...rest, [`${ownerKind}Id`]: ownerId, at: e.at.toISOString(), seq, prevHash });
  return createHash('sha256').update(body ?? '').digest('hex');
}

/** The last entry of an owner's chain: what the next one links to. */
export interface ChainTail {
  seq: number;
  hash: string;
}

/** Reads the last entry of an owner's chain (none yet: the genesis). */
export async function historyTail(db: DbOrTx, ownerKind: OwnerKind, ownerId: string): Promise<ChainTail> {
  const [last] = await lastEntry(db, { ownerKind, ownerId });
  return last ?? { seq: 0, hash: GENESIS_HASH };
}

const lastEntry = shaped<{ ownerKind: OwnerKind; ownerId: string }, ChainTail[]>('history tail', (b) =>
  b
    .select({ seq: history.seq, hash: history.hash })
    .from(history)
    .where(and(eq(history.ownerKind, p('ownerKind')), eq(history.ownerId, p('ownerId'))))
    .orderBy(desc(history.seq))
    .limit(1),
);

/**
 * Appends one row; the caller holds the owner's row lock, so `seq` cannot race. A caller that
 * read the tail under that lock already (a transition, with its load) passes it, and may gather
 * the insert with its other writes rather than send it at once. Inside a unit of
 * work that holds the owner's chain (batched-writes.ts) the row is computed the same way from the
 * unit's own tail and written with the others when the work is done.
 */
export async function appendHistory(db: DbOrTx, e: HistoryEntry, tail?: ChainTail, gather?: (row: Statement) => void): Promise<number> {
  const batched = batchedWritesOf(db);
  if (batched?.covers(e.ownerKind, e.ownerId)) {
    const held = batched.tail(e.ownerId);
    const seq = held.seq + 1;
    const prevHash = held.seq === 0 ? GENESIS_HASH : held.hash;
    batched.addHistory({ ...e, payload: e.payload ?? {}, seq, prevHash, hash: entryHash(prevHash, seq, e) });
    return seq;
  }
  const last = tail ?? (await historyTail(db, e.ownerKind, e.ownerId));
  const seq = last.seq + 1;
  const row = { ...e, payload: e.payload ?? {}, seq, prevHash: last.hash, hash: entryHash(last.hash, seq, e) };
  // a transition sends it with its other writes (PendingWrites)
  if (gather) gather(insertStatement(history, [row]));
  else await insertRows(db, history, [row]);
  return seq;
}

export interface ChainReport {
  valid: boolean;
  entries: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

/** Walks one owner's chain from its first entry: the first entry whose link or content is off breaks it. */
export async function verifyChain(db: DbOrTx, ownerKind: OwnerKind, ownerId: string): Promise<ChainReport> {
  const rows = await db
    .select()
    .from(history)
    .where(and(eq(history.ownerKind, ownerKind), eq(history.ownerId, ownerId)))
    .orderBy(asc(history.seq));
  let prev = GENESIS_HASH;
  for (const [i, row] of rows.entries()) {
    const broken = (problem: string): ChainReport => ({ valid: false, entries: rows.length, firstBrokenSeq: row.seq, problem });
    if (row.seq !== i + 1) return broken(`sequence gap: expected ${i + 1}, found ${row.seq}`);
    if (row.prevHash !== prev) return broken('link to the previous entry does not match');
    const { id: _id, seq, prevHash: _p, hash, ...entry } = row;
    if (entryHash(prev, seq, entry) !== hash) return broken('entry content does not match its hash');
    prev = hash;
  }
  return { valid: true, entries: rows.length, firstBrokenSeq: null, problem: null };
}
