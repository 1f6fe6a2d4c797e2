import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { insurers, users } from '../../db/schema';
import type { PageCtx } from './page';

/** Who reads the names of the people behind a history's entries: the programme's own staff, for their four-eyes checks. */
const READS_NAMES: readonly string[] = ['municipal', 'provincial', 'finance'];

/**
 * The names of the people who acted in a history, for a reader of the programme's staff, and an
 * insurer's people for a reader of the same insurer (colleagues, who know each other); none for
 * anyone else (a firm, an expert reads the role only). An insurer's person is named with the
 * company, as the role alone does not say which insurer acted. An entry whose actor the history
 * already hid (an expert's, to those who may not know them) names nobody.
 */
export async function actorNames(db: DbOrTx, p: PageCtx, items: readonly { actorId: string | null }[]): Promise<ReadonlyMap<string, string>> {
  const staff = p.user?.roles.some((r) => READS_NAMES.includes(r)) ?? false;
  const ownInsurer = p.user?.roles.includes('insurer') ? p.user.insurerId : null;
  if (!staff && !ownInsurer) return new Map();
  const ids = [...new Set(items.flatMap((i) => (i.actorId ? [i.actorId] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, insurerId: users.insurerId, insurer: insurers.name })
    .from(users)
    .leftJoin(insurers, eq(insurers.id, users.insurerId))
    .where(inArray(users.id, ids));
  const named = rows.filter((r) => staff || (ownInsurer !== null && r.insurerId === ownInsurer));
  return new Map(named.map((r) => [r.id, r.insurer ? (p.locale === 'zh' ? `${r.name}（${r.insurer}）` : `${r.name} (${r.insurer})`) : r.name]));
}

/** "市级审核 张三": the role an entry was recorded under, and the person's name where it may be read. */
export function actorLabel(role: string, name: string | undefined): string {
  return name ? `${role} ${name}` : role;
}
