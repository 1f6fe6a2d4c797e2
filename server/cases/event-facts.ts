import type { Tx } from '../../db/client';
import type { EventsWithFacts, FactsOf, PayloadOf } from '../../workflows/case/events';
import { expertCandidates } from './expert-candidates';
import type { CaseRow } from '../engine/scope';
import { policyChangedSinceVerification, policyFingerprint } from './policy-fingerprint';

// The facts an event carries because only the database knows them (workflows/case/events.ts
// declares which). An event that declares facts without a loader here fails to compile.
const loaders: { [K in EventsWithFacts]: (tx: Tx, row: CaseRow, payload: PayloadOf<K>) => Promise<FactsOf<K>> } = {
  RESUBMIT: async (tx, row) => ({ policyChanged: await policyChangedSinceVerification(tx, row) }),
  VERIFY_POLICY: async (tx, row) => ({ policyFingerprint: await policyFingerprint(tx, row) }),
  ASSIGN_EXPERTS: expertCandidates,
};

export async function eventFacts(tx: Tx, row: CaseRow, body: { type: string }): Promise<Record<string, unknown>> {
  const load = Object.hasOwn(loaders, body.type) ? (loaders[body.type as EventsWithFacts] as (tx: Tx, row: CaseRow, payload: unknown) => Promise<Record<string, unknown>>) : undefined;
  return load ? load(tx, row, body) : {};
}
