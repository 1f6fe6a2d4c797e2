// The answers of the case routes, for the OpenAPI document: `caseView` (present.ts) and the
// result of an event (send-event.ts). Change a presenter and its schema here together.
import { z } from 'zod';
import { clockStatuses } from '../../db/schema/clocks';
import { assignmentViewSchema, expertReviewViewSchema } from './experts-view';
import { dateOut, idOut, instantOut, yuanOut } from '../domain/formats';
import { subsidyDerivationSchema } from '../domain/subsidy-schema';
import { CASE_EVENT_TYPES } from '../../workflows/case/events';

export const allowedEventsSchema = z
  .array(z.enum(CASE_EVENT_TYPES))
  .meta({ description: 'events the caller may send now and the workflow would accept: the buttons a UI shows' });

export const stateSchema = z.string().meta({ description: 'the review stage while in review, the top-level state otherwise (draft, municipal, revision, …)', example: 'municipal' });

const warningSchema = z
  .strictObject({
    code: z.string().meta({ description: 'stable code, e.g. premium_rate_above_cap' }),
    message: z.string().meta({ description: 'English' }),
    messageZh: z.string().meta({ description: 'Chinese' }),
  })
  .meta({ id: 'CaseWarning', description: 'a finding that does not block submission but reviewers see flagged' });

const clockSchema = z
  .strictObject({
    kind: z.string().meta({ description: 'which deadline: municipalReview, revision, provincialReview, …' }),
    status: z.enum(clockStatuses).meta({ description: 'running, paused or expired (stopped clocks are not listed)' }),
    dueOn: dateOut('the last working day of the deadline, Asia/Shanghai'),
    dueAt: instantOut('the end of dueOn in Asia/Shanghai'),
    provisional: z.boolean().meta({ description: "true while the count crosses a year whose official schedule is not published; the date may still move" }),
    overdue: z.boolean().meta({ description: 'the deadline has passed' }),
    remainingWorkingDays: z.int().nullable().meta({ description: 'working days left when paused; null otherwise' }),
    assigneeId: idOut('the person whose own deadline it is (an expert), shown to provincial reviewers and that person').nullable(),
  })
  .meta({ id: 'CaseClock' });

const text = (description: string) => z.string().meta({ description });

export const caseViewSchema = z
  .strictObject({
    id: idOut('the case'),
    number: z.string().meta({ description: 'human-facing number, per year', example: 'ZJ2026-000042' }),
    state: stateSchema,
    stateValue: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .meta({ description: 'the full workflow state value: a string, or an object of parallel regions while in review (review and insurance)' }),
    version: z.int().meta({ description: 'bumped by every change; send it back as If-Match (also the ETag)' }),
    allowedEvents: allowedEventsSchema,
    warnings: z.array(warningSchema),
    clocks: z.array(clockSchema).meta({ description: "running, paused and expired deadlines, oldest first; to an expert, of the experts' own deadlines only theirs" }),
    experts: z.array(assignmentViewSchema).meta({ description: 'expert assignments: all to provincial reviewers; to an expert their own, and the others\' scores once theirs is in; empty for everyone else' }),
    expertReview: expertReviewViewSchema,
    enterpriseId: idOut('the applicant firm'),
    city: z.string().meta({ description: "GB/T 2260 code of the firm's city when the case was opened", example: '330100' }),
    roundId: idOut('the application round'),
    catalogueEntryId: idOut('the catalogue entry applied under'),
    renewalOf: idOut("the firm's case of the previous policy year, for a renewal").nullable(),
    material: z
      .strictObject({ name: text('material name'), specification: text('specification / model'), batchNo: text('batch number') })
      .partial()
      .meta({ description: 'the material; a draft may leave any field out' }),
    userUnit: z
      .strictObject({
        name: text('the buying user unit'),
        uscc: text('its unified social credit code'),
        notAffiliate: z.boolean().meta({ description: 'the firm declares the user unit is not affiliated with it' }),
        notTrader: z.boolean().meta({ description: 'the firm declares the user unit is not a trader' }),
      })
      .partial(),
    contract: z
      .strictObject({
        number: text('contract number'),
        signedOn: dateOut('signing date'),
        quantity: z.string().meta({ description: 'quantity as a decimal string', example: '20000' }),
        unit: text('unit of the quantity'),
        deliveredOn: dateOut('delivery date'),
      })
      .partial()
      .extend({ amount: yuanOut('contract amount').nullable() }),
    policy: z
      .strictObject({
        number: text('policy number'),
        startsOn: dateOut('cover starts'),
        endsOn: dateOut('cover ends'),
        premiumInvoiceNo: text('premium invoice number'),
        paidOn: dateOut('premium paid on'),
      })
      .partial()
      .extend({
        insurerId: idOut('the insurer').nullable(),
        liabilityLimit: yuanOut('liability limit').nullable(),
        premium: yuanOut('premium of the insured year').nullable(),
      }),
    subsidy: z
      .strictObject({ amount: yuanOut('the subsidy'), derivation: subsidyDerivationSchema.nullable() })
      .nullable()
      .meta({ description: 'the computed subsidy (SPEC §6); null until it is computed, and for an insurer, an expert or admin (see GET /cases/{id}/subsidy)' }),
    createdAt: instantOut('opened'),
    updatedAt: instantOut('last changed'),
    submittedAt: instantOut('first submitted').nullable(),
  })
  .meta({ id: 'CaseView' });

/** POST /cases/:id/events: also what an Idempotency-Key replay answers. */
export const caseEventResultSchema = z
  .strictObject({
    id: idOut('the case'),
    state: stateSchema,
    version: z.int().meta({ description: 'the new version (also the ETag)' }),
    allowedEvents: allowedEventsSchema,
  })
  .meta({ id: 'CaseEventResult' });
