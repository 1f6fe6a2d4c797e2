import { date, integer, jsonb, pgTable, text, boolean } from 'drizzle-orm/pg-core';
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
