import { text, uuid } from 'drizzle-orm/pg-core';

// The aggregates whose workflows the engine runs (docs/adr/0003-workflow-kernel.md). Every row the
// engine writes for one — history, clocks, timers, notifications, email deliveries — names it by
// kind and id. Ids are UUIDs, unique across kinds, so the id alone finds an owner's rows; the kind
// says which table it lives in and which history chain it belongs to.
export const ownerKinds = ['case', 'notice', 'batch', 'claim', 'round'] as const;
export type OwnerKind = (typeof ownerKinds)[number];

export const ownerKind = (name = 'owner_kind') => text(name, { enum: ownerKinds });
export const ownerId = (name = 'owner_id') => uuid(name);
