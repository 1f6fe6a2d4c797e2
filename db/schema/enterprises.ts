import { date, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant, updatedAt } from './common';

export const enterprises = pgTable(
  'enterprises',
  {
    id: id(),
    name: text('name').notNull(),
    uscc: text('uscc').notNull(),
    city: text('city').notNull(),
    address: text('address').notNull().default(''),
    contactName: text('contact_name').notNull().default(''),
    contactPhone: text('contact_phone').notNull().default(''),
    contactEmail: text('contact_email').notNull().default(''),
    bankName: text('bank_name').notNull().default(''),
    bankAccount: text('bank_account').notNull().default(''),
    affiliations: text('affiliations').array().$type<string[]>().notNull().default(sql`'{}'`),
    // 3-year ban after fraud (policy); a business date in Asia/Shanghai
    bannedUntil: date('banned_until', { mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('enterprises_uscc_key').on(t.uscc), index('enterprises_city_idx').on(t.city)],
);

// Profile edits are evidence too: the bank account decides where a subsidy is paid.
export const enterpriseChanges = pgTable(
  'enterprise_changes',
  {
    id: id(),
    enterpriseId: uuid('enterprise_id').notNull().references(() => enterprises.id),
    changedBy: uuid('changed_by').notNull(),
    requestId: text('request_id'),
    before: jsonb('before').$type<Record<string, unknown>>().notNull(),
    after: jsonb('after').$type<Record<string, unknown>>().notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('enterprise_changes_enterprise_idx').on(t.enterpriseId, t.at)],
);
