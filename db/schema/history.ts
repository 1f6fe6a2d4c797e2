import { bigserial, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './common';
import { ownerId, ownerKind } from './owners';

// Append-only: a trigger (migration 0001) refuses UPDATE and DELETE; rows are hash-chained per owner.
export const history = pgTable(
  'history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ownerKind: ownerKind().notNull(),
    ownerId: ownerId().notNull(),
    seq: integer('seq').notNull(),
    eventType: text('event_type').notNull(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    at: instant('at').notNull(),
    requestId: text('request_id'),
    stateBefore: text('state_before'),
    stateAfter: text('state_after').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    machineVersion: text('machine_version').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('history_owner_seq_key').on(t.ownerKind, t.ownerId, t.seq)],
);
