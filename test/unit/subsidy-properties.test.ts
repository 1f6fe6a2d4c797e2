import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseYuan } from '../../server/domain/money.js';
import { allocateProRata, applyPerFirmCap, computeSubsidy, toDerivationJson, type SubsidyDerivationJson, type SubsidyInputs, type SubsidyParams } from '../../server/domain/subsidy.js';

// SPEC §6 as properties over random inputs: amounts in fen up to 10^13 (100 billion yuan), round
// parameters anywhere in their ranges, each cap switched off at random. The example tests beside
// this file pin the worked examples; these pin the rules whatever the figures.
const RUNS = { numRuns: 500 };
const BP = 10_000n;
const fen = (max = 10n ** 13n, min = 0n) => fc.bigInt({ min, max });

const inputsArb: fc.Arbitrary<SubsidyInputs> = fc.record({ contractFen: fen(), liabilityLimitFen: fen(10n ** 13n, 1n), premiumFen: fen() });
const paramsArb: fc.Arbitrary<SubsidyParams> = fc.record({
  rateBp: fc.integer({ min: 0, max: 10_000 }),
  premiumRateCapBp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
  limitMultiple: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  absoluteLimitFen: fc.option(fen(), { nil: null }),
});

/** L' = min(L, m·C, A), written out again here rather than read from the code under test. */
function subsidisedLimit(i: SubsidyInputs, p: SubsidyParams): bigint {
  let limit = i.liabilityLimitFen;
  if (p.limitMultiple !== null && BigInt(p.limitMultiple) * i.contractFen < limit) limit = BigInt(p.limitMultiple) * i.contractFen;
  if (p.absoluteLimitFen !== null && p.absoluteLimitFen < limit) limit = p.absoluteLimitFen;
  return limit;
}

/** The parameters as the stored derivation names them, read back to what computeSubsidy takes. */
function paramsOf(d: SubsidyDerivationJson): SubsidyParams {
  return {
    rateBp: d.params.rateBp,
    premiumRateCapBp: d.params.premiumRateCapBp,
    limitMultiple: d.params.limitMultiple,
    absoluteLimitFen: d.params.absoluteLimit === null ? null : parseYuan(d.params.absoluteLimit),
  };
}

describe('computeSubsidy, whatever the figures', () => {
  it('never pays more than the rate share of the premium, floor(r·P)', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (i, p) => {
        expect(computeSubsidy(i, p).subsidyFen <= (BigInt(p.rateBp) * i.premiumFen) / BP).toBe(true);
      }),
      RUNS,
    );
  });

  it('never pays more than the rate share of the capped premium rate on the subsidised limit, floor(r·q·L′), when the cap is on', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, fc.integer({ min: 0, max: 10_000 }), (i, p, q) => {
        const params = { ...p, premiumRateCapBp: q };
        const bound = (BigInt(p.rateBp) * BigInt(q) * subsidisedLimit(i, params)) / (BP * BP);
        expect(computeSubsidy(i, params).subsidyFen <= bound).toBe(true);
      }),
      RUNS,
    );
  });

  it('is floor(r·min(P·L′/L, q·L′)), rounded once at the end', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (i, p) => {
        const l = subsidisedLimit(i, p);
        const r = BigInt(p.rateBp);
        // floor is monotone, so floor(r·min(a, b)) = min(floor(r·a), floor(r·b))
        const byShare = (r * i.premiumFen * l) / (BP * i.liabilityLimitFen);
        const byCap = p.premiumRateCapBp === null ? byShare : (r * BigInt(p.premiumRateCapBp) * l) / (BP * BP);
        expect(computeSubsidy(i, p).subsidyFen).toBe(byShare < byCap ? byShare : byCap);
      }),
      RUNS,
    );
  });

  it('does not fall when the premium rises', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, fen(), (i, p, more) => {
        const less = computeSubsidy(i, p).subsidyFen;
        expect(computeSubsidy({ ...i, premiumFen: i.premiumFen + more }, p).subsidyFen >= less).toBe(true);
      }),
      RUNS,
    );
  });

  it('is zero when the premium is zero', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (i, p) => {
        expect(computeSubsidy({ ...i, premiumFen: 0n }, p).subsidyFen).toBe(0n);
      }),
      RUNS,
    );
  });

  it('stores a derivation that recomputes to the same fen from its own inputs and parameters', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (i, p) => {
        const d = computeSubsidy(i, p);
        const stored = JSON.parse(JSON.stringify(toDerivationJson(d))) as SubsidyDerivationJson;
        const again = computeSubsidy(
          { contractFen: parseYuan(stored.inputs.contract), liabilityLimitFen: parseYuan(stored.inputs.liabilityLimit), premiumFen: parseYuan(stored.inputs.premium) },
          paramsOf(stored),
        );
        expect(again.subsidyFen).toBe(d.subsidyFen);
        expect(parseYuan(stored.subsidy)).toBe(d.subsidyFen);
      }),
      RUNS,
    );
  });
});

// equal subsidies have equal remainders: a few repeated small figures make the case-number tie-break matter
const subsidyArb = fc.oneof(fen(), fc.constantFrom(0n, 1n, 7n, 100n, 12_345n));
/** Cases with distinct numbers and subsidies up to 10^13 fen, and the same cases in another order. */
const casesArb = fc
  .uniqueArray(fc.record({ caseNumber: fc.stringMatching(/^ZJ2026-\d{6}$/), subsidyFen: subsidyArb }), { minLength: 1, maxLength: 40, selector: (c) => c.caseNumber })
  .chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length })));
const totalOf = (items: readonly { subsidyFen: bigint }[]) => items.reduce((s, c) => s + c.subsidyFen, 0n);
/** A budget below the total (or zero when the total is). */
const shortOf = (total: bigint) => fc.bigInt({ min: 0n, max: total > 0n ? total - 1n : 0n });

describe('allocateProRata, whatever the figures', () => {
  it('sums exactly to the budget when the total exceeds it, each case within a fen above its floor and never above what it had', () => {
    fc.assert(
      fc.property(
        casesArb.chain(([items]) => fc.tuple(fc.constant(items), shortOf(totalOf(items)))),
        ([items, budget]) => {
          const total = totalOf(items);
          fc.pre(total > budget);
          const after = allocateProRata(items, budget);
          expect([...after.values()].reduce((s, v) => s + v, 0n)).toBe(budget);
          for (const c of items) {
            const got = after.get(c.caseNumber) ?? -1n;
            const floor = (c.subsidyFen * budget) / total;
            expect(got <= c.subsidyFen, c.caseNumber).toBe(true);
            expect(got === floor || got === floor + 1n, c.caseNumber).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('gives the same amounts whatever order the cases come in', () => {
    fc.assert(
      fc.property(
        casesArb.chain(([items, shuffled]) => fc.tuple(fc.constant(items), fc.constant(shuffled), shortOf(totalOf(items)))),
        ([items, shuffled, budget]) => {
          expect(allocateProRata(shuffled, budget)).toEqual(allocateProRata(items, budget));
        },
      ),
      RUNS,
    );
  });

  it('changes nothing when the total fits the budget', () => {
    fc.assert(
      fc.property(casesArb, fen(), ([items], spare) => {
        const after = allocateProRata(items, totalOf(items) + spare);
        for (const c of items) expect(after.get(c.caseNumber)).toBe(c.subsidyFen);
      }),
      RUNS,
    );
  });
});

const FIRMS = ['firm-a', 'firm-b', 'firm-c'];
const firmCasesArb = fc.uniqueArray(
  fc.record({
    caseNumber: fc.stringMatching(/^ZJ2026-\d{6}$/),
    firmId: fc.constantFrom(...FIRMS),
    approvedAt: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }),
    subsidyFen: fen(10n ** 11n),
  }),
  { minLength: 1, maxLength: 40, selector: (c) => c.caseNumber },
);
const grantedArb = fc.tuple(fen(10n ** 12n), fen(10n ** 12n), fen(10n ** 12n)).map((fens) => new Map(FIRMS.map((f, i) => [f, fens[i] ?? 0n])));

describe('applyPerFirmCap, whatever the figures', () => {
  it('never takes a firm past the cap with what it had before, and never raises a case', () => {
    fc.assert(
      fc.property(firmCasesArb, fen(10n ** 12n), grantedArb, (items, cap, before) => {
        const after = applyPerFirmCap(items, cap, before);
        for (const firm of FIRMS) {
          const granted = before.get(firm) ?? 0n;
          const now = items.filter((c) => c.firmId === firm).reduce((s, c) => s + (after.get(c.caseNumber) ?? 0n), 0n);
          // a firm already past the cap gets nothing more; otherwise it stops at the cap
          expect(granted + now <= (granted > cap ? granted : cap), firm).toBe(true);
        }
        for (const c of items) expect((after.get(c.caseNumber) ?? -1n) <= c.subsidyFen).toBe(true);
      }),
      RUNS,
    );
  });

  it('changes nothing without a cap', () => {
    fc.assert(
      fc.property(firmCasesArb, grantedArb, (items, before) => {
        const after = applyPerFirmCap(items, null, before);
        for (const c of items) expect(after.get(c.caseNumber)).toBe(c.subsidyFen);
      }),
      RUNS,
    );
  });
});
