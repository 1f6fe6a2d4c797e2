import { knownActors } from '../audit/actors';
import type { DbOrTx } from '../../db/client';
import type { PageCtx } from './page';

/**
 * The names of the people who acted in a history whom the reader may know (server/audit/actors.ts):
 * everyone, for the programme's staff; their own colleagues, for an insurer's or a firm's people.
 * An insurer's person is named with the company, as the role alone does not say which insurer
 * acted. An entry whose actor the history already hid (an expert's, to those who may not know
 * them) names nobody.
 */
export async function actorNames(db: DbOrTx, p: PageCtx, items: readonly { actorId: string | null }[]): Promise<ReadonlyMap<string, string>> {
  if (!p.user) return new Map();
  const known = await knownActors(db, p.user, items.map((i) => i.actorId));
  return new Map([...known.values()].map((r) => [r.id, r.insurer ? (p.locale === 'zh' ? `${r.name}（${r.insurer}）` : `${r.name} (${r.insurer})`) : r.name]));
}

/** "市级审核 张三": the role an entry was recorded under, and the person's name where it may be read. */
export function actorLabel(role: string, name: string | undefined): string {
  return name ? `${role} ${name}` : role;
}
