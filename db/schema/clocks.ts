import { bigserial, boolean, date, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant } from './common';
import { ownerId, ownerKind } from './owners';
import { users } from './accounts';

export const clockUnits = ['workingDays', 'calendarDays', 'fixedDate'] as const;

export const clockStatuses = ['running', 'paused', 'stopped', 'expired'] as const;
export type ClockStatus = (typeof clockStatuses)[number];

// A deadline is a row, never a timer in memory (SPEC §8): BullMQ only nudges, the sweep is the net.
export const clocks = pgTable(
  'clocks',
  {
    id: id(),
    ownerKind: ownerKind().notNull(),
    ownerId: ownerId().notNull(),
    kind: text('kind').notNull(),
    // how due_on is counted (workflows/kernel/clock-spec.ts): only working-day counts follow a calendar correction
    unit: text('unit', { enum: clockUnits }).notNull().default('workingDays'),
    // the person whose own deadline it is (an expert's assignment), for a kind counted per assignee
    assigneeId: uuid('assignee_id').references(() => users.id),
    status: text('status', { enum: clockStatuses }).notNull(),
    lengthWorkingDays: integer('length_working_days'),
    startedAt: instant('started_at').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    dueAt: instant('due_at').notNull(),
    // the due date is `countedDays` working days after `countedFrom`: kept so that a corrected
    // calendar (a year's schedule loaded later) can recompute it
    countedFrom: date('counted_from', { mode: 'string' }),
    countedDays: integer('counted_days'),
    // days left (in the clock's unit) when paused, resumed with at least 1
    remainingWorkingDays: integer('remaining_working_days'),
    provisional: boolean('provisional').notNull().default(false),
    overdue: boolean('overdue').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('clocks_owner_kind_idx').on(t.ownerId, t.kind)],
);

export const clockEvents = pgTable(
  'clock_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clockId: uuid('clock_id').notNull().references(() => clocks.id),
    kind: text('kind', { enum: ['start', 'pause', 'resume', 'extend', 'expire', 'stop', 'remind', 'recompute'] }).notNull(),
    at: instant('at').notNull(),
    data: jsonb('data').notNull().default({}),
  },
  (t) => [index('clock_events_clock_idx').on(t.clockId)],
);

export const timerPurposes = ['reminder', 'expiry'] as const;

export const timers = pgTable(
  'timers',
  {
    id: id(),
    clockId: uuid('clock_id').notNull().references(() => clocks.id),
    ownerKind: ownerKind().notNull(),
    ownerId: ownerId().notNull(),
    purpose: text('purpose', { enum: timerPurposes }).notNull(),
    fireAt: instant('fire_at').notNull(),
    data: jsonb('data').$type<{ workingDaysBefore?: number }>().notNull().default({}),
    firedAt: instant('fired_at'),
    cancelledAt: instant('cancelled_at'),
  },
  (t) => [
    index('timers_due_idx').on(t.fireAt).where(sql`fired_at is null and cancelled_at is null`),
    // cancelling a clock's armed timers happens inside every decision's transaction
    index('timers_armed_clock_idx').on(t.clockId).where(sql`fired_at is null and cancelled_at is null`),
  ],
);
