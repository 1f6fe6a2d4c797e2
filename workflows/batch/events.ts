import { z } from 'zod';
import { visibleText } from '../../server/domain/text';

// Every event of the disbursement batch, defined once: what a finance user sends (`payload`) and
// the facts the service adds because only the database knows them. The machine's event union
// (machine.ts) and the HTTP request schema (server/batches/body.ts) are derived from here.

// a text of zero-width characters says nothing: it is refused like an empty one
const required = (what: string, zh: string, max = 2000) => visibleText(1, max, `${what} is required`, `请填写${zh}`);
// an id in capitals is the same id: compared as Postgres compares it, in lower case
const caseId = z.uuid({ error: 'not a case id' }).toLowerCase();
const businessDate = z.iso
  .date({ error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '1990-01-01' && d <= '2100-12-31', { message: 'must lie between 1990-01-01 and 2100-12-31', params: { messageZh: '日期须在 1990-01-01 至 2100-12-31 之间' } });

/**
 * One payment's outcome from the bank: paid, with the bank's reference and the day it left; or
 * failed, with what the bank said. Either, never both.
 */
export const settlementSchema = z
  .strictObject({
    caseId,
    reference: required('the bank reference', '银行流水号', 200).optional(),
    paidOn: businessDate.optional(),
    failure: required('the failure', '失败原因', 500).optional(),
  })
  .superRefine((s, ctx) => {
    const paid = s.reference !== undefined || s.paidOn !== undefined;
    if (paid && s.failure !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['failure'],
        message: 'a payment is either paid (reference and paidOn) or failed (failure), not both',
        params: { messageZh: '一笔拨付要么已拨付（填写银行流水号和拨付日期），要么拨付失败（填写失败原因），不能两者都填' },
      });
    } else if (!paid && s.failure === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'give reference and paidOn for a paid payment, or failure for a failed one',
        params: { messageZh: '已拨付的请填写银行流水号和拨付日期，拨付失败的请填写失败原因' },
      });
    } else if (paid) {
      if (s.reference === undefined) {
        ctx.addIssue({ code: 'custom', path: ['reference'], message: 'the bank reference is required for a paid payment', params: { messageZh: '已拨付的须填写银行流水号' } });
      }
      if (s.paidOn === undefined) {
        ctx.addIssue({ code: 'custom', path: ['paidOn'], message: 'the day it was paid is required for a paid payment', params: { messageZh: '已拨付的须填写拨付日期' } });
      }
    }
  });
export type Settlement = z.output<typeof settlementSchema>;

export const batchEvents = {
  // only inside the transaction that creates the batch: its first history entry
  CREATE: { payload: {}, systemOnly: true },
  SUBMIT: { payload: {} },
  APPROVE: { payload: { comment: z.string().trim().max(2000).optional() } },
  RETURN: { payload: { reason: required('reason', '退回理由') } },
  CANCEL: { payload: { reason: required('reason', '取消理由') } },
  SETTLE: {
    payload: {
      payments: z
        .array(settlementSchema)
        .min(1, 'name at least one payment')
        .max(1000, 'at most 1000 payments at once')
        .refine((ps) => new Set(ps.map((p) => p.caseId)).size === ps.length, { message: 'a case is named twice', params: { messageZh: '同一申请被填写了两次' } }),
    },
    // how many of the batch's payments are still pending once these are recorded: none settles it
    facts: { outstanding: z.int().min(0) },
  },
} as const;

export type BatchEventType = keyof typeof batchEvents;
export const BATCH_EVENT_TYPES = Object.keys(batchEvents) as [BatchEventType, ...BatchEventType[]];
