import { desc, eq } from 'drizzle-orm';
import { catalogueEditions } from '../../db/schema';
import type { AppContext } from '../context';

export async function listPublishedEditions(app: AppContext) {
  return app.db
    .select({
      id: catalogueEditions.id,
      year: catalogueEditions.year,
      docNumber: catalogueEditions.docNumber,
      title: catalogueEditions.title,
      status: catalogueEditions.status,
      effectiveOn: catalogueEditions.effectiveOn,
      isDemo: catalogueEditions.isDemo,
    })
    .from(catalogueEditions)
    .where(eq(catalogueEditions.status, 'published'))
    .orderBy(desc(catalogueEditions.year));
}
