import { and, asc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { StateValue } from 'xstate';
import type { Tx } from '../../db/client';
import { cases, enterprises, recoveries, subsidyAdjustments, type rounds } from '../../db/schema';
import { applyPerFirmCap, byApproval, computeSubsidy, toDerivationJson, type SubsidyParams } from '../domain/subsidy';
import { formatYuan, groupedYuan, parseYuan } from '../domain/money';
import { dateParts, isoDate, shanghaiDate } from '../calendar/dates';
import type { CaseRow } from '../engine/scope';
import type { CaseEvent } from '../../workflows/case/types';
import type { FieldError } from '../errors';
import type { AppContext } from '../context';
import { logger } from '../logger';

type RoundRow = typeof rounds.$inferSelect;

/** Whether a state value is in the money stage (approved and any of its steps). */
export function isApproved(value: StateValue): boolean {
  return typeof value === 'object' && value !== null && 'approved' in value;
}

export function subsidyParams(round: RoundRow): SubsidyParams {
  return {
    rateBp: round.rateBp,
    premiumRateCapBp: round.premiumRateCapBp,
    limitMultiple: round.limitMultiple,
    absoluteLimitFen: round.absoluteLimitFen,
  };
}

/**
 * Entering `approved` (SPEC §4, §6): S computed with the round's parameters, then trimmed by the
 * per-firm cap against what the firm was granted before in the round. Run in the transition's
 * transaction; a transaction-scoped advisory lock per firm and round makes "in approval order"
 * the commit order, so two of a firm's cases approved at once cannot both fill the same room.
 */
export async function subsidyOnApproval(tx: Tx, row: CaseRow, round: RoundRow, now: Date): Promise<{ subsidyFen: bigint; subsidyDerivation: unknown; approvedAt: Date }> {
  const { contractAmountFen, liabilityLimitFen, premiumFen } = row;
  if (contractAmountFen === null || liabilityLimitFen === null || premiumFen === null) {
    // SUBMIT's rules make these present; an approved case without them is a bug, not an input
    throw new Error(`case ${row.id} reached approval without its contract amount, liability limit or premium`);
  }
  const derivation = computeSubsidy({ contractFen: contractAmountFen, liabilityLimitFen, premiumFen }, subsidyParams(round));
  let subsidyFen = derivation.subsidyFen;
  if (round.perFirmCapFen !== null) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`subsidy-cap:${round.id}:${row.enterpriseId}`}, 0))`);
    const [granted] = await tx
      .select({ fen: sql<string>`coalesce(sum(${cases.subsidyFen}), 0)::text` })
      .from(cases)
      .where(and(eq(cases.roundId, round.id), eq(cases.enterpriseId, row.enterpriseId), isNotNull(cases.approvedAt), ne(cases.id, row.id)));
    const before = BigInt(granted?.fen ?? '0');
    const capped = applyPerFirmCap([{ caseNumber: row.number, firmId: row.enterpriseId, approvedAt: now, subsidyFen }], round.perFirmCapFen, new Map([[row.enterpriseId, before]]));
    const after = capped.get(row.number) ?? subsidyFen;
    if (after !== subsidyFen) {
      await tx.insert(subsidyAdjustments).values({
        caseId: row.id,
        kind: 'perFirmCap',
        beforeFen: subsidyFen,
        afterFen: after,
        basis: { cap: formatYuan(round.perFirmCapFen), grantedBefore: formatYuan(before) },
        at: now,
      });
      subsidyFen = after;
    }
  }
  return { subsidyFen, subsidyDerivation: toDerivationJson(derivation), approvedAt: now };
}

/** The date `years` after `date`, 29 February falling to the 28th. */
export function yearsAfter(date: string, years: number): string {
  const { year, month, day } = dateParts(date);
  const target = year + years;
  const leap = (target % 4 === 0 && target % 100 !== 0) || target % 400 === 0;
  return isoDate({ year: target, month, day: month === 2 && day === 29 && !leap ? 28 : day });
}

/**
 * The money stage's own rows, written with the transition that decided them: a recovery started
 * bars the firm for the round's ban period (never shortening a longer ban already set); a recovery
 * recorded keeps the amount and reference.
 */
export async function recordRecovery(tx: Tx, row: CaseRow, round: RoundRow, event: CaseEvent, now: Date): Promise<void> {
  if (event.type === 'START_RECOVERY') {
    if (!event.meta.actorId) throw new Error('a recovery is started by a person');
    const bannedUntil = yearsAfter(shanghaiDate(now), round.banYears);
    await tx.insert(recoveries).values({ caseId: row.id, reason: event.reason, startedBy: event.meta.actorId, startedAt: now, bannedUntil });
    await tx
      .update(enterprises)
      .set({ bannedUntil: sql`greatest(${enterprises.bannedUntil}, ${bannedUntil}::date)` })
      .where(eq(enterprises.id, row.enterpriseId));
  }
  if (event.type === 'RECOVERED') {
    await tx
      .update(recoveries)
      .set({ amountFen: parseYuan(event.amount), reference: event.reference, recordedBy: event.meta.actorId, recordedAt: now })
      .where(eq(recoveries.caseId, row.id));
  }
}

/** RECOVERED names more than zero and at most what was paid. */
export function recoveredProblems(row: CaseRow, amount: string | undefined): FieldError[] {
  if (amount === undefined) return [];
  const fen = parseYuan(amount);
  const paid = row.subsidyFen ?? 0n;
  if (fen > paid) {
    return [{ path: 'amount', message: `at most the subsidy paid, ${groupedYuan(paid)} yuan`, messageZh: `不得超过已拨付的补偿金额 ${groupedYuan(paid)} 元` }];
  }
  return [];
}

/**
 * Cases that reached `approved` before the subsidy was calculated on approval (moved from case@2 by
 * migration 0020) get their figure at start-up, through the same calculation: S with the round's
 * parameters, then the per-firm cap in approval order against what the firm was granted before.
 * One transaction per firm and round, under the lock an approval of that firm takes, so that the
 * cap's room is not filled twice; its cases are read, written and recorded in a few set-based
 * statements rather than a transaction each (docs/benchmarks.md, "money").
 */
export async function calculateMissingSubsidies(app: AppContext): Promise<number> {
  const groups = await app.db
    .selectDistinct({ roundId: cases.roundId, enterpriseId: cases.enterpriseId })
    .from(cases)
    .where(and(isNotNull(cases.approvedAt), isNull(cases.subsidyFen)));
  let count = 0;
  for (const g of groups) count += await app.db.transaction((tx) => calculateFirmInRound(tx, g.roundId, g.enterpriseId, app.clock.now()));
  if (count > 0) logger.info({ count }, 'calculated the subsidy of cases approved before the money stage');
  return count;
}

// rows to a statement: a firm's cases of a round in a few statements, each well under the parameter limit
const WRITE_CHUNK = 1000;

async function calculateFirmInRound(tx: Tx, roundId: string, enterpriseId: string, now: Date): Promise<number> {
  const round = await tx.query.rounds.findFirst({ where: (r, { eq: is }) => is(r.id, roundId) });
  if (!round) return 0;
  if (round.perFirmCapFen !== null) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`subsidy-cap:${round.id}:${enterpriseId}`}, 0))`);
  const missing = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.roundId, roundId), eq(cases.enterpriseId, enterpriseId), isNotNull(cases.approvedAt), isNull(cases.subsidyFen)))
    .orderBy(asc(cases.id))
    .for('update');
  if (missing.length === 0) return 0;
  let granted = 0n;
  if (round.perFirmCapFen !== null) {
    const [row] = await tx
      .select({ fen: sql<string>`coalesce(sum(${cases.subsidyFen}), 0)::text` })
      .from(cases)
      .where(and(eq(cases.roundId, roundId), eq(cases.enterpriseId, enterpriseId), isNotNull(cases.approvedAt), isNotNull(cases.subsidyFen)));
    granted = BigInt(row?.fen ?? '0');
  }
  const figured = missing.map((row) => {
    const { contractAmountFen, liabilityLimitFen, premiumFen } = row;
    if (contractAmountFen === null || liabilityLimitFen === null || premiumFen === null) {
      throw new Error(`case ${row.id} reached approval without its contract amount, liability limit or premium`);
    }
    const derivation = computeSubsidy({ contractFen: contractAmountFen, liabilityLimitFen, premiumFen }, subsidyParams(round));
    return { row, derivation, item: { caseNumber: row.number, firmId: enterpriseId, approvedAt: row.approvedAt ?? now, subsidyFen: derivation.subsidyFen } };
  });
  // in approval order, each case against what the firm was granted before it, as on approval
  const adjustments: (typeof subsidyAdjustments.$inferInsert)[] = [];
  const figures: { id: string; fen: string; derivation: unknown }[] = [];
  for (const { row, derivation, item } of figured.sort((a, b) => byApproval(a.item, b.item))) {
    let fen = item.subsidyFen;
    if (round.perFirmCapFen !== null) {
      fen = applyPerFirmCap([item], round.perFirmCapFen, new Map([[enterpriseId, granted]])).get(item.caseNumber) ?? fen;
      if (fen !== item.subsidyFen) {
        adjustments.push({ caseId: row.id, kind: 'perFirmCap', beforeFen: item.subsidyFen, afterFen: fen, basis: { cap: formatYuan(round.perFirmCapFen), grantedBefore: formatYuan(granted) }, at: item.approvedAt });
      }
      granted += fen;
    }
    figures.push({ id: row.id, fen: String(fen), derivation: toDerivationJson(derivation) });
  }
  for (let i = 0; i < figures.length; i += WRITE_CHUNK) {
    await tx.execute(sql`
      update cases set subsidy_fen = v.fen, subsidy_derivation = v.derivation
      from jsonb_to_recordset(${JSON.stringify(figures.slice(i, i + WRITE_CHUNK))}::jsonb) as v(id uuid, fen bigint, derivation jsonb)
      where cases.id = v.id`);
  }
  for (let i = 0; i < adjustments.length; i += WRITE_CHUNK) await tx.insert(subsidyAdjustments).values(adjustments.slice(i, i + WRITE_CHUNK));
  return missing.length;
}
