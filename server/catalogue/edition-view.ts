import { asc, count, eq, min } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { catalogueEditions, catalogueEntries } from '../../db/schema';

type EditionRow = typeof catalogueEditions.$inferSelect;

export interface SubNode {
  sub: string;
  entryCount: number;
}
export interface MajorNode {
  major: string | null;
  entryCount: number;
  subs: SubNode[];
}
export interface TopNode {
  top: string | null;
  entryCount: number;
  majors: MajorNode[];
}

export function editionSummary(e: EditionRow) {
  return {
    id: e.id,
    year: e.year,
    docNumber: e.docNumber,
    title: e.title,
    status: e.status,
    effectiveOn: e.effectiveOn,
    isDemo: e.isDemo,
    createdAt: e.createdAt.toISOString(),
    publishedAt: e.publishedAt?.toISOString() ?? null,
  };
}

/** The edition with its category tree: entries counted per top, major and sub-category, in file order. */
export async function editionView(db: DbOrTx, edition: EditionRow) {
  const groups = await db
    .select({
      top: catalogueEntries.topCategory,
      major: catalogueEntries.majorCategory,
      sub: catalogueEntries.subCategory,
      n: count(),
      firstSeq: min(catalogueEntries.seq),
    })
    .from(catalogueEntries)
    .where(eq(catalogueEntries.editionId, edition.id))
    .groupBy(catalogueEntries.topCategory, catalogueEntries.majorCategory, catalogueEntries.subCategory)
    .orderBy(asc(min(catalogueEntries.seq)));
  const categories: TopNode[] = [];
  for (const g of groups) {
    let top = categories.find((t) => t.top === g.top);
    if (!top) categories.push((top = { top: g.top, entryCount: 0, majors: [] }));
    let major = top.majors.find((m) => m.major === g.major);
    if (!major) top.majors.push((major = { major: g.major, entryCount: 0, subs: [] }));
    top.entryCount += g.n;
    major.entryCount += g.n;
    if (g.sub !== null) major.subs.push({ sub: g.sub, entryCount: g.n });
  }
  const entryCount = categories.reduce((sum, t) => sum + t.entryCount, 0);
  return { ...editionSummary(edition), entryCount, categories };
}
