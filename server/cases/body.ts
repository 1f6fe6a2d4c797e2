import { z } from 'zod';
import { yuanString } from '../domain/money';

// The case body of SPEC §7. Drafts may be incomplete (SUBMIT checks completeness, §5), but
// whatever is sent must be well-formed: money as yuan strings, dates as YYYY-MM-DD, no unknown keys.
// Business dates of this programme lie between its start and the end of the century; anything
// else is a typing error (and years 0–99 would confuse date arithmetic).
const isoDate = z.iso
  .date({ error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '1990-01-01' && d <= '2100-12-31', 'must lie between 1990-01-01 and 2100-12-31');
const text = (max: number) => z.string().trim().max(max);
const decimal = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a decimal number as a string, e.g. "20000"');

export const materialSchema = z.strictObject({ name: text(200), specification: text(500), batchNo: text(100) }).partial();
export const userUnitSchema = z
  .strictObject({ name: text(200), uscc: text(18), notAffiliate: z.boolean(), notTrader: z.boolean() })
  .partial();
export const contractSchema = z
  .strictObject({ number: text(100), signedOn: isoDate, amount: yuanString, quantity: decimal, unit: text(20), deliveredOn: isoDate })
  .partial();
export const policySchema = z
  .strictObject({
    insurerId: z.uuid(),
    number: text(100),
    liabilityLimit: yuanString,
    premium: yuanString,
    startsOn: isoDate,
    endsOn: isoDate,
    premiumInvoiceNo: text(100),
    paidOn: isoDate,
  })
  .partial();

export const caseCreateSchema = z
  .strictObject({
    roundId: z.uuid(),
    catalogueEntryId: z.uuid(),
    renewalOf: z.uuid().nullable().optional(),
    material: materialSchema.optional(),
    userUnit: userUnitSchema.optional(),
    contract: contractSchema.optional(),
    policy: policySchema.optional(),
  })
  .meta({ id: 'CaseCreate' });

export const casePatchSchema = caseCreateSchema.partial().meta({ id: 'CasePatch' });

export type CaseCreate = z.output<typeof caseCreateSchema>;
export type CasePatch = z.output<typeof casePatchSchema>;

const reason = z.strictObject({ path: z.string().max(200).optional(), message: z.string().trim().min(1).max(2000) });
const required = (what: string) => z.string().trim().min(1, `${what} is required`).max(2000);

export const eventBodySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('SUBMIT') }),
    z.strictObject({ type: z.literal('RESUBMIT') }),
    z.strictObject({ type: z.literal('WITHDRAW'), reason: required('reason') }),
    z.strictObject({ type: z.literal('APPROVE'), comment: z.string().max(2000).optional() }),
    z.strictObject({ type: z.literal('RETURN'), reasons: z.array(reason).min(1, 'give at least one reason').max(50) }),
    z.strictObject({ type: z.literal('REJECT'), reason: required('reason') }),
    z.strictObject({ type: z.literal('VERIFY_POLICY') }),
    z.strictObject({ type: z.literal('POLICY_MISMATCH'), reason: required('reason') }),
  ])
  .meta({ id: 'CaseEvent' });

export type EventBody = z.output<typeof eventBodySchema>;
