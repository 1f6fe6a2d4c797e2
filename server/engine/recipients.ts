import { and, eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { EffectScope } from './scope';

export interface Recipient {
  id: string;
  email: string;
}

/** The active people of the groups, each once, as the owner's workflow defines the groups. */
export async function resolveRecipients(s: EffectScope, groups: readonly string[], about?: { assigneeId?: string | null }): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  for (const group of groups) {
    for (const r of await s.tx.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.active, true), s.recipients(group, about)))) {
      found.set(r.id, r);
    }
  }
  return [...found.values()];
}
