import { check, date, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, fen, id, instant } from './common';
import { cases } from './cases';
import { users } from './accounts';
import { rounds } from './rounds';

// 按比例核减 (SPEC §6, §7): finance proposes the reduction of a round's approved, unpaid cases to
// the budget still available; a second finance user approves it. A newer proposal supersedes the
// open ones of its round. The figures are those the proposal was made with: approval recomputes
// them under the case locks and refuses when anything moved.
export const proRataProposals = pgTable(
  'pro_rata_proposals',
  {
    id: id(),
    roundId: uuid('round_id')
      .notNull()
      .references(() => rounds.id),
    status: text('status', { enum: ['open', 'approved', 'superseded'] }).notNull(),
    /** the round's budget when proposed */
    budgetFen: fen('budget_fen').notNull(),
    /** the subsidy of the round's cases already in a batch, paid or in recovery */
    committedFen: fen('committed_fen').notNull(),
    /** budget − committed, never below zero: what the proposal shares out */
    availableFen: fen('available_fen').notNull(),
    /** the subsidy of the cases the proposal reduces, before it */
    totalFen: fen('total_fen').notNull(),
    proposedBy: uuid('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: instant('proposed_at').notNull(),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: instant('approved_at'),
    supersededAt: instant('superseded_at'),
  },
  (t) => [
    index('pro_rata_proposals_round_idx').on(t.roundId, t.proposedAt),
    uniqueIndex('pro_rata_proposals_one_open_key').on(t.roundId).where(sql`${t.status} = 'open'`),
    // four eyes (SPEC §2), kept by the database too
    check('pro_rata_proposals_four_eyes', sql`${t.approvedBy} is null or ${t.approvedBy} <> ${t.proposedBy}`),
    check('pro_rata_proposals_approved', sql`(${t.status} = 'approved') = (${t.approvedBy} is not null and ${t.approvedAt} is not null)`),
    check('pro_rata_proposals_reduces', sql`${t.availableFen} >= 0 and ${t.availableFen} < ${t.totalFen}`),
  ],
);

/** Each case of a proposal: its subsidy when proposed and after the reduction. */
export const proRataItems = pgTable(
  'pro_rata_items',
  {
    proposalId: uuid('proposal_id')
      .notNull()
      .references(() => proRataProposals.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    beforeFen: fen('before_fen').notNull(),
    afterFen: fen('after_fen').notNull(),
  },
  (t) => [
    primaryKey({ name: 'pro_rata_items_pkey', columns: [t.proposalId, t.caseId] }),
    index('pro_rata_items_case_idx').on(t.caseId),
    check('pro_rata_items_not_raised', sql`${t.afterFen} between 0 and ${t.beforeFen}`),
  ],
);

// Every change to a case's subsidy after its calculation on approval (SPEC §6): the per-firm cap
// and the pro-rata reduction, before and after, in order. The case row holds the current figure;
// GET /cases/:id/subsidy shows the derivation and this list.
export const subsidyAdjustments = pgTable(
  'subsidy_adjustments',
  {
    id: id(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    kind: text('kind', { enum: ['perFirmCap', 'proRata'] }).notNull(),
    beforeFen: fen('before_fen').notNull(),
    afterFen: fen('after_fen').notNull(),
    /** what the step read: the cap and what the firm had before, or the budget and total */
    basis: jsonb('basis').notNull(),
    /** the pro-rata proposal that was approved; null for the cap */
    proposalId: uuid('proposal_id').references(() => proRataProposals.id),
    approvedBy: uuid('approved_by').references(() => users.id),
    at: instant('at').notNull(),
  },
  (t) => [index('subsidy_adjustments_case_idx').on(t.caseId, t.at), check('subsidy_adjustments_not_raised', sql`${t.afterFen} between 0 and ${t.beforeFen}`)],
);

// 追回 (SPEC §1, §4): one per case, started by a provincial reviewer, completed by finance.
export const recoveries = pgTable(
  'recoveries',
  {
    caseId: uuid('case_id')
      .primaryKey()
      .references(() => cases.id),
    reason: text('reason').notNull(),
    startedBy: uuid('started_by')
      .notNull()
      .references(() => users.id),
    startedAt: instant('started_at').notNull(),
    /** the firm's ban that this recovery set (its end date, Asia/Shanghai) */
    bannedUntil: date('banned_until', { mode: 'string' }).notNull(),
    amountFen: fen('amount_fen'),
    reference: text('reference'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: instant('recorded_at'),
    createdAt: createdAt(),
  },
  (t) => [check('recoveries_amount_positive', sql`${t.amountFen} is null or ${t.amountFen} > 0`)],
);
