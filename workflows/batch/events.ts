import { z } from 'zod';

// Every event of the disbursement batch, defined once: what a finance user sends (`payload`) and
// the facts the service adds because only the database knows them. The machine's event union
// (machine.ts) and the HTTP request schema (server/batches/body.ts) are derived from here.

const required = (what: string, max = 2000) => z.string().trim().min(1, `${what} is required`).max(max);
const businessDate = z.iso
  .date({ error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '1990-01-01' && d <= '2100-12-31', 'must lie between 1990-01-01 and 2100-12-31');

/**
 * One payment's outcome from the bank: paid, with the bank's reference and the day it left; or
 * failed, with what the bank said. Either, never both.
 */
export const settlementSchema = z
  .strictObject({
    caseId: z.uuid({ error: 'not a case id' }),
    reference: required('the bank reference', 200).optional(),
    paidOn: businessDate.optional(),
    failure: required('the failure', 500).optional(),
  })
  .superRefine((s, ctx) => {
    const paid = s.reference !== undefined || s.paidOn !== undefined;
    if (paid && s.failure !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['failure'], message: 'a payment is either paid (reference and paidOn) or failed (failure), not both' });
    } else if (!paid && s.failure === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reference'], message: 'give reference and paidOn for a paid payment, or failure for a failed one' });
    } else if (paid) {
      if (s.reference === undefined) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'the bank reference is required for a paid payment' });
      if (s.paidOn === undefined) ctx.addIssue({ code: 'custom', path: ['paidOn'], message: 'the day it was paid is required for a paid payment' });
    }
  });
export type Settlement = z.output<typeof settlementSchema>;

export const batchEvents = {
  // only inside the transaction that creates the batch: its first history entry
  CREATE: { payload: {}, systemOnly: true },
  SUBMIT: { payload: {} },
  APPROVE: { payload: { comment: z.string().trim().max(2000).optional() } },
  RETURN: { payload: { reason: required('reason') } },
  CANCEL: { payload: { reason: required('reason') } },
  SETTLE: {
    payload: {
      payments: z
        .array(settlementSchema)
        .min(1, 'name at least one payment')
        .max(1000, 'at most 1000 payments at once')
        .refine((ps) => new Set(ps.map((p) => p.caseId)).size === ps.length, 'a case is named twice'),
    },
    // how many of the batch's payments are still pending once these are recorded: none settles it
    facts: { outstanding: z.int().min(0) },
  },
} as const;

export type BatchEventType = keyof typeof batchEvents;
export const BATCH_EVENT_TYPES = Object.keys(batchEvents) as [BatchEventType, ...BatchEventType[]];
