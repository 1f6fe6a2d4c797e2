// The round report (SPEC §7 `GET /reports/rounds/:id`), for the OpenAPI document and the response
// check. Every figure is defined once, here, in the words finance reads them.
import { z } from 'zod';
import { idOut, instantOut, yuanOut } from '../domain/formats';

const count = (description: string) => z.int().min(0).meta({ description });

export const FIGURES = {
  requested: 'premiums requested: the sum of the premiums of the submitted cases (submitted at least once, whatever their state now, withdrawn and rejected included); not a subsidy — what a firm would get is only computed at approval',
  approved: 'approved: the sum of S as calculated on approval (the stored derivation), before the per-firm cap and any pro-rata reduction',
  reduced: 'reduced: what the per-firm cap and the pro-rata reduction took from the approved cases, S as calculated − the current subsidy; a recovery does not change the current subsidy, so approved − reduced = current',
  current: 'current: the sum of the current subsidy of the approved cases, after any cap or reduction',
  paid: 'paid: the current subsidy of the cases paid, including those later under recovery or recovered',
  recovered: 'recovered: the sum of the amounts finance recorded as recovered',
} as const;

const countsSchema = z
  .strictObject({
    cases: count('every case of the round, drafts included'),
    submitted: count('cases submitted at least once'),
    approved: count('cases approved (with a subsidy calculated)'),
    paid: count('cases paid: paid, under recovery or recovered'),
    recovered: count('cases whose recovered amount was recorded'),
  })
  .meta({ id: 'ReportCounts' });

const moneySchema = z
  .strictObject({
    requested: yuanOut(FIGURES.requested),
    approved: yuanOut(FIGURES.approved),
    reduced: yuanOut(FIGURES.reduced),
    current: yuanOut(FIGURES.current),
    paid: yuanOut(FIGURES.paid),
    recovered: yuanOut(FIGURES.recovered),
  })
  .meta({ id: 'ReportMoney' });

/**
 * Claims per catalogue entry and insurer (SPEC §3, §7): one more GROUP BY over claims joined to
 * their cases, beside the premiums of the same cases. Empty until the claims stage exists.
 */
export const claimsRowSchema = z
  .strictObject({
    catalogueEntryId: idOut('the catalogue entry'),
    entryName: z.string(),
    insurerId: idOut('the insurer of the policies'),
    insurerName: z.string(),
    premiums: yuanOut('premiums of the submitted cases of this entry and insurer'),
    claims: count('claims reported'),
    claimsPaid: count('claims paid'),
    paidAmount: yuanOut('the sum paid on those claims'),
    lossRatio: z
      .string()
      .regex(/^\d+\.\d{4}$/)
      .nullable()
      .meta({ description: 'paid claims ÷ premiums, four decimals, computed in exact decimal arithmetic; null when there are no premiums', example: '0.1250' }),
  })
  .meta({ id: 'ReportClaimsRow' });

export const roundReportSchema = z
  .strictObject({
    round: z.strictObject({ id: idOut('the round'), name: z.string(), year: z.int() }),
    generatedAt: instantOut('when the figures were read; all from one snapshot of the database'),
    totals: z.strictObject({ counts: countsSchema, money: moneySchema }),
    byState: z
      .array(z.strictObject({ state: z.string(), nameZh: z.string(), nameEn: z.string(), count: count('cases in this state') }))
      .meta({ description: 'states with at least one case, in workflow order' }),
    byCity: z
      .array(
        z.strictObject({
          city: z.string().meta({ description: 'GB/T 2260 code', example: '330100' }),
          name: z.string().meta({ example: '杭州市' }),
          nameEn: z.string().meta({ example: 'Hangzhou' }),
          counts: countsSchema,
          money: moneySchema,
        }),
      )
      .meta({ description: "every city of the province, then any other code cases carry; a case's city is its firm's when it was opened" }),
    byStateAndCity: z
      .array(z.strictObject({ state: z.string(), city: z.string(), count: count('cases in this state and city') }))
      .meta({ description: 'the non-zero cells of the state × city table' }),
    reductions: z
      .array(z.strictObject({ kind: z.enum(['perFirmCap', 'proRata']), cases: count('cases this step reduced'), amount: yuanOut('what this step took') }))
      .meta({ description: 'the reduced figure by step; the amounts add up to totals.money.reduced' }),
    claims: z.array(claimsRowSchema).meta({ description: 'claims per catalogue entry and insurer, with the loss ratio; empty until claims are recorded' }),
  })
  .meta({ id: 'RoundReport', description: `A round's cases and money. ${Object.values(FIGURES).join('. ')}.` });
export type RoundReportView = z.output<typeof roundReportSchema>;
