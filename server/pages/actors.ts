import type { KnownActor } from '../audit/actors';
import type { PageCtx } from './page';

/**
 * The names of the people who acted in a history whom the reader may know, as the history's
 * service found them (server/audit/actors.ts): everyone, for the programme's staff; their own
 * colleagues, for an insurer's or a firm's people. An insurer's person is named with the company,
 * as the role alone does not say which insurer acted. An entry whose actor the history hid (an
 * expert's, to those who may not know them) names nobody.
 */
export function actorNames(p: PageCtx, actors: ReadonlyMap<string, KnownActor>): ReadonlyMap<string, string> {
  return new Map([...actors.values()].map((r) => [r.id, r.insurer ? (p.locale === 'zh' ? `${r.name}（${r.insurer}）` : `${r.name} (${r.insurer})`) : r.name]));
}

/** "市级审核 张三": the role an entry was recorded under, and the person's name where it may be read. */
export function actorLabel(role: string, name: string | undefined): string {
  return name ? `${role} ${name}` : role;
}
