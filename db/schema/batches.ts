import { check, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, fen, id, instant, updatedAt } from './common';
import { rounds } from './rounds';
import { cases, type PersistedSnapshot } from './cases';
import { users } from './accounts';

// 拨付批次 (SPEC §1, §4): a disbursement batch is an aggregate of its own, with a small machine
// (workflows/batch), its own history chain, payment clock and emails; its member cases hear of its
// creation, approval and each payment's outcome as events.
export const disbursementBatches = pgTable(
  'disbursement_batches',
  {
    id: id(),
    // human-facing number, e.g. PB2026-0001
    number: text('number').notNull(),
    roundId: uuid('round_id').notNull().references(() => rounds.id),
    // the city whose cases it was made of, when it was made of one city's
    city: text('city'),
    state: text('state').notNull(),
    machineVersion: text('machine_version').notNull(),
    snapshot: jsonb('snapshot').$type<PersistedSnapshot>().notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    submittedAt: instant('submitted_at'),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: instant('approved_at'),
    settledAt: instant('settled_at'),
    cancelledAt: instant('cancelled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('disbursement_batches_number_key').on(t.number),
    index('disbursement_batches_created_idx').on(t.createdAt, t.id),
    index('disbursement_batches_round_idx').on(t.roundId),
  ],
);

export const batchCounters = pgTable('batch_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

export const paymentStatuses = ['pending', 'paid', 'failed', 'cancelled'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

// One payment per case of a batch: what the bank file orders and the statement confirms. Amount,
// payee and account are copied when the batch is made, so that the file, the statement and the
// records agree whatever the firm's profile says later.
export const payments = pgTable(
  'payments',
  {
    // human-safe and stable, printed on the bank file: PAY-PB2026-0001-0001
    id: text('id').primaryKey(),
    batchId: uuid('batch_id')
      .notNull()
      .references(() => disbursementBatches.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    amountFen: fen('amount_fen').notNull(),
    payee: text('payee').notNull(),
    bankName: text('bank_name').notNull(),
    bankAccount: text('bank_account').notNull(),
    status: text('status', { enum: paymentStatuses }).notNull().default('pending'),
    bankReference: text('bank_reference'),
    paidOn: date('paid_on', { mode: 'string' }),
    failure: text('failure'),
    settledBy: uuid('settled_by').references(() => users.id),
    settledAt: instant('settled_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('payments_batch_case_key').on(t.batchId, t.caseId),
    uniqueIndex('payments_batch_seq_key').on(t.batchId, t.seq),
    // SPEC §1: a case is paid once. The database itself refuses a second payment of a case while
    // one is pending or paid; only a failed or cancelled one leaves room for another.
    uniqueIndex('payments_case_live_key').on(t.caseId).where(sql`status in ('pending', 'paid')`),
    index('payments_case_idx').on(t.caseId),
    check('payments_status_known', sql`${t.status} in ('pending', 'paid', 'failed', 'cancelled')`),
    check('payments_amount_positive', sql`${t.amountFen} > 0`),
    check('payments_account_given', sql`btrim(${t.bankAccount}) <> ''`),
    check('payments_paid_has_reference', sql`(${t.status} = 'paid') = (${t.bankReference} is not null and ${t.paidOn} is not null)`),
    check('payments_failed_has_failure', sql`(${t.status} = 'failed') = (${t.failure} is not null)`),
  ],
);
