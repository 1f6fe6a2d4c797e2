import { check, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, fen, id, instant } from './common';
import { cases, type PersistedSnapshot } from './cases';
import { users } from './accounts';

export const claimKinds = ['quality', 'liability'] as const;

// 理赔 (SPEC §3, §4): a loss the firm reports under the policy of an approved case, decided by the
// policy's insurer. An aggregate of its own with a small machine (workflows/claim), its own
// history chain and emails; the case it belongs to is not changed by it.
export const claims = pgTable(
  'claims',
  {
    id: id(),
    // human-facing: the case number and the claim's place among the case's claims, e.g. ZJ2026-000042-LP1
    number: text('number').notNull(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: claimKinds }).notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    amountFen: fen('amount_fen').notNull(),
    description: text('description').notNull(),
    state: text('state').notNull(),
    machineVersion: text('machine_version').notNull(),
    snapshot: jsonb('snapshot').$type<PersistedSnapshot>().notNull(),
    version: integer('version').notNull().default(1),
    reportedBy: uuid('reported_by')
      .notNull()
      .references(() => users.id),
    reportedAt: instant('reported_at').notNull(),
    // the insurer's decision, as the machine took it: a payment (amount and reference) or a denial
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: instant('decided_at'),
    paidFen: fen('paid_fen'),
    paymentReference: text('payment_reference'),
    denialReason: text('denial_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('claims_number_key').on(t.number),
    uniqueIndex('claims_case_seq_key').on(t.caseId, t.seq),
    // the insurer's inbox: claims still waiting for a decision
    index('claims_reported_idx').on(t.caseId).where(sql`state = 'reported'`),
    check('claims_amount_positive', sql`${t.amountFen} > 0`),
    check('claims_paid_positive', sql`${t.paidFen} is null or ${t.paidFen} > 0`),
  ],
);

// The firm's documents in support of a claim (loss reports, photos, invoices): the same files as a
// case's (PDF, JPEG, PNG or OFD, at most 20 MB, type from the content), content-addressed under
// DATA_DIR; numbered in upload order, none ever replaced.
export const claimDocuments = pgTable(
  'claim_documents',
  {
    id: id(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    version: integer('version').notNull(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('claim_documents_claim_version_key').on(t.claimId, t.version)],
);
