import { boolean, index, pgTable, text, uniqueIndex, uuid, bigserial } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant } from './common';
import { enterprises } from './enterprises';
import { insurers } from './insurers';

export const roles = ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const;
export type Role = (typeof roles)[number];

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    roles: text('roles').array().$type<Role[]>().notNull(),
    // jurisdiction: a municipal reviewer's city (GB/T 2260 code), a firm user's enterprise, an insurer's company
    city: text('city'),
    enterpriseId: uuid('enterprise_id').references(() => enterprises.id),
    insurerId: uuid('insurer_id').references(() => insurers.id),
    // USCCs of firms this person is related to, for the four-eyes rule
    affiliations: text('affiliations').array().$type<string[]>().notNull().default(sql`'{}'`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    // sha256 of the opaque token: a database leak does not leak live sessions
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip'),
    succeeded: boolean('succeeded').notNull(),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [index('login_attempts_email_at_idx').on(sql`lower(${t.email})`, t.at)],
);
