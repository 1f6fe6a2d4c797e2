import { and, arrayContains, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { claims, users } from '../../db/schema';
import type { AppContext } from '../context';
import type { EffectScope } from '../engine/scope';
import { groupedYuan, parseYuan } from '../domain/money';
import { defaultClockLengths } from '../engine/clock-kinds';
import { CLAIM_RECIPIENT_GROUPS, claimClocks, type ClaimRecipientGroup } from '../../workflows/claim/clocks';
import type { ClaimEvent } from '../../workflows/claim/machine';

export type ClaimRow = typeof claims.$inferSelect;

/** What a claim's rules and emails need of its case, read with the claim in one statement. */
export interface ClaimFacts {
  caseId: string;
  caseNumber: string;
  enterpriseId: string;
  firmName: string;
  city: string;
  /** the policy's insurer, whose staff decide the claim */
  insurerId: string | null;
  materialName: string;
}

const KIND_WORDS = { quality: { zh: '质量风险', en: 'quality' }, liability: { zh: '责任风险', en: 'liability' } } as const;

/**
 * What the engine's effects need to know about a claim: who its groups are and its words. A claim
 * has no clocks, so the lengths are the defaults nobody reads. `event` adds the decision's words.
 */
export async function claimScope(
  tx: Tx,
  app: AppContext,
  loaded: { row: ClaimRow; facts: ClaimFacts },
  now: Date,
  actorId: string | null,
  event?: ClaimEvent,
): Promise<Omit<EffectScope, 'pending'>> {
  const { row, facts } = loaded;
  const base = app.env.PUBLIC_URL ?? `http://localhost:${app.env.PORT}`;
  const decision = decisionWords(row, event);
  return {
    tx,
    app,
    owner: { kind: 'claim', id: row.id },
    now,
    calendar: await app.calendar.get(tx),
    actorId,
    clockLengths: defaultClockLengths,
    clocks: claimClocks,
    groups: CLAIM_RECIPIENT_GROUPS,
    recipients: (group) => recipientsOf(facts, asGroup(group)),
    ...(decision.reason ? { reason: decision.reason } : {}),
    mailVars: {
      claimNumber: row.number,
      caseNumber: facts.caseNumber,
      firmName: facts.firmName,
      materialName: facts.materialName,
      kindZh: KIND_WORDS[row.kind].zh,
      kindEn: KIND_WORDS[row.kind].en,
      occurredOn: row.occurredOn,
      amount: groupedYuan(row.amountFen),
      paidAmount: decision.paidAmount,
      reference: decision.reference,
      // claims are read on the page of their case
      link: `${base}/cases/${facts.caseId}`,
    },
  };
}

/** The decision being taken (from the event) or already taken (from the row). */
function decisionWords(row: ClaimRow, event: ClaimEvent | undefined) {
  if (event?.type === 'PAY') return { paidAmount: groupedYuan(parseYuan(event.amount)), reference: event.reference, reason: '' };
  if (event?.type === 'DENY') return { paidAmount: '', reference: '', reason: event.reason };
  return { paidAmount: row.paidFen === null ? '' : groupedYuan(row.paidFen), reference: row.paymentReference ?? '', reason: row.denialReason ?? '' };
}

// Resolved inside the transition's transaction: the people in office when the event happened.
function recipientsOf(facts: ClaimFacts, group: ClaimRecipientGroup): SQL {
  switch (group) {
    case 'insurer':
      return facts.insurerId ? (and(eq(users.insurerId, facts.insurerId), arrayContains(users.roles, ['insurer'])) ?? sql`false`) : sql`false`;
    case 'firm':
      return and(eq(users.enterpriseId, facts.enterpriseId), arrayContains(users.roles, ['firm'])) ?? sql`false`;
    default: {
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}

function asGroup(group: string): ClaimRecipientGroup {
  const known = CLAIM_RECIPIENT_GROUPS.find((g) => g === group);
  if (!known) throw new Error(`no recipients defined for group ${group}`);
  return known;
}
