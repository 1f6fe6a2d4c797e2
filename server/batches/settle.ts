import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { disbursementBatches, payments } from '../../db/schema';
import type { ServiceContext } from '../context';
import type { Settlement } from '../../workflows/batch/events';
import { shanghaiDate } from '../calendar/workdays';
import { formatYuan } from '../domain/money';
import type { FieldError } from '../errors';
import type { BatchRow } from './scope';
import { dayWords } from '../domain/date-words';

const statusZh = { pending: '待拨付', paid: '已拨付', failed: '拨付失败', cancelled: '已取消' } as const;

/** How many of the batch's payments stay pending once these are recorded. */
export async function outstandingAfter(tx: Tx, batchId: string, settlements: readonly Settlement[]): Promise<number> {
  const named = settlements.map((s) => s.caseId);
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(payments)
    .where(and(eq(payments.batchId, batchId), eq(payments.status, 'pending'), named.length > 0 ? notInArray(payments.caseId, named) : undefined));
  return row?.n ?? 0;
}

/**
 * SETTLE names pending payments of this batch, each once (the schema sees to that), paid on a day
 * between the batch's approval and today.
 */
export async function settlementProblems(tx: Tx, batch: BatchRow, settlements: readonly Settlement[], now: Date): Promise<FieldError[]> {
  const rows = await tx
    .select({ id: payments.id, caseId: payments.caseId, status: payments.status })
    .from(payments)
    .where(and(eq(payments.batchId, batch.id), inArray(payments.caseId, settlements.map((s) => s.caseId))));
  const today = shanghaiDate(now);
  const approvedOn = batch.approvedAt ? shanghaiDate(batch.approvedAt) : today;
  return settlements.flatMap((s, i): FieldError[] => {
    const at = `payments.${i}`;
    const payment = rows.find((r) => r.caseId === s.caseId);
    if (!payment) return [{ path: `${at}.caseId`, code: 'batch.notInBatch', message: `case ${s.caseId} is not in this batch`, messageZh: `申请 ${s.caseId} 不在本拨付批次中` }];
    if (payment.status !== 'pending') {
      return [{ path: `${at}.caseId`, code: 'batch.alreadySettled', message: `payment ${payment.id} is ${payment.status} already`, messageZh: `付款 ${payment.id} 已是“${statusZh[payment.status]}”状态` }];
    }
    if (s.paidOn !== undefined && s.paidOn > today) return [{ path: `${at}.paidOn`, code: 'batch.paidInFuture', message: `${dayWords(s.paidOn, 'en')} is after today (${dayWords(today, 'en')})`, messageZh: `付款日期 ${dayWords(s.paidOn, 'zh')} 晚于今天（${dayWords(today, 'zh')}）` }];
    if (s.paidOn !== undefined && s.paidOn < approvedOn) {
      return [{ path: `${at}.paidOn`, code: 'batch.paidBeforeApproval', message: `${dayWords(s.paidOn, 'en')} is before the batch was approved (${dayWords(approvedOn, 'en')})`, messageZh: `付款日期 ${dayWords(s.paidOn, 'zh')} 早于批次审批日期（${dayWords(approvedOn, 'zh')}）` }];
    }
    return [];
  });
}

/**
 * What SETTLE would refuse of these outcomes now (settlementProblems), read before the page shows
 * them back for confirmation, so that a payment date in the future or before the approval is said
 * at the summary, not only after 确认登记. The caller has checked that the person sees the batch.
 */
export async function settlementProblemsNow(ctx: ServiceContext, batchId: string, settlements: readonly Settlement[]): Promise<FieldError[]> {
  return ctx.app.db.transaction(async (tx) => {
    const [row] = await tx.select().from(disbursementBatches).where(eq(disbursementBatches.id, batchId));
    return row ? settlementProblems(tx, row, settlements, ctx.app.clock.now()) : [];
  });
}

/** Each payment recorded as the bank answered, in the transition that decided it: one statement for all of them. */
export async function recordSettlements(tx: Tx, batchId: string, settlements: readonly Settlement[], actorId: string | null, now: Date): Promise<void> {
  if (settlements.length === 0) return;
  const outcomes = settlements.map((s) =>
    s.failure !== undefined
      ? { caseId: s.caseId, status: 'failed', failure: s.failure, bankReference: null, paidOn: null }
      : { caseId: s.caseId, status: 'paid', failure: null, bankReference: s.reference ?? null, paidOn: s.paidOn ?? null },
  );
  const updated = await tx.execute<{ case_id: string }>(sql`
    update payments set status = v.status, failure = v.failure, bank_reference = v.bank_reference, paid_on = v.paid_on,
      settled_by = ${actorId}::uuid, settled_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(outcomes.map((o) => ({ case_id: o.caseId, status: o.status, failure: o.failure, bank_reference: o.bankReference, paid_on: o.paidOn })))}::jsonb)
      as v(case_id uuid, status text, failure text, bank_reference text, paid_on date)
    where payments.batch_id = ${batchId} and payments.case_id = v.case_id and payments.status = 'pending'
    returning payments.case_id`);
  if (updated.length !== settlements.length) {
    const done = new Set(updated.map((r) => r.case_id));
    const missed = settlements.find((s) => !done.has(s.caseId));
    throw new Error(`payment of case ${missed?.caseId ?? '?'} in batch ${batchId} was not pending under the batch's lock`);
  }
}

/** A cancelled batch orders nothing: its payments are cancelled with it. */
export async function cancelPayments(tx: Tx, batchId: string): Promise<void> {
  await tx.update(payments).set({ status: 'cancelled' }).where(and(eq(payments.batchId, batchId), eq(payments.status, 'pending')));
}

/** What a batch was made of, for its first history entry: its round and city, and every payment as ordered. */
export async function creationRecord(tx: Tx, batch: BatchRow): Promise<Record<string, unknown>> {
  const rows = await tx.select().from(payments).where(eq(payments.batchId, batch.id)).orderBy(asc(payments.seq));
  return {
    roundId: batch.roundId,
    city: batch.city,
    total: formatYuan(rows.reduce((n, p) => n + p.amountFen, 0n)),
    payments: rows.map((p) => ({ paymentId: p.id, caseId: p.caseId, amount: formatYuan(p.amountFen), payee: p.payee, bankName: p.bankName, bankAccount: p.bankAccount })),
  };
}

/** The payment id of each named case, for the events its case hears. */
export async function paymentIdsOf(tx: Tx, batchId: string, caseIds: readonly string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await tx.select({ id: payments.id, caseId: payments.caseId }).from(payments).where(and(eq(payments.batchId, batchId), inArray(payments.caseId, [...caseIds])));
  return new Map(rows.map((r) => [r.caseId, r.id]));
}
