import { boolean, date, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { instant } from './common';

// Official working-day overrides (State Council schedule), correctable by an administrator.
export const calendarDays = pgTable('calendar_days', {
  date: date('date', { mode: 'string' }).primaryKey(),
  kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
  name: text('name'),
  source: text('source', { enum: ['official', 'admin'] }).notNull().default('official'),
});

export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  published: boolean('published').notNull(),
});

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

// Every replacement of a year's schedule: deadlines were counted on it, so auditors may ask.
export const calendarChanges = pgTable(
  'calendar_changes',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    year: integer('year').notNull(),
    changedBy: uuid('changed_by').notNull(),
    requestId: text('request_id'),
    before: jsonb('before').notNull(),
    after: jsonb('after').notNull(),
    recomputedClockIds: uuid('recomputed_clock_ids').array().notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('calendar_changes_year_idx').on(t.year, t.at)],
);
