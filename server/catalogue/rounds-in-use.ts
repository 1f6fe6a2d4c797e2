import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { catalogueEditions, rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import { requireAdmin } from './access';

// A round keeps the edition it was created with (its cases name entries of it, its notices cite
// their 序号): publishing a newer edition does not move it. Rounds whose application window has not
// closed are the ones whose firms still choose entries, so those are the ones an administrator is
// told about when their edition is about to be superseded.
async function openRoundsWhere(db: DbOrTx, now: Date, editions: SQL | undefined) {
  return db
    .select({
      id: rounds.id,
      name: rounds.name,
      editionId: rounds.editionId,
      editionYear: catalogueEditions.year,
      editionDocNumber: catalogueEditions.docNumber,
      closesAt: rounds.closesAt,
    })
    .from(rounds)
    .innerJoin(catalogueEditions, eq(catalogueEditions.id, rounds.editionId))
    .where(and(gt(rounds.closesAt, now), editions))
    .orderBy(asc(rounds.closesAt), asc(rounds.name));
}

export type OpenRound = Awaited<ReturnType<typeof openRoundsWhere>>[number];

/** Open rounds (window not yet closed) on the given editions. */
export const openRoundsOn = (db: DbOrTx, now: Date, editionIds: readonly string[]) =>
  editionIds.length === 0 ? Promise.resolve([]) : openRoundsWhere(db, now, inArray(rounds.editionId, [...editionIds]));

/** Before publishing: the open rounds on the edition now published, which the new one would supersede. */
export async function openRoundsOnPublished(ctx: ServiceContext) {
  requireAdmin(ctx.user, 'see which rounds use a catalogue edition');
  return openRoundsWhere(ctx.app.db, ctx.app.clock.now(), eq(catalogueEditions.status, 'published'));
}

export const openRoundView = (r: OpenRound) => ({
  id: r.id,
  name: r.name,
  editionId: r.editionId,
  closesAt: r.closesAt.toISOString(),
});
