import type { ClockKindSpec } from '../kernel/clock-spec';

/** Who a claim's emails go to: the staff of the policy's insurer, and the firm that reported it. */
export const CLAIM_RECIPIENT_GROUPS = ['insurer', 'firm'] as const;
export type ClaimRecipientGroup = (typeof CLAIM_RECIPIENT_GROUPS)[number];

// SPEC §4 gives a claim no deadline of its own: the insurer's decision runs on the policy's terms,
// not the programme's. A kind declared here is all the engine needs to run one later.
export const claimClocks = {} as const satisfies Record<string, ClockKindSpec<ClaimRecipientGroup>>;

export type ClaimClockKind = keyof typeof claimClocks;
