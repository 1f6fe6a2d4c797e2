import type { Tx } from '../../db/client';
import type { EventsWithFacts, FactsOf, PayloadOf } from '../../workflows/case/events';
import { expertCandidates } from './expert-candidates';
import type { CaseRow } from '../engine/scope';
import { policyChangedSinceVerification, policyFingerprint } from './policy-fingerprint';

// The facts an event carries because only the database knows them (workflows/case/events.ts
// declares which). An event that declares facts without a loader here fails to compile.
const loaders: { [K in EventsWithFacts]: (tx: Tx, row: CaseRow, event: PayloadOf<K> & { meta: { actorId: string | null } }) => Promise<FactsOf<K>> } = {
  SUBMIT: async (_tx, row) => ({ policyEndsOn: row.policy.endsOn ?? null }),
  RESUBMIT: async (tx, row) => ({ policyChanged: await policyChangedSinceVerification(tx, row), policyEndsOn: row.policy.endsOn ?? null }),
  VERIFY_POLICY: async (tx, row) => ({ policyFingerprint: await policyFingerprint(tx, row) }),
  ASSIGN_EXPERTS: expertCandidates,
};

export async function eventFacts(tx: Tx, row: CaseRow, event: { type: string; meta: { actorId: string | null } }): Promise<Record<string, unknown>> {
  const load = Object.hasOwn(loaders, event.type) ? (loaders[event.type as EventsWithFacts] as (tx: Tx, row: CaseRow, event: unknown) => Promise<Record<string, unknown>>) : undefined;
  return load ? load(tx, row, event) : {};
}
