import { and, eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { EffectScope } from './scope';
import { batchedWritesOf } from './batched-writes';

export interface Recipient {
  id: string;
  email: string;
}

/** The active people of the groups, each once, as the owner's workflow defines the groups. */
export async function resolveRecipients(s: EffectScope, groups: readonly string[], about?: { assigneeId?: string | null }): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  for (const group of groups) {
    const condition = and(eq(users.active, true), s.recipients(group, about));
    const query = () => s.tx.select({ id: users.id, email: users.email }).from(users).where(condition);
    // many owners moved in one transaction ask who the same group is once (batched-writes.ts)
    const batched = batchedWritesOf(s.tx);
    for (const r of batched && condition ? await batched.once(condition, query) : await query()) {
      found.set(r.id, r);
    }
  }
  return [...found.values()];
}
