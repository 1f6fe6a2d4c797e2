import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { users } from '../../db/schema';
import type { PageCtx } from './page';

/** Who reads the names of the people behind a history's entries: the programme's own staff, for their four-eyes checks. */
const READS_NAMES: readonly string[] = ['municipal', 'provincial', 'finance'];

/**
 * The names of the people who acted in a history, for a reader of the programme's staff; none for
 * anyone else (a firm, an insurer, an expert reads the role only). An entry whose actor the
 * history already hid (an expert's, to those who may not know them) names nobody.
 */
export async function actorNames(db: DbOrTx, p: PageCtx, items: readonly { actorId: string | null }[]): Promise<ReadonlyMap<string, string>> {
  if (!p.user?.roles.some((r) => READS_NAMES.includes(r))) return new Map();
  const ids = [...new Set(items.flatMap((i) => (i.actorId ? [i.actorId] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** "市级审核 张三": the role an entry was recorded under, and the person's name where it may be read. */
export function actorLabel(role: string, name: string | undefined): string {
  return name ? `${role} ${name}` : role;
}
