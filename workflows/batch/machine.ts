import { setup } from 'xstate';
import type { TemplateName } from '../../server/mail/templates';
import type { Role } from '../../db/schema/accounts';
import type { BatchClockKind, BatchRecipientGroup } from './clocks';
import type { BatchEventType, Settlement } from './events';

// 拨付批次 (SPEC §1, §4): a small machine of its own. Finance puts calculated cases into a batch,
// submits it, and a second finance user approves it (four eyes, permissions.ts); the bank pays, and
// each payment is recorded paid or failed. The batch's service tells each member case in the same
// transaction (server/batches): BATCHED, BATCH_APPROVED, PAID or PAYMENT_FAILED, UNBATCHED.

export interface BatchMeta {
  at: string;
  actorId: string | null;
  role: Role | 'system';
}
export type BatchEvent =
  | { type: 'CREATE'; meta: BatchMeta }
  | { type: 'SUBMIT'; meta: BatchMeta }
  | { type: 'APPROVE'; comment?: string; meta: BatchMeta }
  | { type: 'RETURN'; reason: string; meta: BatchMeta }
  | { type: 'CANCEL'; reason: string; meta: BatchMeta }
  | { type: 'SETTLE'; payments: Settlement[]; outstanding?: number; meta: BatchMeta }
  // the engine's expiry event; the payment clock only marks the batch overdue, so no state takes it
  | { type: 'DEADLINE_EXPIRED'; clock: BatchClockKind; meta: BatchMeta };

export interface BatchContext {
  batchId: string;
  /** who created it, and who submitted it last: neither may approve it (SPEC §2) */
  createdBy: string;
  submittedBy: string | null;
  approvedBy: string | null;
  /** payments neither paid nor failed yet */
  outstanding: number;
}
export interface BatchInput {
  batchId: string;
  createdBy: string;
  payments: number;
}
export interface BatchStateMeta {
  /** who may send which event here, as on the case chart */
  may?: Partial<Record<BatchEventType, readonly (Role | 'system')[]>>;
  /**
   * whose inbox lists batches waiting here, and what for (server/tasks/batches.ts): `secondPerson`
   * when the task is the four-eyes decision, not for the batch's creator or submitter
   * (permissions.ts); `creatorOnly` when it is the batch creator's own work; `urgentBy` the batch
   * clock that dates it
   */
  task?: { role: Role; label: { zh: string; en: string }; secondPerson?: true; creatorOnly?: true; urgentBy?: BatchClockKind };
}

export const BATCH_MACHINE_VERSION = 'batch@1';
/** The states a batch is seen in (`new` lives only inside the transaction that creates it). */
export const BATCH_STATES = ['draft', 'submitted', 'approved', 'settled', 'cancelled'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export const batchSetup = setup({
  types: { context: {} as BatchContext, events: {} as BatchEvent, input: {} as BatchInput, meta: {} as BatchStateMeta },
  // named here, executed by the engine in the batch's transaction (server/engine/effects.ts)
  actions: {
    notify: (_: unknown, _params: { template: TemplateName; to: BatchRecipientGroup[] }) => undefined,
    startClock: (_: unknown, _params: { kind: BatchClockKind }) => undefined,
    stopClock: (_: unknown, _params: { kind: BatchClockKind }) => undefined,
  },
  guards: {
    // the service counts what stays pending once this SETTLE is recorded (a fact of the event)
    allSettled: ({ event }) => event.type === 'SETTLE' && event.outstanding === 0,
  },
});

const submittedBy = batchSetup.assign({ submittedBy: ({ event }) => event.meta.actorId });
const approvedBy = batchSetup.assign({ approvedBy: ({ event }) => event.meta.actorId });
const outstanding = batchSetup.assign({ outstanding: ({ context, event }) => (event.type === 'SETTLE' ? (event.outstanding ?? context.outstanding) : context.outstanding) });

export const batchMachine = batchSetup.createMachine({
  id: 'batch',
  initial: 'new',
  context: ({ input }) => ({ batchId: input.batchId, createdBy: input.createdBy, submittedBy: null, approvedBy: null, outstanding: input.payments }),
  states: {
    // only inside the transaction that creates the batch
    new: { meta: { may: { CREATE: ['finance'] } }, on: { CREATE: { target: 'draft' } } },
    draft: {
      // made, or returned, and waiting for its creator to submit (any finance user may, the creator is asked)
      meta: {
        may: { SUBMIT: ['finance'], CANCEL: ['finance'] },
        task: { role: 'finance', label: { zh: '提交拨付批次', en: 'submit the disbursement batch' }, creatorOnly: true },
      },
      on: {
        SUBMIT: { target: 'submitted', actions: [submittedBy, { type: 'notify', params: { template: 'batch.submitted', to: ['otherFinance'] } }] },
        CANCEL: { target: 'cancelled' },
      },
    },
    submitted: {
      meta: {
        may: { APPROVE: ['finance'], RETURN: ['finance'] },
        task: { role: 'finance', label: { zh: '审批拨付批次', en: 'approve the disbursement batch' }, secondPerson: true },
      },
      on: {
        APPROVE: {
          target: 'approved',
          actions: [
            approvedBy,
            { type: 'startClock', params: { kind: 'payment' } },
            { type: 'notify', params: { template: 'batch.approved', to: ['creator'] } },
          ],
        },
        RETURN: {
          target: 'draft',
          actions: [batchSetup.assign({ submittedBy: null }), { type: 'notify', params: { template: 'batch.returned', to: ['creator'] } }],
        },
      },
    },
    approved: {
      // a batch stays approved while any of its payments is neither paid nor failed
      meta: { may: { SETTLE: ['finance'] }, task: { role: 'finance', label: { zh: '登记拨付结果', en: 'record the payments' }, urgentBy: 'payment' } },
      on: {
        SETTLE: [
          { guard: 'allSettled', target: 'settled', actions: [outstanding, { type: 'stopClock', params: { kind: 'payment' } }] },
          // a partial statement: the batch stays approved and its clock runs on
          { actions: outstanding },
        ],
      },
    },
    settled: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type BatchMachine = typeof batchMachine;
export const batchMachines: Record<string, BatchMachine> = { [BATCH_MACHINE_VERSION]: batchMachine };
