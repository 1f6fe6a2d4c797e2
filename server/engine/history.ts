import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { caseHistory } from '../../db/schema';

export const GENESIS_HASH = '0'.repeat(64);

export interface HistoryEntry {
  caseId: string;
  eventType: string;
  actorId: string | null;
  actorRole: string | null;
  at: Date;
  requestId: string | null;
  stateBefore: string | null;
  stateAfter: string;
  payload: unknown;
  machineVersion: string;
}

// The hash covers every column an auditor reads, in RFC 8785 canonical JSON, so that jsonb's
// own key ordering cannot change it and any edited field breaks the chain from that row on.
export function entryHash(prevHash: string, seq: number, e: HistoryEntry): string {
  const body = canonicalize({ ...e, at: e.at.toISOString(), seq, prevHash });
  return createHash('sha256').update(body ?? '').digest('hex');
}

/** Appends one row; the caller holds the case row lock, so `seq` cannot race. */
export async function appendHistory(db: DbOrTx, e: HistoryEntry): Promise<number> {
  const [last] = await db
    .select({ seq: caseHistory.seq, hash: caseHistory.hash })
    .from(caseHistory)
    .where(eq(caseHistory.caseId, e.caseId))
    .orderBy(desc(caseHistory.seq))
    .limit(1);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  await db.insert(caseHistory).values({ ...e, payload: e.payload ?? {}, seq, prevHash, hash: entryHash(prevHash, seq, e) });
  return seq;
}

export interface ChainReport {
  caseId: string;
  valid: boolean;
  entries: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

export async function verifyChain(db: DbOrTx, caseId: string): Promise<ChainReport> {
  const rows = await db.select().from(caseHistory).where(eq(caseHistory.caseId, caseId)).orderBy(asc(caseHistory.seq));
  let prev = GENESIS_HASH;
  for (const [i, row] of rows.entries()) {
    const broken = (problem: string): ChainReport => ({ caseId, valid: false, entries: rows.length, firstBrokenSeq: row.seq, problem });
    if (row.seq !== i + 1) return broken(`sequence gap: expected ${i + 1}, found ${row.seq}`);
    if (row.prevHash !== prev) return broken('link to the previous entry does not match');
    const { id: _id, seq, prevHash: _p, hash, ...entry } = row;
    if (entryHash(prev, seq, entry) !== hash) return broken('entry content does not match its hash');
    prev = hash;
  }
  return { caseId, valid: true, entries: rows.length, firstBrokenSeq: null, problem: null };
}
