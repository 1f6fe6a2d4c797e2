import { and, arrayContains, eq, sql } from 'drizzle-orm';
import { users } from '../../db/schema';
import type { RecipientGroup } from '../../workflows/case/types';
import type { EffectScope } from './scope';

export interface Recipient {
  id: string;
  email: string;
}

// Recipients are resolved inside the transition's transaction, so they are the people in office
// when the event happened, and the delivery rows record exactly who was told.
export async function resolveRecipients(s: EffectScope, groups: readonly RecipientGroup[]): Promise<Recipient[]> {
  const found = new Map<string, Recipient>();
  for (const group of groups) {
    for (const r of await s.tx.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.active, true), filter(s, group)))) {
      found.set(r.id, r);
    }
  }
  return [...found.values()];
}

function filter(s: EffectScope, group: RecipientGroup) {
  const c = s.caseRow;
  switch (group) {
    case 'firm':
      return and(eq(users.enterpriseId, c.enterpriseId), arrayContains(users.roles, ['firm']));
    case 'municipalReviewers':
      return and(eq(users.city, c.city), arrayContains(users.roles, ['municipal']));
    case 'provincialReviewers':
      return arrayContains(users.roles, ['provincial']);
    case 'insurer':
      return c.insurerId ? and(eq(users.insurerId, c.insurerId), arrayContains(users.roles, ['insurer'])) : sql`false`;
    default: {
      // a group added to the type but not here fails to compile; at run time it mails nobody
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}
