import { and, arrayContains, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { payments, rounds, users, type disbursementBatches } from '../../db/schema';
import type { AppContext } from '../context';
import type { EffectScope } from '../engine/scope';
import { groupedYuan } from '../domain/money';
import { relatedToBatch } from './related';
import { BATCH_RECIPIENT_GROUPS, batchClocks, type BatchRecipientGroup } from '../../workflows/batch/clocks';

export type BatchRow = typeof disbursementBatches.$inferSelect;

/** How many payments a batch holds (cancelled ones left out) and their total in fen. */
export async function batchTotals(tx: Tx, batchId: string): Promise<{ count: number; totalFen: bigint }> {
  const [t] = await tx
    .select({ count: sql<number>`count(*)::int`, total: sql<string>`coalesce(sum(${payments.amountFen}), 0)::text` })
    .from(payments)
    .where(and(eq(payments.batchId, batchId), ne(payments.status, 'cancelled')));
  return { count: t?.count ?? 0, totalFen: BigInt(t?.total ?? '0') };
}

/** What the engine's effects need to know about a batch: its round's lengths, who its groups are, its words. */
export async function batchScope(tx: Tx, app: AppContext, row: BatchRow, now: Date, actorId: string | null): Promise<Omit<EffectScope, 'pending'>> {
  const [round] = await tx.select({ clockLengths: rounds.clockLengths }).from(rounds).where(eq(rounds.id, row.roundId));
  if (!round) throw new Error(`batch ${row.id} points at a missing round`);
  const { count, totalFen } = await batchTotals(tx, row.id);
  const base = app.env.PUBLIC_URL ?? `http://localhost:${app.env.PORT}`;
  return {
    tx,
    app,
    owner: { kind: 'batch', id: row.id },
    now,
    calendar: await app.calendar.get(tx),
    actorId,
    clockLengths: round.clockLengths,
    clocks: batchClocks,
    groups: BATCH_RECIPIENT_GROUPS,
    recipients: (group) => recipientsOf(row, asGroup(group), actorId),
    mailVars: { batchNumber: row.number, caseCount: String(count), total: groupedYuan(totalFen), link: `${base}/money/batches/${row.id}` },
  };
}

// Resolved inside the transition's transaction: the people in office when the event happened.
function recipientsOf(row: BatchRow, group: BatchRecipientGroup, actorId: string | null): SQL {
  // SPEC §2: nobody acts on the money of a firm they are related to (workflows/batch/permissions.ts
  // fourEyes), so nobody related to a member firm is asked to: their own firm, or a declared affiliation either way
  const unrelated = sql`not ${relatedToBatch(sql`${row.id}::uuid`, { enterpriseId: sql`${users.enterpriseId}`, affiliations: sql`${users.affiliations}` })}`;
  const finance = and(arrayContains(users.roles, ['finance']), unrelated) ?? sql`false`;
  switch (group) {
    case 'finance':
      return finance;
    case 'otherFinance':
      // those who may approve it: neither its creator nor whoever acted now (the submitter)
      return and(finance, ne(users.id, row.createdBy), actorId ? ne(users.id, actorId) : undefined) ?? sql`false`;
    case 'creator':
      return eq(users.id, row.createdBy);
    case 'provincialReviewers':
      return arrayContains(users.roles, ['provincial']);
    default: {
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}

function asGroup(group: string): BatchRecipientGroup {
  const known = BATCH_RECIPIENT_GROUPS.find((g) => g === group);
  if (!known) throw new Error(`no recipients defined for group ${group}`);
  return known;
}
