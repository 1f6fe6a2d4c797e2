import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { StateValue } from 'xstate';
import { createdAt, fen, id, instant, updatedAt } from './common';
import { rounds } from './rounds';
import { enterprises } from './enterprises';
import { catalogueEntries } from './catalogue';
import { insurers } from './insurers';
import { users, type Role } from './accounts';
import { policyNumberKeySql } from './policy-number-key';

export interface MaterialBody { name: string; specification: string; batchNo: string }
export interface UserUnitBody { name: string; uscc: string; notAffiliate: boolean; notTrader: boolean }
export interface ContractBody { number: string; signedOn: string; quantity: string; unit: string; deliveredOn: string }
export interface PolicyBody { number: string; startsOn: string; endsOn: string; premiumInvoiceNo: string; paidOn: string }
export interface PersistedSnapshot { value: StateValue; context: unknown }

export const cases = pgTable(
  'cases',
  {
    id: id(),
    // human-facing number, e.g. ZJ2026-000042; also the deterministic tie-breaker of §6
    number: text('number').notNull(),
    roundId: uuid('round_id').notNull().references(() => rounds.id),
    enterpriseId: uuid('enterprise_id').notNull().references(() => enterprises.id),
    // the firm's city when the case was opened: jurisdiction of municipal reviewers
    city: text('city').notNull(),
    catalogueEntryId: uuid('catalogue_entry_id').notNull().references(() => catalogueEntries.id),
    renewalOf: uuid('renewal_of'),
    material: jsonb('material').$type<Partial<MaterialBody>>().notNull().default({}),
    userUnit: jsonb('user_unit').$type<Partial<UserUnitBody>>().notNull().default({}),
    contract: jsonb('contract').$type<Partial<ContractBody>>().notNull().default({}),
    contractAmountFen: fen('contract_amount_fen'),
    policy: jsonb('policy').$type<Partial<PolicyBody>>().notNull().default({}),
    // the policy number as SPEC §5 compares it (policy-number-key.ts); written by PostgreSQL only
    policyNumberKey: text('policy_number_key').generatedAlwaysAs(policyNumberKeySql),
    insurerId: uuid('insurer_id').references(() => insurers.id),
    liabilityLimitFen: fen('liability_limit_fen'),
    premiumFen: fen('premium_fen'),
    // workflow: the persisted XState snapshot, its machine version, and a flat state path for lists
    state: text('state').notNull(),
    machineVersion: text('machine_version').notNull(),
    snapshot: jsonb('snapshot').$type<PersistedSnapshot>().notNull(),
    version: integer('version').notNull().default(1),
    subsidyFen: fen('subsidy_fen'),
    subsidyDerivation: jsonb('subsidy_derivation'),
    // when the case entered `approved`: finance sees it from then on, and the per-firm cap and the
    // pro-rata reduction go in this order (SPEC §6)
    approvedAt: instant('approved_at'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    submittedAt: instant('submitted_at'),
  },
  (t) => [
    uniqueIndex('cases_number_key').on(t.number),
    index('cases_enterprise_idx').on(t.enterpriseId, t.createdAt, t.id),
    index('cases_city_state_idx').on(t.city, t.state, t.createdAt, t.id),
    index('cases_state_idx').on(t.state, t.createdAt, t.id),
    index('cases_round_idx').on(t.roundId),
    // the case list's search by a part of the number ("000042")
    index('cases_number_search_idx').using('gin', sql`${t.number} gin_trgm_ops`),
    // … and by a part of the material's name or of the policy number (server/cases/list.ts)
    index('cases_material_name_search_idx').using('gin', sql`(${t.material}->>'name') gin_trgm_ops`),
    index('cases_policy_number_search_idx').using('gin', sql`${t.policyNumberKey} gin_trgm_ops`),
    index('cases_approved_idx').on(t.roundId, t.approvedAt, t.number).where(sql`approved_at is not null`),
    // an expert's cases: the assignments in the snapshot's context (server/cases/visibility.ts)
    index('cases_experts_idx').using('gin', sql`(${t.snapshot}->'context'->'experts') jsonb_path_ops`),
    // reviewers' lists: submitted cases, newest first, by city / all / by insurer (bench/list.ts)
    index('cases_submitted_city_idx').on(t.city, t.createdAt, t.id).where(sql`submitted_at is not null`),
    index('cases_submitted_idx').on(t.createdAt, t.id).where(sql`submitted_at is not null`),
    index('cases_submitted_insurer_idx').on(t.insurerId, t.createdAt, t.id).where(sql`submitted_at is not null`),
    // SPEC §5 "not a duplicate": the submission rule reads this, and it settles two duplicate
    // submissions racing each other (each holds only its own case's row lock)
    uniqueIndex('cases_live_duplicate_key')
      .on(t.enterpriseId, t.catalogueEntryId, sql`btrim(${t.userUnit}->>'uscc')`, t.policyNumberKey)
      .where(sql`${t.submittedAt} is not null and ${t.state} not in ('withdrawn', 'rejected', 'lapsed')`),
  ],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    // the same key with a different request is a client bug: refused, not replayed
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('idempotency_keys_user_key').on(t.userId, t.key)],
);

export const caseCounters = pgTable('case_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});


export const documentTypes = [
  'business_license',
  'sales_contract',
  'sales_invoice',
  'insurance_policy',
  'premium_invoice',
  'premium_payment_proof',
  'test_report',
  'user_confirmation',
  'integrity_pledge',
  'other',
] as const;
export type DocumentType = (typeof documentTypes)[number];

// Files are content-addressed under DATA_DIR; a new upload of a type is a new version, old ones stay.
export const documents = pgTable(
  'documents',
  {
    id: id(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    type: text('type', { enum: documentTypes }).notNull(),
    version: integer('version').notNull(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by').notNull().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('documents_case_type_version_key').on(t.caseId, t.type, t.version), index('documents_case_idx').on(t.caseId)],
);

// A reviewer taking a task from the shared inbox of their role (SPEC §2): the others see who has
// it. One claim per case and role; the case workflow drops it when the case leaves the task's state.
export const taskClaims = pgTable(
  'task_claims',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    role: text('role').$type<Role>().notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    // the chart path of the task's state (workflows/case/chart.ts), e.g. inReview.review.municipal
    task: text('task').notNull(),
    claimedAt: instant('claimed_at').notNull(),
  },
  (t) => [primaryKey({ name: 'task_claims_pkey', columns: [t.caseId, t.role] }), index('task_claims_user_idx').on(t.userId)],
);
