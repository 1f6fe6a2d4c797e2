import { desc, eq } from 'drizzle-orm';
import { userChanges } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import type { ServiceContext } from '../../context';

export interface Change {
  userId: string;
  changedBy: string;
  requestId: string | null;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  at: Date;
}

/** Who changed which fields of an account when, in the transaction that changed them. */
export async function recordUserChange(tx: DbOrTx, change: Change): Promise<void> {
  await tx.insert(userChanges).values(change);
}

/** The fields of `keys` whose values differ between two versions of an account, before and after. */
export function diff<T extends Record<string, unknown>>(before: T, after: T, keys: readonly (keyof T & string)[]) {
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return {
    changed: changed.length > 0,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  };
}

export async function listUserChanges(ctx: ServiceContext, userId: string) {
  const rows = await ctx.app.db.select().from(userChanges).where(eq(userChanges.userId, userId)).orderBy(desc(userChanges.at), desc(userChanges.id)).limit(200);
  return rows.map((r) => ({ id: r.id, changedBy: r.changedBy, requestId: r.requestId, at: r.at.toISOString(), before: r.before, after: r.after }));
}
