import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant } from './common';
import { users } from './accounts';
import { ownerId, ownerKind } from './owners';

// Effects written in the case's transaction; the relay moves them to BullMQ (SPEC §8).
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
    enqueuedAt: instant('enqueued_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.id).where(sql`enqueued_at is null`)],
);

export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed'] as const;

export const emailDeliveries = pgTable(
  'email_deliveries',
  {
    id: id(),
    // stable across retries, so a duplicate send is recognisable by the receiver
    messageId: text('message_id').notNull(),
    ownerKind: ownerKind(),
    ownerId: ownerId(),
    recipientUserId: uuid('recipient_user_id').references(() => users.id),
    toAddress: text('to_address').notNull(),
    template: text('template').notNull(),
    data: jsonb('data').$type<Record<string, string>>().notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    subject: text('subject'),
    // a claim older than the lease is taken over: the sender died after claiming (SPEC §9)
    claimedAt: instant('claimed_at'),
    // when the queue should have tried again: a pending row long past it lost its job (SPEC §9)
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('email_deliveries_message_id_key').on(t.messageId),
    index('email_deliveries_owner_idx').on(t.ownerId),
    index('email_deliveries_unsent_idx').on(t.nextAttemptAt).where(sql`status in ('pending', 'sending')`),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id),
    ownerKind: ownerKind(),
    ownerId: ownerId(),
    template: text('template').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
    readAt: instant('read_at'),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    // the unread count in the header of every page: a count over this person's unread rows only
    index('notifications_unread_idx').on(t.userId).where(sql`read_at is null`),
  ],
);

// An event one aggregate sent another through the outbox (a notice closing tells its cases), as
// each receiver took it: delivered at most once per receiver however often the job runs.
export const eventReceipts = pgTable(
  'event_receipts',
  {
    eventId: uuid('event_id').notNull(),
    ownerKind: ownerKind().notNull(),
    ownerId: ownerId().notNull(),
    senderKind: ownerKind('sender_kind').notNull(),
    senderId: ownerId('sender_id').notNull(),
    eventType: text('event_type').notNull(),
    // 'applied', or why the receiver refused it (it had moved on)
    outcome: text('outcome').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ name: 'event_receipts_pkey', columns: [t.eventId, t.ownerId] }), index('event_receipts_owner_idx').on(t.ownerId)],
);
