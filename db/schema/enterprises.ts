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
  (t) => [
    uniqueIndex('enterprises_uscc_key').on(t.uscc),
    index('enterprises_city_idx').on(t.city),
    // the case list's search by a part of the firm's name: Chinese has no word boundaries, so trigrams
    index('enterprises_name_search_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    // the case list's search by a part of the firm's USCC (server/cases/list.ts)
    index('enterprises_uscc_search_idx').using('gin', sql`${t.uscc} gin_trgm_ops`),
  ],
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

/**
 * A self-registration waiting for its first user to confirm the email address (SPEC §7). Nothing
 * else exists until then: neither the firm, whose USCC stays free, nor the account, so that the
 * registration answer and what follows it say nothing about which emails have accounts.
 */
export const enterpriseRegistrations = pgTable(
  'enterprise_registrations',
  {
    id: id(),
    // sha256 of the emailed token: the table alone confirms nothing
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    userName: text('user_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    enterprise: jsonb('enterprise').$type<RegisteredFirm>().notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    confirmedAt: instant('confirmed_at'),
  },
  (t) => [uniqueIndex('enterprise_registrations_token_key').on(t.tokenHash)],
);

/** The firm as registered, before it is a row of `enterprises`. */
export interface RegisteredFirm {
  name: string;
  uscc: string;
  city: string;
  address: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  bankName?: string;
  bankAccount?: string;
  affiliations: string[];
}
