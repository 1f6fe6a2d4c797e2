import { asc, eq, min, sql } from 'drizzle-orm';
import { catalogueEntries } from '../../db/schema';
import type { AppContext } from '../context';

export interface CategoryGroup {
  /** 一级类别 (top), as the import read it; null for entries filed under none */
  top: string | null;
  /** its 二级类别 (major), in the order the catalogue lists them */
  majors: string[];
}

/**
 * The categories of an edition as the catalogue lists them, for the search's category filter: each
 * top category with its major ones, in 序号 order. The search matches a category at any level
 * (search.ts), so either may be picked.
 */
export async function editionCategories(app: AppContext, editionId: string): Promise<CategoryGroup[]> {
  const rows = await app.db
    .select({ top: catalogueEntries.topCategory, major: catalogueEntries.majorCategory, first: min(catalogueEntries.seq) })
    .from(catalogueEntries)
    .where(eq(catalogueEntries.editionId, editionId))
    .groupBy(catalogueEntries.topCategory, catalogueEntries.majorCategory)
    .orderBy(asc(sql`min(${catalogueEntries.seq})`));
  const groups: CategoryGroup[] = [];
  for (const r of rows) {
    if (r.top === null && r.major === null) continue;
    let group = groups.find((g) => g.top === r.top);
    if (!group) groups.push((group = { top: r.top, majors: [] }));
    if (r.major !== null && !group.majors.includes(r.major)) group.majors.push(r.major);
  }
  return groups;
}
