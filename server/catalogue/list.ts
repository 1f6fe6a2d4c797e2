import { count, desc, eq } from 'drizzle-orm';
import { catalogueEditions, catalogueEntries } from '../../db/schema';
import type { ServiceContext } from '../context';
import { requireAdmin } from './access';
import { editionSummary } from './edition-view';

/** Every edition, drafts and superseded ones too, newest first, with its entry count: the administrators' list. */
export async function listEditions(ctx: ServiceContext) {
  requireAdmin(ctx.user, 'list catalogue editions');
  const rows = await ctx.app.db
    .select({ edition: catalogueEditions, entryCount: count(catalogueEntries.id) })
    .from(catalogueEditions)
    .leftJoin(catalogueEntries, eq(catalogueEntries.editionId, catalogueEditions.id))
    .groupBy(catalogueEditions.id)
    .orderBy(desc(catalogueEditions.createdAt), desc(catalogueEditions.id));
  return rows.map((r) => ({ ...editionSummary(r.edition), entryCount: r.entryCount }));
}
