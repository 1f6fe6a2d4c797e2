import { and, eq, or } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { EffectScope } from './scope';
import { batchedWritesOf } from './batched-writes';

export interface Recipient {
  id: string;
  email: string;
}

/** The active people of the groups, each once, as the owner's workflow defines the groups. */
export async function resolveRecipients(s: EffectScope, groups: readonly string[], about?: { assigneeId?: string | null }): Promise<Recipient[]> {
  if (groups.length === 0) return [];
  // every group in one statement; a person in two groups is one row
  const condition = and(eq(users.active, true), or(...groups.map((group) => s.recipients(group, about))));
  const query = () => s.tx.select({ id: users.id, email: users.email }).from(users).where(condition);
  // many owners moved in one transaction ask who the same groups are once (batched-writes.ts), by
  // the workflow's name for what the groups mean when it gives one
  const batched = batchedWritesOf(s.tx);
  if (!batched || !condition) return query();
  const keyOf = s.recipientsKey;
  return keyOf ? batched.onceByKey(`${s.owner.kind}:${groups.map((g) => keyOf(g, about)).join('|')}`, query) : batched.once(condition, query);
}
