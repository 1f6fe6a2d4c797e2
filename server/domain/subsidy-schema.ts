// The stored subsidy derivation (subsidy.ts `SubsidyDerivationJson`), as the case answer shows it.
import { z } from 'zod';
import { yuanOut } from './formats';
import type { SubsidyFlag } from './subsidy';

const FLAGS = ['premium_rate_above_cap', 'limit_capped_by_multiple', 'limit_capped_by_absolute'] as const satisfies readonly SubsidyFlag[];

const fraction = (description: string) =>
  z
    .strictObject({ numerator: z.string(), denominator: z.string() })
    .meta({ description: `${description}: an exact amount in fen, numerator / denominator in lowest terms, as decimal strings` });

export const subsidyDerivationSchema = z
  .strictObject({
    ruleVersion: z.string().meta({ description: 'version of the arithmetic that produced it', example: 'spec-6/v1' }),
    formula: z.string(),
    inputs: z.strictObject({ contract: yuanOut('C, contract amount'), liabilityLimit: yuanOut('L, liability limit'), premium: yuanOut('P, premium') }),
    params: z.strictObject({
      rateBp: z.int().meta({ description: 'r, basis points' }),
      premiumRateCapBp: z.int().nullable().meta({ description: 'q, basis points; null when off' }),
      limitMultiple: z.int().nullable().meta({ description: 'm; null when off' }),
      absoluteLimit: yuanOut('A').nullable(),
    }),
    subsidisedLimit: yuanOut("L', the subsidised limit"),
    premiumShareFen: fraction("P·L'/L"),
    premiumRateCapFen: fraction("q·L'").nullable(),
    eligiblePremium: yuanOut('E, floored to the fen for display'),
    eligiblePremiumFen: fraction('E'),
    subsidy: yuanOut('S'),
    flags: z.array(z.enum(FLAGS)),
  })
  .meta({ id: 'SubsidyDerivation', description: 'how the subsidy was computed (SPEC §6)' });
