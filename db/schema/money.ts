import { check, date, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, fen, id, instant } from './common';
import { cases } from './cases';
import { users } from './accounts';

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
    proposalId: uuid('proposal_id'),
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
