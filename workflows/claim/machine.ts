import { setup } from 'xstate';
import type { TemplateName } from '../../server/mail/templates';
import type { Role } from '../../db/schema/accounts';
import type { ClaimRecipientGroup } from './clocks';

// 理赔 (SPEC §1, §4): a loss under the policy of an approved case, reported by the firm and decided
// by the policy's insurer. A small machine of its own: reported → paid | denied.

export interface ClaimMeta {
  at: string;
  actorId: string | null;
  role: Role | 'system';
}
export const CLAIM_KINDS = ['quality', 'liability'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

// Money travels as yuan strings with two decimals ("1234.50"): the snapshot and the history are
// JSON, and a bigint has no JSON form.
export type ClaimEvent =
  | { type: 'REPORT'; occurredOn: string; kind: ClaimKind; amount: string; description: string; meta: ClaimMeta }
  | { type: 'PAY'; amount: string; reference: string; meta: ClaimMeta }
  | { type: 'DENY'; reason: string; meta: ClaimMeta };
export type ClaimEventType = ClaimEvent['type'];
/** What a person sends to a reported claim; REPORT is sent only by the service that creates it. */
export const DECISION_EVENTS = ['PAY', 'DENY'] as const;
export type DecisionEventType = (typeof DECISION_EVENTS)[number];

export interface ClaimContext {
  claimId: string;
  caseId: string;
}
export interface ClaimStateMeta {
  /** who may send which event here, as on the case chart */
  may?: Partial<Record<ClaimEventType, readonly (Role | 'system')[]>>;
  /** whose inbox lists claims waiting here, and what for (server/tasks/claims.ts) */
  task?: { role: Role; label: { zh: string; en: string } };
}

export const CLAIM_MACHINE_VERSION = 'claim@1';

const claimSetup = setup({
  types: { context: {} as ClaimContext, events: {} as ClaimEvent, input: {} as ClaimContext, meta: {} as ClaimStateMeta },
  // named here, executed by the engine in the claim's transaction (server/engine/effects.ts)
  actions: {
    notify: (_: unknown, _params: { template: TemplateName; to: ClaimRecipientGroup[] }) => undefined,
  },
});

export const claimMachine = claimSetup.createMachine({
  id: 'claim',
  initial: 'new',
  context: ({ input }) => ({ claimId: input.claimId, caseId: input.caseId }),
  states: {
    // only inside the transaction that creates the claim: REPORT is its first history entry
    new: {
      meta: { may: { REPORT: ['firm'] } },
      on: {
        REPORT: { target: 'reported', actions: [{ type: 'notify', params: { template: 'claim.reported', to: ['insurer'] } }] },
      },
    },
    // four eyes does not apply: one person of the insurer decides, as the policy lets them
    reported: {
      meta: { may: { PAY: ['insurer'], DENY: ['insurer'] }, task: { role: 'insurer', label: { zh: '理赔决定', en: 'decide the claim' } } },
      on: {
        PAY: { target: 'paid', actions: [{ type: 'notify', params: { template: 'claim.paid', to: ['firm'] } }] },
        DENY: { target: 'denied', actions: [{ type: 'notify', params: { template: 'claim.denied', to: ['firm'] } }] },
      },
    },
    paid: { type: 'final' },
    denied: { type: 'final' },
  },
});

export type ClaimMachine = typeof claimMachine;
export const claimMachines: Record<string, ClaimMachine> = { [CLAIM_MACHINE_VERSION]: claimMachine };
