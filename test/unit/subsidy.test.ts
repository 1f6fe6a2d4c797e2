import { describe, expect, it } from 'vitest';
import { parseYuan } from '../../server/domain/money.js';
import {
  allocateProRata,
  applyPerFirmCap,
  computeSubsidy,
  premiumRateAboveCap,
  toDerivationJson,
  type FirmCapItem,
  type SubsidyInputs,
  type SubsidyParams,
} from '../../server/domain/subsidy.js';

// SPEC §6 defaults: r = 80 %, q = 3 %, m = 5, A = RMB 500,000,000.
const DEFAULTS: SubsidyParams = {
  rateBp: 8000,
  premiumRateCapBp: 300,
  limitMultiple: 5,
  absoluteLimitFen: parseYuan('500000000.00'),
};

const CAPS_OFF: SubsidyParams = { rateBp: 8000, premiumRateCapBp: null, limitMultiple: null, absoluteLimitFen: null };

function inputs(contract: string, liabilityLimit: string, premium: string): SubsidyInputs {
  return { contractFen: parseYuan(contract), liabilityLimitFen: parseYuan(liabilityLimit), premiumFen: parseYuan(premium) };
}

describe('computeSubsidy (SPEC §6)', () => {
  it('pays 1,000,000.00 in worked example 1, the limit capped at 5 × the contract', () => {
    const d = computeSubsidy(inputs('10000000.00', '60000000.00', '1500000.00'), DEFAULTS);
    expect(d.subsidisedLimit).toBe('50000000.00');
    expect(d.premiumShareFen).toEqual({ numerator: '125000000', denominator: '1' });
    expect(d.premiumRateCapFen).toEqual({ numerator: '150000000', denominator: '1' });
    expect(d.eligiblePremium).toBe('1250000.00');
    expect(d.subsidy).toBe('1000000.00');
    expect(d.subsidyFen).toBe(100_000_000n);
    expect(d.flags).toEqual(['limit_capped_by_multiple']);
  });

  it('pays 24,000.00 in worked example 2 and flags the 4.5 % rate as above the cap', () => {
    const d = computeSubsidy(inputs('300000.00', '1000000.00', '45000.00'), DEFAULTS);
    expect(d.subsidisedLimit).toBe('1000000.00');
    expect(d.eligiblePremium).toBe('30000.00');
    expect(d.subsidy).toBe('24000.00');
    expect(d.subsidyFen).toBe(2_400_000n);
    expect(d.flags).toEqual(['premium_rate_above_cap']);
  });

  it('rounds once, at the end, when P·L\'/L is not a whole number of fen', () => {
    // L' = 5 × 1,000,000.00; E = 10,000,001 · 5e8 / 7e8 = 50,000,005/7 fen = 7,142,857.857… fen.
    // S = floor(0.8 · E) = floor(40,000,004/7) = 5,714,286 fen; flooring E first would give 5,714,285.
    const d = computeSubsidy(inputs('1000000.00', '7000000.00', '100000.01'), DEFAULTS);
    expect(d.eligiblePremiumFen).toEqual({ numerator: '50000005', denominator: '7' });
    expect(d.eligiblePremium).toBe('71428.57');
    expect(d.subsidyFen).toBe(5_714_286n);
    expect(d.subsidy).toBe('57142.86');
  });

  it('floors the subsidy rather than rounding it to the nearest fen', () => {
    // E = P = 1,000,001 fen (no cap binds); 0.8 · E = 800,000.8 fen.
    const d = computeSubsidy(inputs('1000000.00', '1000000.00', '10000.01'), DEFAULTS);
    expect(d.subsidyFen).toBe(800_000n);
  });

  it('pays 80 % of the whole premium when every cap is switched off', () => {
    const d = computeSubsidy(inputs('300000.00', '1000000.00', '45000.00'), CAPS_OFF);
    expect(d.subsidisedLimit).toBe('1000000.00');
    expect(d.eligiblePremium).toBe('45000.00');
    expect(d.premiumRateCapFen).toBeNull();
    expect(d.subsidy).toBe('36000.00');
    expect(d.flags).toEqual([]);
    expect(d.params).toEqual({ rateBp: 8000, premiumRateCapBp: null, limitMultiple: null, absoluteLimit: null });
  });

  it('ignores the multiple cap when only that one is switched off', () => {
    const d = computeSubsidy(inputs('10000000.00', '60000000.00', '1500000.00'), { ...DEFAULTS, limitMultiple: null });
    expect(d.subsidisedLimit).toBe('60000000.00');
    expect(d.subsidy).toBe('1200000.00');
    expect(d.flags).toEqual([]);
  });

  it('caps the limit at RMB 500 million and says so', () => {
    const d = computeSubsidy(inputs('200000000.00', '1000000000.00', '10000000.00'), DEFAULTS);
    expect(d.subsidisedLimit).toBe('500000000.00');
    expect(d.eligiblePremium).toBe('5000000.00');
    expect(d.subsidy).toBe('4000000.00');
    expect(d.flags).toEqual(['limit_capped_by_absolute']);
  });

  it('flags both limit caps when they bind at the same amount', () => {
    const d = computeSubsidy(inputs('100000000.00', '600000000.00', '6000000.00'), DEFAULTS);
    expect(d.subsidisedLimit).toBe('500000000.00');
    expect(d.flags).toEqual(['limit_capped_by_multiple', 'limit_capped_by_absolute']);
  });

  it('records inputs, parameters and rule version as JSON-safe strings', () => {
    const d = computeSubsidy(inputs('10000000.00', '60000000.00', '1500000.00'), DEFAULTS);
    const json = toDerivationJson(d);
    expect(json).not.toHaveProperty('subsidyFen');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.ruleVersion).toMatch(/\S/);
    expect(json.inputs).toEqual({ contract: '10000000.00', liabilityLimit: '60000000.00', premium: '1500000.00' });
    expect(json.params.absoluteLimit).toBe('500000000.00');
  });

  it('refuses a zero liability limit, which would divide by zero', () => {
    expect(() => computeSubsidy(inputs('1.00', '0', '1.00'), DEFAULTS)).toThrow(RangeError);
  });

  it('refuses fractional basis points and multiples', () => {
    const x = inputs('1.00', '1.00', '1.00');
    expect(() => computeSubsidy(x, { ...DEFAULTS, rateBp: 80.5 })).toThrow(RangeError);
    expect(() => computeSubsidy(x, { ...DEFAULTS, limitMultiple: 2.5 })).toThrow(RangeError);
    expect(() => computeSubsidy(x, { ...DEFAULTS, rateBp: 10_001 })).toThrow(RangeError);
  });
});

describe('premiumRateAboveCap', () => {
  it('does not flag a premium rate of exactly 3 %', () => {
    expect(premiumRateAboveCap(inputs('1.00', '1000000.00', '30000.00'), DEFAULTS)).toBe(false);
  });

  it('flags a premium rate one fen above 3 %', () => {
    expect(premiumRateAboveCap(inputs('1.00', '1000000.00', '30000.01'), DEFAULTS)).toBe(true);
  });

  it('never flags when the rate cap is switched off', () => {
    expect(premiumRateAboveCap(inputs('1.00', '1.00', '1.00'), CAPS_OFF)).toBe(false);
  });
});

function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

describe('allocateProRata (按比例核减)', () => {
  it('leaves subsidies unchanged when the total fits the budget', () => {
    const items = [{ caseNumber: 'A', subsidyFen: 100n }, { caseNumber: 'B', subsidyFen: 50n }];
    expect(allocateProRata(items, 150n)).toEqual(new Map([['A', 100n], ['B', 50n]]));
    expect(allocateProRata(items, 1_000n)).toEqual(new Map([['A', 100n], ['B', 50n]]));
  });

  it('hands the leftover fen to the largest remainders', () => {
    // 7 fen over 500 : 300 : 200 = 3.5, 2.1, 1.4 → 3 + 2 + 1, and the one fen left goes to A.
    const items = [
      { caseNumber: 'C', subsidyFen: 200n },
      { caseNumber: 'A', subsidyFen: 500n },
      { caseNumber: 'B', subsidyFen: 300n },
    ];
    expect(allocateProRata(items, 7n)).toEqual(new Map([['C', 1n], ['A', 4n], ['B', 2n]]));
  });

  it('breaks equal remainders by case number ascending, whatever the input order', () => {
    // 200 fen over three equal claims of 100: 66.67 each, so two of them get 67.
    const items = [
      { caseNumber: 'ZJ-2026-0003', subsidyFen: 100n },
      { caseNumber: 'ZJ-2026-0001', subsidyFen: 100n },
      { caseNumber: 'ZJ-2026-0002', subsidyFen: 100n },
    ];
    const result = allocateProRata(items, 200n);
    expect(result.get('ZJ-2026-0001')).toBe(67n);
    expect(result.get('ZJ-2026-0002')).toBe(67n);
    expect(result.get('ZJ-2026-0003')).toBe(66n);
    expect(allocateProRata([...items].reverse(), 200n)).toEqual(result);
  });

  it('sums exactly to the budget for many uneven subsidies', () => {
    let seed = 12345n;
    const items = Array.from({ length: 500 }, (_, i) => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      return { caseNumber: `ZJ-2026-${String(i).padStart(4, '0')}`, subsidyFen: seed % 1_000_000_000n };
    });
    const total = sum(items.map((item) => item.subsidyFen));
    const budget = (total * 61n) / 97n;
    const result = allocateProRata(items, budget);
    expect(sum(result.values())).toBe(budget);
    for (const item of items) {
      const floor = (item.subsidyFen * budget) / total;
      expect(result.get(item.caseNumber)).toBeGreaterThanOrEqual(floor);
      expect(result.get(item.caseNumber)).toBeLessThanOrEqual(floor + 1n);
    }
  });

  it('pays nothing when the budget is zero', () => {
    const result = allocateProRata([{ caseNumber: 'A', subsidyFen: 5n }], 0n);
    expect(result.get('A')).toBe(0n);
  });

  it('refuses the same case number twice', () => {
    const items = [{ caseNumber: 'A', subsidyFen: 5n }, { caseNumber: 'A', subsidyFen: 5n }];
    expect(() => allocateProRata(items, 1n)).toThrow(RangeError);
  });
});

describe('applyPerFirmCap', () => {
  const at = (iso: string) => new Date(iso);
  const items: FirmCapItem[] = [
    { caseNumber: 'ZJ-3', firmId: 'f1', approvedAt: at('2026-06-03T10:00:00+08:00'), subsidyFen: 60n },
    { caseNumber: 'ZJ-1', firmId: 'f1', approvedAt: at('2026-06-01T10:00:00+08:00'), subsidyFen: 60n },
    { caseNumber: 'ZJ-2', firmId: 'f2', approvedAt: at('2026-06-02T10:00:00+08:00'), subsidyFen: 500n },
  ];

  it('trims the later approvals of a firm so its total never exceeds the cap', () => {
    expect(applyPerFirmCap(items, 100n)).toEqual(new Map([['ZJ-3', 40n], ['ZJ-1', 60n], ['ZJ-2', 100n]]));
  });

  it('counts what the firm was already granted in the round', () => {
    const result = applyPerFirmCap(items, 100n, new Map([['f1', 90n]]));
    expect(result.get('ZJ-1')).toBe(10n);
    expect(result.get('ZJ-3')).toBe(0n);
  });

  it('breaks equal approval times by case number', () => {
    const same = at('2026-06-01T10:00:00+08:00');
    const tied: FirmCapItem[] = [
      { caseNumber: 'ZJ-9', firmId: 'f1', approvedAt: same, subsidyFen: 80n },
      { caseNumber: 'ZJ-8', firmId: 'f1', approvedAt: same, subsidyFen: 80n },
    ];
    expect(applyPerFirmCap(tied, 100n)).toEqual(new Map([['ZJ-9', 20n], ['ZJ-8', 80n]]));
  });

  it('changes nothing when there is no per-firm cap', () => {
    expect(applyPerFirmCap(items, null)).toEqual(new Map([['ZJ-3', 60n], ['ZJ-1', 60n], ['ZJ-2', 500n]]));
  });
});
