import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { cases } from '../../db/schema';
import { allocateProRata } from '../domain/subsidy';

// 按比例核减 (SPEC §6): which of a round's approved cases a reduction shares the budget among, and
// which have already taken their share of it.

/** Approved and unpaid: not yet in a batch, so their amount may still change. */
export const REDUCIBLE_STATE = 'calculated';

/**
 * Money already spoken for: in a batch (its amount is on a bank file), approved for payment, paid,
 * or paid and under recovery. A recovered case counts too — what comes back is not budget to share
 * again in the same round (the recovery is recorded on the case, not credited to the round).
 */
export const COMMITTED_STATES = ['batched', 'paymentApproved', 'paid', 'recovery', 'recovered'] as const;

/** The round's committed money (COMMITTED_STATES), summed in the database. */
export async function committedFen(tx: DbOrTx, roundId: string): Promise<bigint> {
  const [row] = await tx
    .select({ fen: sql<string>`coalesce(sum(${cases.subsidyFen}), 0)::text` })
    .from(cases)
    .where(and(eq(cases.roundId, roundId), inArray(cases.state, [...COMMITTED_STATES])));
  return BigInt(row?.fen ?? '0');
}

export interface ProRataLine {
  caseId: string;
  caseNumber: string;
  beforeFen: bigint;
  afterFen: bigint;
}

export interface ProRataFigures {
  budgetFen: bigint;
  committedFen: bigint;
  availableFen: bigint;
  totalFen: bigint;
  /** the reducible cases in case-number order */
  lines: ProRataLine[];
}

/**
 * The round's figures as they stand: the committed subsidy, the reducible cases, and each one's
 * share of what is left of the budget (never below zero). With `lock`, every money-stage case of
 * the round is locked in id order first (the order every multi-row lock takes), so that nothing
 * the figures read can move before the transaction ends.
 */
export async function roundFigures(tx: Tx, roundId: string, budgetFen: bigint, lock: boolean): Promise<ProRataFigures> {
  const moneyStage = and(eq(cases.roundId, roundId), inArray(cases.state, [REDUCIBLE_STATE, ...COMMITTED_STATES]));
  const query = tx
    .select({ id: cases.id, number: cases.number, state: cases.state, subsidyFen: cases.subsidyFen })
    .from(cases)
    .where(moneyStage)
    .orderBy(asc(cases.id));
  const rows = lock ? await query.for('update') : await query;
  const sum = (xs: typeof rows) => xs.reduce((s, r) => s + (r.subsidyFen ?? 0n), 0n);
  const committedFen = sum(rows.filter((r) => r.state !== REDUCIBLE_STATE));
  const reducible = rows.filter((r) => r.state === REDUCIBLE_STATE).sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  const totalFen = sum(reducible);
  const availableFen = budgetFen > committedFen ? budgetFen - committedFen : 0n;
  const shares = allocateProRata(reducible.map((r) => ({ caseNumber: r.number, subsidyFen: r.subsidyFen ?? 0n })), availableFen);
  const lines = reducible.map((r) => {
    const afterFen = shares.get(r.number);
    if (afterFen === undefined) throw new Error(`the allocation left out case ${r.number}`);
    return { caseId: r.id, caseNumber: r.number, beforeFen: r.subsidyFen ?? 0n, afterFen };
  });
  return { budgetFen, committedFen, availableFen, totalFen, lines };
}

/** Propose and approve take this first: one of them at a time per round. */
export async function lockRoundReduction(tx: Tx, roundId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`pro-rata:${roundId}`}, 0))`);
}
