import type { clocks } from '../../db/schema';
import type { CaseRow, RoundRow } from '../engine/scope';
import { formatYuan } from '../domain/money';
import { premiumRateAboveCap, type SubsidyDerivationJson } from '../domain/subsidy';
import type { CaseEventType } from '../../workflows/case/types';
import { contextOf } from '../../workflows/case/expert-guards';
import type { User } from '../context';
import { expertReviewView, expertsView } from './experts-view';

type ClockRow = typeof clocks.$inferSelect;
// money the firm has not entered yet is null, present in every answer, like the other lists' nulls
const yuan = (fen: bigint | null) => (fen === null ? null : formatYuan(fen));

export interface Warning {
  code: string;
  message: string;
  messageZh: string;
}

/** A premium rate above the cap does not block submission; reviewers see it flagged (SPEC §5). */
export function warningsFor(row: CaseRow, round: RoundRow): Warning[] {
  const out: Warning[] = [];
  if (row.premiumFen !== null && row.liabilityLimitFen !== null && row.liabilityLimitFen > 0n) {
    const params = {
      rateBp: round.rateBp,
      premiumRateCapBp: round.premiumRateCapBp,
      limitMultiple: round.limitMultiple,
      absoluteLimitFen: round.absoluteLimitFen,
    };
    const inputs = { contractFen: row.contractAmountFen ?? 0n, liabilityLimitFen: row.liabilityLimitFen, premiumFen: row.premiumFen };
    if (premiumRateAboveCap(inputs, params)) {
      out.push({
        code: 'premium_rate_above_cap',
        message: `the premium rate is above the subsidised cap of ${(round.premiumRateCapBp ?? 0) / 100} %; the subsidy will be capped`,
        messageZh: `保险费率高于 ${(round.premiumRateCapBp ?? 0) / 100}% 的补偿上限，补偿将按上限计算`,
      });
    }
  }
  return out;
}

/** Who sees a case's subsidy (SPEC §2): the firm, its reviewers and finance; not its insurer, an expert or admin. */
const SEES_MONEY: readonly string[] = ['firm', 'municipal', 'provincial', 'finance'];
export const seesSubsidy = (user: User): boolean => user.roles.some((r) => SEES_MONEY.includes(r));

/**
 * The deadlines a reader is shown: an expert (not also the provincial reviewer) sees their own
 * deadline and the case's, not the other experts' — whom they may not know, or count by their clocks.
 */
function clocksFor(clockRows: readonly ClockRow[], viewer: User): ClockRow[] {
  if (viewer.roles.includes('provincial') || !viewer.roles.includes('expert')) return [...clockRows];
  return clockRows.filter((c) => c.assigneeId === null || c.assigneeId === viewer.id);
}

export function caseView(row: CaseRow, round: RoundRow, allowedEvents: CaseEventType[], clockRows: ClockRow[], viewer: User, unavailable: ReadonlySet<string> = new Set()) {
  const context = contextOf(row.snapshot);
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    stateValue: row.snapshot.value,
    version: row.version,
    allowedEvents,
    warnings: warningsFor(row, round),
    clocks: clocksFor(clockRows, viewer).map((c) => ({
      kind: c.kind,
      status: c.status,
      dueOn: c.dueOn,
      dueAt: c.dueAt.toISOString(),
      provisional: c.provisional,
      overdue: c.overdue,
      remainingWorkingDays: c.remainingWorkingDays,
      // whose own deadline it is, to the provincial reviewer and to that person only
      assigneeId: c.assigneeId !== null && (viewer.roles.includes('provincial') || c.assigneeId === viewer.id) ? c.assigneeId : null,
    })),
    experts: expertsView(context, viewer, new Set(clockRows.filter((c) => c.overdue && c.assigneeId).map((c) => c.assigneeId ?? '')), unavailable),
    expertReview: expertReviewView(context, viewer),
    enterpriseId: row.enterpriseId,
    city: row.city,
    roundId: row.roundId,
    catalogueEntryId: row.catalogueEntryId,
    renewalOf: row.renewalOf,
    material: row.material,
    userUnit: row.userUnit,
    contract: { ...row.contract, amount: yuan(row.contractAmountFen) },
    policy: { ...row.policy, insurerId: row.insurerId, liabilityLimit: yuan(row.liabilityLimitFen), premium: yuan(row.premiumFen) },
    // the column holds what toDerivationJson made of the computation, or nothing
    // only those GET /cases/:id/subsidy answers see the figure here (the insurer, an expert, admin do not)
    subsidy: row.subsidyFen === null || !seesSubsidy(viewer) ? null : { amount: formatYuan(row.subsidyFen), derivation: row.subsidyDerivation as SubsidyDerivationJson | null },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
  };
}

export type CaseView = ReturnType<typeof caseView>;
