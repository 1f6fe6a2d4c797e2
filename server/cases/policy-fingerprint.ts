import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { p, shaped } from '../../db/shapes';
import { history, documents } from '../../db/schema';
import type { CaseRow } from '../engine/scope';

// What the insurer vouches for: the policy's data and the documents that prove it.
const POLICY_DOCUMENTS = ['insurance_policy', 'premium_invoice', 'premium_payment_proof'] as const;

export async function policyFingerprint(tx: Tx, row: CaseRow): Promise<string> {
  const docs = await tx
    .selectDistinctOn([documents.type], { type: documents.type, sha256: documents.sha256 })
    .from(documents)
    .where(and(eq(documents.caseId, row.id), inArray(documents.type, [...POLICY_DOCUMENTS])))
    .orderBy(documents.type, desc(documents.version));
  const body = {
    insurerId: row.insurerId,
    policy: row.policy,
    liabilityLimitFen: row.liabilityLimitFen?.toString() ?? null,
    premiumFen: row.premiumFen?.toString() ?? null,
    documents: Object.fromEntries(docs.map((d) => [d.type, d.sha256])),
  };
  return createHash('sha256').update(canonicalize(body) ?? '').digest('hex');
}

/** Whether the policy differs from the one the insurer last verified (false if never verified). */
export async function policyChangedSinceVerification(tx: Tx, row: CaseRow): Promise<boolean> {
  const [verified] = await lastVerified(tx, { caseId: row.id });
  if (!verified?.fingerprint) return false;
  return verified.fingerprint !== (await policyFingerprint(tx, row));
}

// read by every resubmission: built once (db/shapes.ts)
const lastVerified = shaped<{ caseId: string }, { fingerprint: string | null }[]>('last policy verification', (b) =>
  b
    .select({ fingerprint: sql<string | null>`${history.payload}->>'policyFingerprint'` })
    .from(history)
    .where(and(eq(history.ownerId, p('caseId')), eq(history.eventType, 'VERIFY_POLICY')))
    .orderBy(desc(history.seq))
    .limit(1),
);
