import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid, bigserial } from 'drizzle-orm/pg-core';
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
    // null until an invited staff member sets a password from the emailed link: no sign-in before
    passwordHash: text('password_hash'),
    name: text('name').notNull(),
    roles: text('roles').array().$type<Role[]>().notNull(),
    // jurisdiction: a municipal reviewer's city (GB/T 2260 code), a firm user's enterprise, an insurer's company
    city: text('city'),
    enterpriseId: uuid('enterprise_id').references(() => enterprises.id),
    insurerId: uuid('insurer_id').references(() => insurers.id),
    // an expert's organisation (SPEC §7): its USCC counts among the expert's relations for four eyes
    organisationUscc: text('organisation_uscc'),
    organisationName: text('organisation_name'),
    // USCCs of firms this person is related to, for the four-eyes rule
    affiliations: text('affiliations').array().$type<string[]>().notNull().default(sql`'{}'`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

// Edits of an account by administrators, and its activation, are evidence like profile edits.
export const userChanges = pgTable(
  'user_changes',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    changedBy: uuid('changed_by').notNull(),
    requestId: text('request_id'),
    before: jsonb('before').$type<Record<string, unknown>>().notNull(),
    after: jsonb('after').$type<Record<string, unknown>>().notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('user_changes_user_idx').on(t.userId, t.at)],
);

/**
 * An emailed invitation to a staff account (SPEC §7): one live link per account at a time; sending
 * a new one revokes the old.
 */
export const userInvitations = pgTable(
  'user_invitations',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    // sha256 of the emailed token: the table alone activates nothing
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    acceptedAt: instant('accepted_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    uniqueIndex('user_invitations_token_key').on(t.tokenHash),
    index('user_invitations_user_idx').on(t.userId),
    // at most one link per account can still be used: a new one is refused until the old is revoked
    uniqueIndex('user_invitations_pending_key').on(t.userId).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
  ],
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

/**
 * An emailed link to set a new password when the old one is forgotten: single use, short-lived.
 * Using one (or changing the password while signed in) ends every other link of the account.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    // sha256 of the emailed token: the table alone resets nothing
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [uniqueIndex('password_resets_token_key').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
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
