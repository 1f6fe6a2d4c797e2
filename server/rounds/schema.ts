import { z } from 'zod';
import { documentTypes } from '../../db/schema/cases';
import { MAX_RUBRIC_CRITERIA } from '../../db/schema/rounds';
import { yuanString } from '../domain/money';
import { visibleText } from '../domain/text';

// The round body of SPEC §3/§6. Rates travel as integer basis points (8000 = 80 %), never as
// floats or percent strings, so that what the admin types is exactly what the subsidy uses.
// Parameters left out of POST take the SPEC defaults named in each description.
const instant = (description: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an instant with offset, e.g. 2026-10-01T09:00:00+08:00' })
    .meta({ description })
    .transform((s) => new Date(s));
const isoDate = (description: string) => z.iso.date({ error: 'must be a date as YYYY-MM-DD' }).meta({ description });
const days = (what: string, dflt: number) =>
  z.int({ error: 'must be a whole number of days' }).min(1).max(365).meta({ description: `${what}; default ${dflt}` });

export const clockLengthsSchema = z
  .strictObject({
    municipalReviewWorkingDays: days('municipal review, working days', 10),
    revisionWorkingDays: days('revision (补正), working days', 10),
    provincialReviewWorkingDays: days('provincial review, working days', 10),
    expertReviewWorkingDays: days('expert review per expert, working days', 7),
    noticeWorkingDays: days('public notice, working days', 5),
    objectionWorkingDays: days('objection resolution, working days', 10),
    paymentDays: days('payment after batch approval, calendar days', 30),
  })
  .partial()
  .meta({ description: 'Deadline lengths (SPEC §4); a missing length keeps its default (or, in PATCH, its current value)' });

export const rubricSchema = z
  .strictObject({
    criteria: z
      .array(
        z.strictObject({
          key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'must be a letter followed by letters, digits or _ (at most 40)'),
          label: z.string().trim().min(1, 'label is required').max(200),
          maxPoints: z.int().positive().max(1000),
          weight: z.number().positive().max(100),
        }),
      )
      .min(1, 'give at least one criterion')
      .max(MAX_RUBRIC_CRITERIA),
    passMark: z.number().positive(),
  })
  .meta({
    description:
      'Expert scoring rubric. Keys must be unique; a score is Σ points × weight, so passMark must lie in (0, Σ maxPoints × weight]. Default: four criteria worth 30/30/20/20, passMark 60',
  });

const bp = (description: string) => z.int({ error: 'must be a whole number of basis points (8000 = 80 %)' }).min(1).max(10_000).meta({ description });
const yuanOrOff = (description: string) => yuanString.nullable().meta({ description });

const identity = {
  // a name or reason of invisible characters alone (zero-width spaces) says nothing
  name: visibleText(1, 200, 'name is required', '请填写批次名称'),
  year: z.int().min(2000).max(2100),
  editionId: z.uuid().meta({ description: 'a published catalogue edition' }),
  opensAt: instant('applications accepted from this instant'),
  closesAt: instant('applications refused from this instant; after opensAt'),
  insuranceStartsOn: isoDate('earliest policy start date accepted'),
  insuranceEndsOn: isoDate('latest policy start date accepted; after insuranceStartsOn'),
  insurerIds: z.array(z.uuid().toLowerCase()).min(1, 'name at least one approved insurer').max(100),
};

const parameters = {
  rateBp: bp('r: share of the eligible premium paid back, basis points; default 8000 (80 %)'),
  premiumRateCapBp: bp('q: subsidised premium-rate cap, basis points; default 300 (3 %); null switches it off').nullable(),
  limitMultiple: z.int().min(1).max(1000).nullable().meta({ description: 'm: subsidised limit at most m × contract amount; default 5; null switches it off' }),
  absoluteLimit: yuanOrOff('A: subsidised liability limit cap, yuan; default "500000000.00"; null switches it off'),
  minContract: yuanString.meta({ description: 'minimum contract amount, yuan; default "200000.00"' }),
  maxYears: z.int().min(1).max(10).meta({ description: 'policy years a product may be subsidised; default 3' }),
  banYears: z.int().min(1).max(10).meta({ description: 'years a firm is barred from applying once a recovery of its subsidy starts; default 3' }),
  perFirmCap: yuanOrOff('per-firm subsidy cap within the round, yuan; default null (none)'),
  budget: yuanOrOff('round budget, yuan; default null (none)'),
  excludedCategories: z.array(z.string().trim().min(1).max(200)).max(200).meta({ description: "category names of the round's edition excluded from the round" }),
  excludedEntryIds: z.array(z.uuid().toLowerCase()).max(5000).meta({ description: "entries of the round's edition excluded from the round" }),
  requiredDocuments: z.array(z.enum(documentTypes)).max(documentTypes.length).meta({ description: 'document types required for SUBMIT; default the nine of SPEC §3' }),
  clockLengths: clockLengthsSchema,
  rubric: rubricSchema,
  expertQuorum: z.int().min(1).max(15).meta({ description: 'experts whose scores decide a case; default 3' }),
};

export const roundCreateSchema = z.strictObject({ ...identity, ...z.object(parameters).partial().shape }).meta({ id: 'RoundCreate' });

export const roundPatchSchema = z
  .strictObject({
    ...identity,
    ...parameters,
    reason: visibleText(1, 2000, 'reason must not be empty', '请填写变更理由').meta({
      description: 'why the rules change; required when the round already has submitted applications and a rule parameter changes',
    }),
  })
  .partial()
  .meta({ id: 'RoundPatch' });

export type RoundCreate = z.output<typeof roundCreateSchema>;
export type RoundPatch = z.output<typeof roundPatchSchema>;
