import { describe, expect, it } from 'vitest';
import { allocateProRata, applyPerFirmCap, computeSubsidy, type FirmCapItem, type SubsidyParams } from '../../server/domain/subsidy.js';

// The edges of SPEC §6 the worked examples do not reach: exact fractions on both sides of the
// rate cap, caps that equal the limit, the bounds of every parameter, and the tie-breaks.
const DEFAULTS: SubsidyParams = { rateBp: 8000, premiumRateCapBp: 300, limitMultiple: 5, absoluteLimitFen: 50_000_000_000n };
const fen = (contractFen: bigint, liabilityLimitFen: bigint, premiumFen: bigint) => ({ contractFen, liabilityLimitFen, premiumFen });

describe('computeSubsidy, exactly', () => {
  it('keeps P·L\'/L and q·L\' as fractions in lowest terms and takes the smaller', () => {
    // L' = m·C = 35 fen of L = 100: share = 7·35/100 = 49/20, cap = 3 % of 35 = 21/20 → E = 21/20
    const d = computeSubsidy(fen(7n, 100n, 7n), DEFAULTS);
    expect(d).toMatchObject({
      subsidisedLimit: '0.35',
      premiumShareFen: { numerator: '49', denominator: '20' },
      premiumRateCapFen: { numerator: '21', denominator: '20' },
      eligiblePremiumFen: { numerator: '21', denominator: '20' },
      eligiblePremium: '0.01',
      subsidy: '0.00',
      flags: ['premium_rate_above_cap', 'limit_capped_by_multiple'],
    });
  });

  it('takes the premium share when it is the smaller fraction', () => {
    // share = 2·3/7 = 6/7, cap = 3 % of 3 = 9/100: 6/7 > 9/100, so E = 9/100; with q = 30 % the cap is 9/10 > 6/7
    expect(computeSubsidy(fen(1n, 7n, 2n), { ...DEFAULTS, limitMultiple: 3 }).eligiblePremiumFen).toEqual({ numerator: '9', denominator: '100' });
    expect(computeSubsidy(fen(1n, 7n, 2n), { ...DEFAULTS, limitMultiple: 3, premiumRateCapBp: 3000 }).eligiblePremiumFen).toEqual({ numerator: '6', denominator: '7' });
  });

  it('writes the formula it applied', () => {
    expect(computeSubsidy(fen(100n, 100n, 1n), DEFAULTS).formula).toBe("L' = min(L, m·C, A); E = min(P·L'/L, q·L'); S = floor(r·E)");
  });

  it('flags a limit cap only when it is below the limit itself', () => {
    // m·C equal to L and A equal to L bind nothing
    expect(computeSubsidy(fen(200n, 1_000n, 10n), { ...DEFAULTS, absoluteLimitFen: 1_000n }).flags).toEqual([]);
    expect(computeSubsidy(fen(200n, 1_000n, 10n), { ...DEFAULTS, absoluteLimitFen: 999n }).flags).toEqual(['limit_capped_by_absolute']);
    expect(computeSubsidy(fen(199n, 1_000n, 10n), DEFAULTS).flags).toEqual(['limit_capped_by_multiple']);
  });

  it('pays nothing for a zero premium or a zero contract, and a zero rate pays nothing', () => {
    expect(computeSubsidy(fen(100n, 100n, 0n), DEFAULTS).subsidyFen).toBe(0n);
    expect(computeSubsidy(fen(0n, 100n, 3n), DEFAULTS).subsidyFen).toBe(0n);
    expect(computeSubsidy(fen(100n, 10_000n, 300n), { ...DEFAULTS, rateBp: 0 }).subsidyFen).toBe(0n);
  });

  it('accepts every parameter at its bounds', () => {
    const x = fen(100n, 10_000n, 300n);
    expect(computeSubsidy(x, { rateBp: 10_000, premiumRateCapBp: 10_000, limitMultiple: 0, absoluteLimitFen: 0n }).subsidyFen).toBe(0n);
    expect(computeSubsidy(x, { rateBp: 10_000, premiumRateCapBp: 0, limitMultiple: null, absoluteLimitFen: null }).subsidyFen).toBe(0n);
    expect(computeSubsidy(x, { rateBp: 10_000, premiumRateCapBp: null, limitMultiple: 100, absoluteLimitFen: 10_000n }).subsidyFen).toBe(300n);
  });

  it('refuses inputs and parameters out of range, saying which', () => {
    const x = fen(100n, 100n, 1n);
    const refused = (inputs: typeof x, params: SubsidyParams) => () => computeSubsidy(inputs, params);
    expect(refused(fen(1n, 0n, 1n), DEFAULTS)).toThrow(new RangeError('liability limit must be positive'));
    expect(refused(fen(1n, -1n, 1n), DEFAULTS)).toThrow(new RangeError('liability limit must be positive'));
    expect(refused(fen(-1n, 100n, 1n), DEFAULTS)).toThrow(new RangeError('contract amount and premium must not be negative'));
    expect(refused(fen(1n, 100n, -1n), DEFAULTS)).toThrow(new RangeError('contract amount and premium must not be negative'));
    expect(refused(x, { ...DEFAULTS, rateBp: -1 })).toThrow(new RangeError('rateBp must be a whole number of basis points between 0 and 10000, got -1'));
    expect(refused(x, { ...DEFAULTS, rateBp: 10_001 })).toThrow(new RangeError('rateBp must be a whole number of basis points between 0 and 10000, got 10001'));
    expect(refused(x, { ...DEFAULTS, premiumRateCapBp: 10_001 })).toThrow(new RangeError('premiumRateCapBp must be a whole number of basis points between 0 and 10000, got 10001'));
    expect(refused(x, { ...DEFAULTS, premiumRateCapBp: -1 })).toThrow(/^premiumRateCapBp must be/);
    expect(refused(x, { ...DEFAULTS, premiumRateCapBp: 2.5 })).toThrow(/^premiumRateCapBp must be/);
    expect(refused(x, { ...DEFAULTS, limitMultiple: -1 })).toThrow(new RangeError('limitMultiple must be a non-negative whole number, got -1'));
    expect(refused(x, { ...DEFAULTS, limitMultiple: Number.MAX_SAFE_INTEGER + 1 })).toThrow(RangeError);
    expect(refused(x, { ...DEFAULTS, absoluteLimitFen: -1n })).toThrow(new RangeError('absolute limit must not be negative'));
  });
});

describe('allocateProRata, the order of the leftover fen', () => {
  it('gives the leftover to the largest remainder, not to the largest subsidy', () => {
    // 6 fen over 500 : 300 : 200 = 3.0, 1.8, 1.2 → 3 + 1 + 1, and the fen left goes to B (0.8)
    const items = [
      { caseNumber: 'A', subsidyFen: 500n },
      { caseNumber: 'B', subsidyFen: 300n },
      { caseNumber: 'C', subsidyFen: 200n },
    ];
    expect(allocateProRata(items, 6n)).toEqual(new Map([['A', 3n], ['B', 2n], ['C', 1n]]));
  });

  it('prefers a larger remainder to an earlier case number', () => {
    // 3 fen over 1 : 2 = 1.0, 2.0 → nothing left; 2 fen over 1 : 2 = 0.67, 1.33 → A's 0.67 wins the fen
    const items = [
      { caseNumber: 'B', subsidyFen: 200n },
      { caseNumber: 'A', subsidyFen: 100n },
    ];
    expect(allocateProRata(items, 2n)).toEqual(new Map([['B', 1n], ['A', 1n]]));
    expect(allocateProRata([{ caseNumber: 'A', subsidyFen: 200n }, { caseNumber: 'B', subsidyFen: 100n }], 2n)).toEqual(new Map([['A', 1n], ['B', 1n]]));
  });

  it('refuses a negative subsidy, a case twice and a negative budget, saying which', () => {
    expect(() => allocateProRata([{ caseNumber: 'A', subsidyFen: -1n }], 1n)).toThrow(new RangeError('case A has a negative subsidy'));
    expect(() => allocateProRata([{ caseNumber: 'A', subsidyFen: 1n }, { caseNumber: 'A', subsidyFen: 1n }], 1n)).toThrow(new RangeError('case A appears twice'));
    expect(() => allocateProRata([{ caseNumber: 'A', subsidyFen: 1n }], -1n)).toThrow(new RangeError('budget must not be negative'));
    expect(allocateProRata([{ caseNumber: 'A', subsidyFen: 0n }], 0n)).toEqual(new Map([['A', 0n]]));
  });
});

describe('applyPerFirmCap, in order of approval', () => {
  const at = (iso: string) => new Date(iso);

  it('serves the earlier approval first even when its case number is later', () => {
    const items: FirmCapItem[] = [
      { caseNumber: 'ZJ-1', firmId: 'f1', approvedAt: at('2026-06-05T10:00:00+08:00'), subsidyFen: 80n },
      { caseNumber: 'ZJ-2', firmId: 'f1', approvedAt: at('2026-06-01T10:00:00+08:00'), subsidyFen: 80n },
    ];
    expect(applyPerFirmCap(items, 100n)).toEqual(new Map([['ZJ-1', 20n], ['ZJ-2', 80n]]));
  });

  it('grants nothing more to a firm already over the cap, and refuses bad input, saying which', () => {
    const first: FirmCapItem = { caseNumber: 'ZJ-1', firmId: 'f1', approvedAt: at('2026-06-01T10:00:00+08:00'), subsidyFen: 50n };
    const one = [first];
    expect(applyPerFirmCap(one, 100n, new Map([['f1', 150n]]))).toEqual(new Map([['ZJ-1', 0n]]));
    expect(applyPerFirmCap(one, 0n)).toEqual(new Map([['ZJ-1', 0n]]));
    expect(() => applyPerFirmCap(one, -1n)).toThrow(new RangeError('per-firm cap must not be negative'));
    expect(() => applyPerFirmCap([{ ...first, caseNumber: 'ZJ-7', approvedAt: new Date(Number.NaN) }], 100n)).toThrow(
      new RangeError('case ZJ-7 has an invalid approval time'),
    );
    expect(() => applyPerFirmCap([...one, ...one], 100n)).toThrow(new RangeError('case ZJ-1 appears twice'));
  });
});
