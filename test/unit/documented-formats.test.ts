import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MoneyFormatError, MONEY_FORMAT_MESSAGE, yuanString, yuanStringOut } from '../../server/domain/money.js';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../../server/domain/formats.js';
import { subsidyDerivationSchema } from '../../server/domain/subsidy-schema.js';
import { computeSubsidy, toDerivationJson } from '../../server/domain/subsidy.js';

// The shapes the OpenAPI document publishes (server/http/openapi.ts renders these schemas): what a
// client reads there about money, dates and the subsidy derivation must stay what it is.
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

describe('money in the API', () => {
  it('documents an amount a client sends, and explains a malformed one', () => {
    expect(schemaOf(yuanString)).toMatchObject({ type: 'string', description: 'Amount in yuan, as a string with at most two decimals', example: '1500000.00' });
    expect(yuanString.safeParse('12.345').error?.issues.map((i) => i.message)).toEqual([MONEY_FORMAT_MESSAGE]);
  });

  it('documents an amount the server sends, always with two decimals and maybe a minus', () => {
    expect(schemaOf(yuanStringOut)).toMatchObject({ type: 'string', description: 'Amount in yuan, as a string with two decimals', example: '1500000.00' });
    for (const ok of ['0.00', '1500000.00', '-0.01']) expect(yuanStringOut.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['x1.00', '1.001', '1.0', '+1.00', '1']) expect(yuanStringOut.safeParse(bad).success, bad).toBe(false);
  });

  it('names its error and shortens a long input in the message', () => {
    const error = new MoneyFormatError('1'.repeat(41));
    expect(error.name).toBe('MoneyFormatError');
    expect(error.message).toBe(`${MONEY_FORMAT_MESSAGE}; got "${'1'.repeat(40)}…"`);
    expect(new MoneyFormatError('1'.repeat(40)).message).toBe(`${MONEY_FORMAT_MESSAGE}; got "${'1'.repeat(40)}"`);
  });
});

describe('building blocks of the response schemas', () => {
  it('documents instants, dates, ids, amounts and cursors with their examples', () => {
    expect(schemaOf(instantOut('when it was approved'))).toMatchObject({ format: 'date-time', description: 'when it was approved', example: '2026-04-01T01:30:00.000Z' });
    expect(schemaOf(dateOut('the due date'))).toMatchObject({ format: 'date', description: 'the due date', example: '2026-04-01' });
    expect(schemaOf(idOut('the case'))).toMatchObject({ format: 'uuid', description: 'the case' });
    expect(schemaOf(yuanOut('the premium'))).toMatchObject({ type: 'string', description: 'the premium; yuan as a string with two decimals', example: '1500000.00' });
    expect(schemaOf(nextCursorOut)).toMatchObject({ type: ['string', 'null'], description: 'opaque cursor of the next page, to pass back as `cursor`; null on the last page' });
  });
});

describe('the subsidy derivation schema', () => {
  const derivation = toDerivationJson(
    computeSubsidy({ contractFen: 1_000_000_000n, liabilityLimitFen: 6_000_000_000n, premiumFen: 150_000_000n }, { rateBp: 8000, premiumRateCapBp: 300, limitMultiple: 5, absoluteLimitFen: 50_000_000_000n }),
  );

  it('accepts what computeSubsidy stores, and nothing else', () => {
    expect(subsidyDerivationSchema.parse(derivation)).toEqual(derivation);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, extra: 1 }).success).toBe(false);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, inputs: { ...derivation.inputs, extra: '1.00' } }).success).toBe(false);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, premiumShareFen: { numerator: '1', denominator: '1', extra: '1' } }).success).toBe(false);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, flags: ['unknown'] }).success).toBe(false);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, params: { ...derivation.params, premiumRateCapBp: null, limitMultiple: null, absoluteLimit: null } }).success).toBe(true);
    expect(subsidyDerivationSchema.safeParse({ ...derivation, premiumRateCapFen: null }).success).toBe(true);
  });

  it('documents every field for the reader of the OpenAPI document', () => {
    const json = z.toJSONSchema(subsidyDerivationSchema);
    const defs = (json.$defs ?? {}) as Record<string, { description?: string; properties: Record<string, Record<string, unknown>> }>;
    const schema = defs.SubsidyDerivation;
    expect(schema?.description).toBe('how the subsidy was computed (SPEC §6)');
    const p = schema?.properties ?? {};
    expect(p.ruleVersion).toMatchObject({ description: 'version of the arithmetic that produced it', example: 'spec-6/v1' });
    expect(p.formula).toEqual({ type: 'string' });
    expect(p.inputs).toMatchObject({
      properties: {
        contract: { description: 'C, contract amount; yuan as a string with two decimals' },
        liabilityLimit: { description: 'L, liability limit; yuan as a string with two decimals' },
        premium: { description: 'P, premium; yuan as a string with two decimals' },
      },
    });
    expect(p.params).toMatchObject({
      properties: {
        rateBp: { type: 'integer', description: 'r, basis points' },
        premiumRateCapBp: { description: 'q, basis points; null when off' },
        limitMultiple: { description: 'm; null when off' },
        absoluteLimit: { anyOf: [{ description: 'A; yuan as a string with two decimals' }, { type: 'null' }] },
      },
    });
    expect(p.subsidisedLimit).toMatchObject({ description: "L', the subsidised limit; yuan as a string with two decimals" });
    const fraction = (what: string) => `${what}: an exact amount in fen, numerator / denominator in lowest terms, as decimal strings`;
    expect(p.premiumShareFen).toMatchObject({ description: fraction("P·L'/L"), properties: { numerator: { type: 'string' }, denominator: { type: 'string' } } });
    expect(p.premiumRateCapFen).toMatchObject({ anyOf: [{ description: fraction("q·L'") }, { type: 'null' }] });
    expect(p.eligiblePremium).toMatchObject({ description: 'E, floored to the fen for display; yuan as a string with two decimals' });
    expect(p.eligiblePremiumFen).toMatchObject({ description: fraction('E') });
    expect(p.subsidy).toMatchObject({ description: 'S; yuan as a string with two decimals' });
  });
});
