import { date, integer, jsonb, pgTable, text, uuid, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, fen, id, instant, updatedAt } from './common';
import { catalogueEditions } from './catalogue';

export interface ClockLengths {
  municipalReviewWorkingDays: number;
  revisionWorkingDays: number;
  provincialReviewWorkingDays: number;
  expertReviewWorkingDays: number;
  noticeWorkingDays: number;
  objectionWorkingDays: number;
  paymentDays: number;
}

/** The most criteria a rubric may have (server/rounds/schema.ts), and so a score may name. */
export const MAX_RUBRIC_CRITERIA = 30;

export interface Rubric {
  criteria: { key: string; label: string; maxPoints: number; weight: number }[];
  passMark: number;
}

export const rounds = pgTable(
  'rounds',
  {
    id: id(),
    name: text('name').notNull(),
    year: integer('year').notNull(),
    editionId: uuid('edition_id').notNull().references(() => catalogueEditions.id),
    opensAt: instant('opens_at').notNull(),
    closesAt: instant('closes_at').notNull(),
    insuranceStartsOn: date('insurance_starts_on', { mode: 'string' }).notNull(),
    insuranceEndsOn: date('insurance_ends_on', { mode: 'string' }).notNull(),
    insurerIds: uuid('insurer_ids').array().notNull().default(sql`'{}'`),
    // §6 parameters; null switches a cap off
    rateBp: integer('rate_bp').notNull().default(8000),
    premiumRateCapBp: integer('premium_rate_cap_bp').default(300),
    limitMultiple: integer('limit_multiple').default(5),
    absoluteLimitFen: fen('absolute_limit_fen').default(sql`50000000000`),
    minContractFen: fen('min_contract_fen').notNull().default(sql`20000000`),
    maxYears: integer('max_years').notNull().default(3),
    // a firm found to have cheated is barred for this many years from the recovery's start (SPEC §1)
    banYears: integer('ban_years').notNull().default(3),
    perFirmCapFen: fen('per_firm_cap_fen'),
    budgetFen: fen('budget_fen'),
    excludedCategories: text('excluded_categories').array().notNull().default(sql`'{}'`),
    excludedEntryIds: uuid('excluded_entry_ids').array().notNull().default(sql`'{}'`),
    requiredDocuments: text('required_documents').array().notNull(),
    clockLengths: jsonb('clock_lengths').$type<ClockLengths>().notNull(),
    rubric: jsonb('rubric').$type<Rubric>(),
    // experts whose scores decide a case (SPEC §4: default 3)
    expertQuorum: integer('expert_quorum').notNull().default(3),
    paramsVersion: integer('params_version').notNull().default(1),
    // the "closes in 3 days" reminder to firms with drafts went out (SPEC §4, round closing)
    closingReminderSentAt: instant('closing_reminder_sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('rounds_year_idx').on(t.year)],
);

// A round's parameters after cases were submitted change only with a recorded, versioned reason.
export const roundChanges = pgTable(
  'round_changes',
  {
    id: id(),
    roundId: uuid('round_id').notNull().references(() => rounds.id),
    paramsVersion: integer('params_version').notNull(),
    changedBy: uuid('changed_by').notNull(),
    reason: text('reason').notNull(),
    before: jsonb('before').notNull(),
    after: jsonb('after').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('round_changes_round_idx').on(t.roundId)],
);
