import { z } from 'zod';
import { yuanString } from '../domain/money';
import { normalUscc } from '../domain/uscc';
import { CASE_EVENT_TYPES, caseEvents, type CaseEventType, type PayloadOf } from '../../workflows/case/events';

// The case body of SPEC §7. Drafts may be incomplete (SUBMIT checks completeness, §5), but
// whatever is sent must be well-formed: money as yuan strings, dates as YYYY-MM-DD, no unknown keys.
// Business dates of this programme lie between its start and the end of the century; anything
// else is a typing error (and years 0–99 would confuse date arithmetic).
const isoDate = z.iso
  .date({ error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '1990-01-01' && d <= '2100-12-31', { message: 'must lie between 1990-01-01 and 2100-12-31', params: { messageZh: '日期应在 1990-01-01 至 2100-12-31 之间' } });
const text = (max: number) => z.string().trim().max(max);
const decimal = z
  .string()
  .overwrite((s) => s.normalize('NFKC').trim())
  .regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be a decimal number as a string, e.g. "20000"');

export const materialSchema = z.strictObject({ name: text(200), specification: text(500), batchNo: text(100) }).partial();
export const userUnitSchema = z
  .strictObject({ name: text(200), uscc: z.string().overwrite(normalUscc).max(18), notAffiliate: z.boolean(), notTrader: z.boolean() })
  .partial();
export const contractSchema = z
  .strictObject({ number: text(100), signedOn: isoDate, amount: yuanString, quantity: decimal, unit: text(20), deliveredOn: isoDate })
  .partial();
export const policySchema = z
  .strictObject({
    insurerId: z.uuid().toLowerCase(),
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
    roundId: z.uuid().toLowerCase(),
    catalogueEntryId: z.uuid().toLowerCase(),
    renewalOf: z.uuid().toLowerCase().nullable().optional(),
    material: materialSchema.optional(),
    userUnit: userUnitSchema.optional(),
    contract: contractSchema.optional(),
    policy: policySchema.optional(),
  })
  .meta({ id: 'CaseCreate' });

export const casePatchSchema = caseCreateSchema.partial().meta({ id: 'CasePatch' });

export type CaseCreate = z.output<typeof caseCreateSchema>;
export type CasePatch = z.output<typeof casePatchSchema>;

type Sendable = { [K in CaseEventType]: (typeof caseEvents)[K] extends { systemOnly: true } ? never : K }[CaseEventType];
/** What a person sends to POST /cases/:id/events: every event of the chart but the system's own. */
export type EventBody = { [K in Sendable]: { type: K } & PayloadOf<K> }[Sendable];

const sendable = CASE_EVENT_TYPES.filter((t): t is Sendable => !('systemOnly' in caseEvents[t]));
const [first, ...rest] = sendable.map((t) => z.strictObject({ type: z.literal(t), ...caseEvents[t].payload }));
if (!first) throw new Error('the case workflow has no event a person may send');

export const eventBodySchema = (z.discriminatedUnion('type', [first, ...rest]) as unknown as z.ZodType<EventBody>).meta({ id: 'CaseEvent' });
