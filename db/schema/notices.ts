import { date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant } from './common';
import { rounds } from './rounds';
import { cases, type PersistedSnapshot } from './cases';
import { users } from './accounts';

// 公示 (SPEC §1, §4): a public notice is an aggregate of its own, with a small machine
// (workflows/notice), its own history chain, clock and emails; its member cases hear of its
// opening and closing as events.
export const notices = pgTable(
  'notices',
  {
    id: id(),
    // human-facing number, e.g. GS2026-001
    number: text('number').notNull(),
    roundId: uuid('round_id').notNull().references(() => rounds.id),
    state: text('state').notNull(),
    machineVersion: text('machine_version').notNull(),
    snapshot: jsonb('snapshot').$type<PersistedSnapshot>().notNull(),
    version: integer('version').notNull().default(1),
    publishedBy: uuid('published_by').notNull().references(() => users.id),
    openedAt: instant('opened_at').notNull(),
    // the first and the last working day of the period as announced at publication; the running
    // clock stays the deadline (a calendar correction recounts it)
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    closesOn: date('closes_on', { mode: 'string' }).notNull(),
    closedAt: instant('closed_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('notices_number_key').on(t.number), index('notices_opened_idx').on(t.openedAt, t.id)],
);

export const noticeCases = pgTable(
  'notice_cases',
  {
    noticeId: uuid('notice_id').notNull().references(() => notices.id),
    caseId: uuid('case_id').notNull().references(() => cases.id),
  },
  (t) => [primaryKey({ name: 'notice_cases_pkey', columns: [t.noticeId, t.caseId] }), index('notice_cases_case_idx').on(t.caseId)],
);

export const noticeCounters = pgTable('notice_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

// moot: the case was decided otherwise while it was open (another objection upheld, the firm withdrew)
export const objectionStatuses = ['open', 'upheld', 'dismissed', 'moot'] as const;
export type ObjectionStatus = (typeof objectionStatuses)[number];

// Filed by anyone, without an account, against one member case of an open notice. The contact is
// personal data: it is shown to provincial reviewers only and never on a public page.
export const objections = pgTable(
  'objections',
  {
    id: id(),
    noticeId: uuid('notice_id').notNull().references(() => notices.id),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    name: text('name').notNull(),
    contact: text('contact'),
    reason: text('reason').notNull(),
    status: text('status', { enum: objectionStatuses }).notNull().default('open'),
    resolutionReason: text('resolution_reason'),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolvedAt: instant('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('objections_case_idx').on(t.caseId, t.createdAt),
    index('objections_notice_idx').on(t.noticeId, t.createdAt),
    index('objections_open_idx').on(t.caseId).where(sql`status = 'open'`),
  ],
);
