// The premium subsidy of SPEC §6, in exact integer/rational bigint arithmetic (fen), rounded once
// at the end: 80 % of the insured year's premium, on at most a 3 % premium rate, for a liability
// limit of at most 5 × the contract amount and RMB 500 million (policy defaults; all per round).
import { formatYuan } from './money.js';

/** Bumped whenever the arithmetic below changes, so that stored derivations stay explainable. */
export const SUBSIDY_RULE_VERSION = 'spec-6/v1';

const BP = 10_000n; // basis points per unit: 8000 bp = 80 %

export interface SubsidyParams {
  /** r, in basis points (8000 = 80 %). */
  rateBp: number;
  /** q, in basis points (300 = 3 %); null switches the cap off. */
  premiumRateCapBp: number | null;
  /** m, a whole multiple of the contract amount; null switches the cap off. */
  limitMultiple: number | null;
  /** A, in fen; null switches the cap off. */
  absoluteLimitFen: bigint | null;
}

export interface SubsidyInputs {
  contractFen: bigint;
  liabilityLimitFen: bigint;
  premiumFen: bigint;
}

export type SubsidyFlag = 'premium_rate_above_cap' | 'limit_capped_by_multiple' | 'limit_capped_by_absolute';

/** An exact amount in fen, numerator / denominator in lowest terms, as decimal strings. */
export interface FenFraction {
  numerator: string;
  denominator: string;
}

export interface SubsidyDerivation {
  ruleVersion: string;
  formula: string;
  inputs: { contract: string; liabilityLimit: string; premium: string };
  params: { rateBp: number; premiumRateCapBp: number | null; limitMultiple: number | null; absoluteLimit: string | null };
  /** L' in yuan. */
  subsidisedLimit: string;
  /** P·L'/L, the premium share of the subsidised limit. */
  premiumShareFen: FenFraction;
  /** q·L', the most premium the capped rate allows; null when the rate cap is off. */
  premiumRateCapFen: FenFraction | null;
  /** E in yuan, floored to the fen for display only; the exact value is eligiblePremiumFen. */
  eligiblePremium: string;
  eligiblePremiumFen: FenFraction;
  /** S in yuan. */
  subsidy: string;
  flags: SubsidyFlag[];
  /** S in fen; the one field that is not JSON-safe, see toDerivationJson. */
  subsidyFen: bigint;
}

/** What to store and show: the derivation without its bigint. */
export type SubsidyDerivationJson = Omit<SubsidyDerivation, 'subsidyFen'>;

interface Ratio {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function ratio(num: bigint, den: bigint): Ratio {
  const g = gcd(num, den);
  return g === 0n ? { num: 0n, den: 1n } : { num: num / g, den: den / g };
}

function isLess(a: Ratio, b: Ratio): boolean {
  return a.num * b.den < b.num * a.den;
}

function toFraction(r: Ratio): FenFraction {
  return { numerator: r.num.toString(), denominator: r.den.toString() };
}

// Every value here is non-negative, so bigint division (truncation) is the floor.
function floorFen(r: Ratio): bigint {
  return r.num / r.den;
}

function requireBp(name: string, value: number, max: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be a whole number of basis points between 0 and ${max}, got ${value}`);
  }
  return BigInt(value);
}

function validate(inputs: SubsidyInputs, params: SubsidyParams): void {
  if (inputs.liabilityLimitFen <= 0n) throw new RangeError('liability limit must be positive');
  if (inputs.contractFen < 0n || inputs.premiumFen < 0n) throw new RangeError('contract amount and premium must not be negative');
  requireBp('rateBp', params.rateBp, 10_000);
  if (params.premiumRateCapBp !== null) requireBp('premiumRateCapBp', params.premiumRateCapBp, 10_000);
  const m = params.limitMultiple;
  if (m !== null && (!Number.isSafeInteger(m) || m < 0)) {
    throw new RangeError(`limitMultiple must be a non-negative whole number, got ${m}`);
  }
  if (params.absoluteLimitFen !== null && params.absoluteLimitFen < 0n) {
    throw new RangeError('absolute limit must not be negative');
  }
}

interface LimitResult {
  limitFen: bigint;
  flags: SubsidyFlag[];
}

/** L' = min(L, m·C, A); a cap is flagged when it is the one that binds (below L and equal to L'). */
function subsidisedLimit(inputs: SubsidyInputs, params: SubsidyParams): LimitResult {
  const byMultiple = params.limitMultiple === null ? null : BigInt(params.limitMultiple) * inputs.contractFen;
  const byAbsolute = params.absoluteLimitFen;
  let limitFen = inputs.liabilityLimitFen;
  for (const cap of [byMultiple, byAbsolute]) if (cap !== null && cap < limitFen) limitFen = cap;
  const flags: SubsidyFlag[] = [];
  if (byMultiple !== null && byMultiple === limitFen && limitFen < inputs.liabilityLimitFen) flags.push('limit_capped_by_multiple');
  if (byAbsolute !== null && byAbsolute === limitFen && limitFen < inputs.liabilityLimitFen) flags.push('limit_capped_by_absolute');
  return { limitFen, flags };
}

/** The policy's own rate P / L above q: subsidised only up to q, and shown to reviewers (SPEC §5). */
export function premiumRateAboveCap(inputs: SubsidyInputs, params: SubsidyParams): boolean {
  if (params.premiumRateCapBp === null) return false;
  return inputs.premiumFen * BP > BigInt(params.premiumRateCapBp) * inputs.liabilityLimitFen;
}

export function computeSubsidy(inputs: SubsidyInputs, params: SubsidyParams): SubsidyDerivation {
  validate(inputs, params);
  const limit = subsidisedLimit(inputs, params);
  const share = ratio(inputs.premiumFen * limit.limitFen, inputs.liabilityLimitFen);
  const rateCap = params.premiumRateCapBp === null ? null : ratio(BigInt(params.premiumRateCapBp) * limit.limitFen, BP);
  const eligible = rateCap !== null && isLess(rateCap, share) ? rateCap : share;
  // S = floor(r·E): the single rounding of the whole computation.
  const subsidyFen = floorFen(ratio(BigInt(params.rateBp) * eligible.num, BP * eligible.den));
  const flags: SubsidyFlag[] = premiumRateAboveCap(inputs, params) ? ['premium_rate_above_cap'] : [];
  return {
    ruleVersion: SUBSIDY_RULE_VERSION,
    formula: "L' = min(L, m·C, A); E = min(P·L'/L, q·L'); S = floor(r·E)",
    inputs: {
      contract: formatYuan(inputs.contractFen),
      liabilityLimit: formatYuan(inputs.liabilityLimitFen),
      premium: formatYuan(inputs.premiumFen),
    },
    params: {
      rateBp: params.rateBp,
      premiumRateCapBp: params.premiumRateCapBp,
      limitMultiple: params.limitMultiple,
      absoluteLimit: params.absoluteLimitFen === null ? null : formatYuan(params.absoluteLimitFen),
    },
    subsidisedLimit: formatYuan(limit.limitFen),
    premiumShareFen: toFraction(share),
    premiumRateCapFen: rateCap === null ? null : toFraction(rateCap),
    eligiblePremium: formatYuan(floorFen(eligible)),
    eligiblePremiumFen: toFraction(eligible),
    subsidy: formatYuan(subsidyFen),
    flags: [...flags, ...limit.flags],
    subsidyFen,
  };
}

/** The derivation as stored in jsonb and shown to firms and auditors (SPEC §6). */
export function toDerivationJson(derivation: SubsidyDerivation): SubsidyDerivationJson {
  const { subsidyFen: _subsidyFen, ...json } = derivation;
  return json;
}

export interface ProRataItem {
  caseNumber: string;
  subsidyFen: bigint;
}

function requireUniqueNonNegative(items: readonly { caseNumber: string; subsidyFen: bigint }[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.caseNumber)) throw new RangeError(`case ${item.caseNumber} appears twice`);
    if (item.subsidyFen < 0n) throw new RangeError(`case ${item.caseNumber} has a negative subsidy`);
    seen.add(item.caseNumber);
  }
}

// Case numbers compare by UTF-16 code units, not locale, so that every server orders them alike.
function byCaseNumber(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * 按比例核减 (SPEC §6): when the approved total exceeds the budget, each S becomes
 * floor(S · budget / total); the fen left over go one each to the largest remainders, ties by case
 * number ascending, so the result is deterministic and sums exactly to the budget.
 */
export function allocateProRata(items: readonly ProRataItem[], budgetFen: bigint): Map<string, bigint> {
  requireUniqueNonNegative(items);
  if (budgetFen < 0n) throw new RangeError('budget must not be negative');
  const total = items.reduce((sum, item) => sum + item.subsidyFen, 0n);
  if (total <= budgetFen) return new Map(items.map((item) => [item.caseNumber, item.subsidyFen]));
  const shares = items.map((item) => ({
    caseNumber: item.caseNumber,
    floor: (item.subsidyFen * budgetFen) / total,
    remainder: (item.subsidyFen * budgetFen) % total,
  }));
  let leftover = budgetFen - shares.reduce((sum, share) => sum + share.floor, 0n);
  const byRemainder = [...shares].sort(
    (a, b) => (a.remainder === b.remainder ? byCaseNumber(a.caseNumber, b.caseNumber) : a.remainder > b.remainder ? -1 : 1),
  );
  const bonus = new Set<string>();
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    bonus.add(share.caseNumber);
    leftover -= 1n;
  }
  return new Map(shares.map((share) => [share.caseNumber, share.floor + (bonus.has(share.caseNumber) ? 1n : 0n)]));
}

export interface FirmCapItem {
  caseNumber: string;
  firmId: string;
  approvedAt: Date;
  subsidyFen: bigint;
}

/** Approval order within a round: approval time, ties by case number (SPEC §6). */
export function byApproval(a: FirmCapItem, b: FirmCapItem): number {
  const diff = a.approvedAt.getTime() - b.approvedAt.getTime();
  return diff !== 0 ? diff : byCaseNumber(a.caseNumber, b.caseNumber);
}

/**
 * Per-firm cap (SPEC §6, default none): in order of approval time within a round (ties by case
 * number), each S is trimmed so that the firm's total never exceeds the cap. `grantedBeforeFen`
 * holds what each firm already has in the round from cases not passed in `items`.
 */
export function applyPerFirmCap(
  items: readonly FirmCapItem[],
  capFen: bigint | null,
  grantedBeforeFen: ReadonlyMap<string, bigint> = new Map(),
): Map<string, bigint> {
  requireUniqueNonNegative(items);
  if (capFen !== null && capFen < 0n) throw new RangeError('per-firm cap must not be negative');
  for (const item of items) {
    if (Number.isNaN(item.approvedAt.getTime())) throw new RangeError(`case ${item.caseNumber} has an invalid approval time`);
  }
  const granted = new Map(grantedBeforeFen);
  const result = new Map(items.map((item) => [item.caseNumber, item.subsidyFen]));
  if (capFen === null) return result;
  for (const item of [...items].sort(byApproval)) {
    const already = granted.get(item.firmId) ?? 0n;
    const room = capFen > already ? capFen - already : 0n;
    const trimmed = item.subsidyFen < room ? item.subsidyFen : room;
    result.set(item.caseNumber, trimmed);
    granted.set(item.firmId, already + trimmed);
  }
  return result;
}
