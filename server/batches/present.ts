import type { payments } from '../../db/schema';
import { formatYuan } from '../domain/money';
import type { BatchRow } from './scope';
import type { BatchState } from '../../workflows/batch/machine';
import type { BatchEventType } from '../../workflows/batch/events';

type PaymentRow = typeof payments.$inferSelect;
type Person = { id: string; name: string };

const sum = (ps: readonly PaymentRow[]) => ps.reduce((n, p) => n + p.amountFen, 0n);

/** A batch with its payments, in bank-file order, and its totals (cancelled payments count in none). */
export function batchView(
  row: BatchRow,
  rows: readonly { payment: PaymentRow; caseNumber: string }[],
  people: readonly Person[],
  clock: { dueOn: string; overdue: boolean } | null,
  allowedEvents: readonly BatchEventType[],
) {
  const all = rows.map((r) => r.payment);
  const live = all.filter((p) => p.status !== 'cancelled');
  const of = (status: PaymentRow['status']) => all.filter((p) => p.status === status);
  const person = (id: string | null) => (id ? { id, name: people.find((p) => p.id === id)?.name ?? '' } : null);
  return {
    id: row.id,
    number: row.number,
    state: row.state as BatchState,
    version: row.version,
    roundId: row.roundId,
    city: row.city,
    createdBy: person(row.createdBy) ?? { id: row.createdBy, name: '' },
    createdAt: row.createdAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    approvedBy: person(row.approvedBy),
    approvedAt: row.approvedAt?.toISOString() ?? null,
    settledAt: row.settledAt?.toISOString() ?? null,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    // an overdue clock is left expired when the batch settles late: overdue only while payments remain
    payment: clock ? { dueOn: clock.dueOn, overdue: clock.overdue && row.state === 'approved' } : null,
    totals: {
      cases: live.length,
      amount: formatYuan(sum(live)),
      paid: formatYuan(sum(of('paid'))),
      failed: formatYuan(sum(of('failed'))),
      pending: formatYuan(sum(of('pending'))),
      counts: { pending: of('pending').length, paid: of('paid').length, failed: of('failed').length, cancelled: of('cancelled').length },
    },
    cases: rows.map(({ payment: p, caseNumber }) => ({
      caseId: p.caseId,
      caseNumber,
      paymentId: p.id,
      amount: formatYuan(p.amountFen),
      payee: p.payee,
      bankName: p.bankName,
      bankAccount: p.bankAccount,
      status: p.status,
      reference: p.bankReference,
      paidOn: p.paidOn,
      failure: p.failure,
    })),
    allowedEvents: [...allowedEvents],
  };
}
