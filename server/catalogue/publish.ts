import { and, eq, ne, sql } from 'drizzle-orm';
import { catalogueEditions } from '../../db/schema';
import type { ServiceContext } from '../context';
import { conflict, notFound } from '../errors';
import { requireAdmin } from './access';
import { editionView } from './edition-view';
import { openRoundsOn, openRoundView } from './rounds-in-use';

// One published edition per programme. Two publishes at once must not both leave theirs
// published, and row locks cannot see the other's draft, so they queue on one advisory lock.
const PUBLISH_LOCK = sql`pg_advisory_xact_lock(hashtext('catalogue.publish'))`;

/**
 * draft → published; whatever was published before becomes superseded, in the same transaction.
 * The answer names the open rounds on a superseded edition: they keep it, new rounds take this one.
 */
export async function publishEdition(ctx: ServiceContext, id: string) {
  requireAdmin(ctx.user, 'publish catalogue editions');
  return ctx.app.db.transaction(async (tx) => {
    await tx.execute(sql`select ${PUBLISH_LOCK}`);
    const [edition] = await tx.select().from(catalogueEditions).where(eq(catalogueEditions.id, id)).for('update');
    if (!edition) throw notFound('catalogue edition');
    if (edition.status !== 'draft') {
      throw conflict(`the edition is ${edition.status}; only a draft can be published`, { editionStatus: edition.status });
    }
    const superseded = await tx
      .update(catalogueEditions)
      .set({ status: 'superseded' })
      .where(and(eq(catalogueEditions.status, 'published'), ne(catalogueEditions.id, id)))
      .returning({ id: catalogueEditions.id });
    const [published] = await tx
      .update(catalogueEditions)
      .set({ status: 'published', publishedAt: ctx.app.clock.now() })
      .where(eq(catalogueEditions.id, id))
      .returning();
    if (!published) throw new Error('edition vanished while locked');
    const supersededIds = superseded.map((s) => s.id);
    const openRounds = await openRoundsOn(tx, ctx.app.clock.now(), supersededIds);
    return { ...(await editionView(tx, published)), superseded: supersededIds, openRounds: openRounds.map(openRoundView) };
  });
}
