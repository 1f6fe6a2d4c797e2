// The answers of the round routes (present.ts `roundView`, list.ts), for the OpenAPI document.
import { z } from 'zod';
import { documentTypes } from '../../db/schema/cases';
import { dateOut, idOut, instantOut, yuanOut } from '../domain/formats';

const days = (description: string) => z.int().meta({ description });

const clockLengthsSchema = z.strictObject({
  municipalReviewWorkingDays: days('municipal review, working days'),
  revisionWorkingDays: days('revision (补正), working days'),
  provincialReviewWorkingDays: days('provincial review, working days'),
  expertReviewWorkingDays: days('expert review per expert, working days'),
  noticeWorkingDays: days('public notice, working days'),
  objectionWorkingDays: days('objection resolution, working days'),
  paymentDays: days('payment after batch approval, calendar days'),
});

export const rubricSchema = z.strictObject({
  criteria: z.array(z.strictObject({ key: z.string(), label: z.string(), maxPoints: z.int(), weight: z.number() })),
  passMark: z.number().meta({ description: 'a score is Σ points × weight' }),
});

/** present.ts `roundFields`: what an administrator sets, keyed as in POST/PATCH. */
export const roundFieldsShape = {
  name: z.string(),
  year: z.int(),
  editionId: idOut('the catalogue edition'),
  opensAt: instantOut('applications accepted from'),
  closesAt: instantOut('applications refused from'),
  insuranceStartsOn: dateOut('earliest policy start accepted'),
  insuranceEndsOn: dateOut('latest policy start accepted'),
  insurerIds: z.array(z.uuid()).meta({ description: 'approved insurers' }),
  rateBp: z.int().meta({ description: 'r: share of the eligible premium paid back, basis points (8000 = 80 %)' }),
  premiumRateCapBp: z.int().nullable().meta({ description: 'q: subsidised premium-rate cap, basis points; null when off' }),
  limitMultiple: z.int().nullable().meta({ description: 'm: subsidised limit at most m × contract amount; null when off' }),
  absoluteLimit: yuanOut('A: subsidised liability limit cap').nullable(),
  minContract: yuanOut('minimum contract amount'),
  maxYears: z.int().meta({ description: 'policy years a product may be subsidised' }),
  banYears: z.int().meta({ description: 'years a firm is barred from applying once a recovery of its subsidy starts' }),
  perFirmCap: yuanOut('per-firm subsidy cap within the round').nullable(),
  budget: yuanOut('round budget').nullable(),
  excludedCategories: z.array(z.string()),
  excludedEntryIds: z.array(z.uuid()),
  requiredDocuments: z.array(z.enum(documentTypes)).meta({ description: 'document types required for SUBMIT' }),
  clockLengths: clockLengthsSchema,
  rubric: rubricSchema.nullable().meta({ description: 'expert scoring rubric' }),
  expertQuorum: z.int().meta({ description: 'experts whose scores decide a case' }),
};

export const roundViewSchema = z
  .strictObject({
    id: idOut('the round'),
    ...roundFieldsShape,
    paramsVersion: z.int().meta({ description: 'bumped by every recorded rule change' }),
  })
  .meta({ id: 'Round' });

export const roundListSchema = z.strictObject({ items: z.array(roundViewSchema).meta({ description: 'latest opening first' }) }).meta({ id: 'RoundList' });

const changedFields = z.strictObject(roundFieldsShape).partial().meta({ description: 'the changed fields only' });

export const roundChangesSchema = z
  .strictObject({
    items: z.array(
      z
        .strictObject({
          id: idOut('the change'),
          paramsVersion: z.int().meta({ description: 'the version the change made' }),
          changedBy: z.strictObject({ id: z.uuid(), name: z.string().nullable() }),
          reason: z.string(),
          before: changedFields,
          after: changedFields,
          at: instantOut('when'),
        })
        .meta({ id: 'RoundChange' }),
    ),
  })
  .meta({ id: 'RoundChanges' });
