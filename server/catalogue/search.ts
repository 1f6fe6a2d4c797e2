import { and, asc, count, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { catalogueEditions, catalogueEntries } from '../../db/schema';
import type { AppContext, User } from '../context';
import { badRequest, notFound } from '../errors';
import { isAdmin } from './access';
import { editionSummary } from './edition-view';
import { currentEdition } from './public-editions';
import { containsPattern, keywordWords } from '../domain/text';

export const searchQuerySchema = z.strictObject({
  edition: z.uuid({ error: 'not a catalogue edition id' }).toLowerCase().optional(),
  q: z.string().max(100, 'at most 100 characters').optional(),
  category: z.string().max(100, 'at most 100 characters').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.output<typeof searchQuerySchema>;

interface Cursor {
  e: string;
  s: number;
}
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor;
    // s is a 序号: an integer column, so anything beyond its range is not a cursor we gave out
    if (!z.uuid().safeParse(c.e).success || !Number.isInteger(c.s) || c.s < 0 || c.s > 2_147_483_647) throw new Error('shape');
    return c;
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);
  }
}

/** LIKE treats % and _ as wildcards and \ as their escape: a search for "5%" means the text "5%". */

// The exact expression of catalogue_entries_search_idx (pg_trgm GIN), so the planner can use it.
const searchText = sql`normalize(${catalogueEntries.name} || ' ' || ${catalogueEntries.requirements} || ' ' || ${catalogueEntries.applicationField}, NFKC)`;

async function resolveEdition(app: AppContext, viewer: User | null, id: string | undefined) {
  if (id !== undefined) {
    const [edition] = await app.db.select().from(catalogueEditions).where(eq(catalogueEditions.id, id));
    if (!edition || (edition.status === 'draft' && !isAdmin(viewer))) throw notFound('catalogue edition');
    return edition;
  }
  const current = await currentEdition(app);
  if (!current) throw notFound('published catalogue edition');
  return current;
}

/**
 * The cursor of the page before the one starting at `firstSeq`: the seq just before that page's
 * `limit` matches; null when the page before is the first one, which is asked for without a cursor.
 */
async function previousCursor(app: AppContext, editionId: string, matches: SQL | undefined, firstSeq: number, limit: number): Promise<string | null> {
  const before = await app.db
    .select({ seq: catalogueEntries.seq })
    .from(catalogueEntries)
    .where(and(matches, lt(catalogueEntries.seq, firstSeq)))
    .orderBy(desc(catalogueEntries.seq))
    .limit(limit + 1);
  const anchor = before.length > limit ? before.at(-1) : undefined;
  return anchor ? encode({ e: editionId, s: anchor.seq }) : null;
}

/** Public catalogue search, in 序号 order, keyset-paginated on seq within one edition. */
export async function searchEntries(app: AppContext, viewer: User | null, query: SearchQuery) {
  const cursor = query.cursor === undefined ? undefined : decode(query.cursor);
  if (cursor && query.edition !== undefined && cursor.e !== query.edition) {
    throw badRequest('the cursor belongs to another edition', [{ path: 'query.cursor', message: 'cursor and edition disagree', messageZh: '分页游标与目录版本不一致' }]);
  }
  // A cursor pins its edition, so publishing a new one mid-scroll does not mix two catalogues.
  const edition = await resolveEdition(app, viewer, query.edition ?? cursor?.e);
  const where: SQL[] = [eq(catalogueEntries.editionId, edition.id)];
  for (const word of keywordWords(query.q)) where.push(sql`${searchText} ILIKE ${containsPattern(word)}`);
  const category = query.category?.trim() ?? '';
  if (category.length > 0) {
    const inCategory = or(eq(catalogueEntries.topCategory, category), eq(catalogueEntries.majorCategory, category), eq(catalogueEntries.subCategory, category));
    if (inCategory) where.push(inCategory);
  }
  const matches = and(...where);
  if (cursor) where.push(gt(catalogueEntries.seq, cursor.s));
  const rows = await app.db
    .select({
      id: catalogueEntries.id,
      seq: catalogueEntries.seq,
      name: catalogueEntries.name,
      requirements: catalogueEntries.requirements,
      applicationField: catalogueEntries.applicationField,
      topCategory: catalogueEntries.topCategory,
      majorCategory: catalogueEntries.majorCategory,
      subCategory: catalogueEntries.subCategory,
    })
    .from(catalogueEntries)
    .where(and(...where))
    .orderBy(asc(catalogueEntries.seq))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const [counted] = await app.db.select({ n: count() }).from(catalogueEntries).where(matches);
  return {
    edition: editionSummary(edition),
    total: counted?.n ?? 0,
    items,
    nextCursor: rows.length > query.limit && last ? encode({ e: edition.id, s: last.seq }) : null,
    prevCursor: cursor ? await previousCursor(app, edition.id, matches, items[0]?.seq ?? cursor.s + 1, query.limit) : null,
  };
}
