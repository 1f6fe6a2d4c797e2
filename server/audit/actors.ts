import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { insurers, users } from '../../db/schema';
import type { Actor } from '../../workflows/case/permissions';

/** The programme's own staff: they know who acted on what, for their four-eyes checks. */
const KNOWS_EVERYONE: readonly string[] = ['municipal', 'provincial', 'finance'];

export interface KnownActor {
  id: string;
  name: string;
  /** the insurer a person of an insurance company acts for, by name */
  insurer: string | null;
}

/**
 * The people behind a history's entries whom this reader may know, by id (the API's `actorId`) and
 * by name (the pages): everyone, for the programme's staff; for anyone else themself and their own
 * colleagues — an insurer's people, a firm's people — who know each other. Others (the reviewers,
 * to a firm or an insurer; anyone, to an expert) are told by their role only, as the entry records it.
 */
export async function knownActors(db: DbOrTx, reader: Actor, actorIds: readonly (string | null)[]): Promise<ReadonlyMap<string, KnownActor>> {
  const ids = [...new Set(actorIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, insurerId: users.insurerId, enterpriseId: users.enterpriseId, insurer: insurers.name })
    .from(users)
    .leftJoin(insurers, eq(insurers.id, users.insurerId))
    .where(inArray(users.id, ids));
  const everyone = reader.roles.some((r) => KNOWS_EVERYONE.includes(r));
  const colleague = (r: (typeof rows)[number]) =>
    (reader.roles.includes('insurer') && reader.insurerId !== null && r.insurerId === reader.insurerId) ||
    (reader.roles.includes('firm') && reader.enterpriseId !== null && r.enterpriseId === reader.enterpriseId);
  return new Map(rows.filter((r) => everyone || r.id === reader.id || colleague(r)).map((r) => [r.id, { id: r.id, name: r.name, insurer: r.insurer }]));
}

/**
 * A history's entries as this reader may read them: `actorId` kept only for a person they may know
 * (knownActors), else null; the role stays. The people known come with them, for a page to name.
 */
export async function withKnownActors<E extends { actorId: string | null }>(db: DbOrTx, reader: Actor, entries: readonly E[]): Promise<{ items: E[]; actors: ReadonlyMap<string, KnownActor> }> {
  const actors = await knownActors(db, reader, entries.map((e) => e.actorId));
  return { items: entries.map((e) => (e.actorId === null || actors.has(e.actorId) ? e : { ...e, actorId: null })), actors };
}
