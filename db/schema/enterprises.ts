import { date, pgTable, text, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, updatedAt } from './common';

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
