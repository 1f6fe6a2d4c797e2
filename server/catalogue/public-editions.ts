import { desc, ne, sql } from 'drizzle-orm';
import { catalogueEditions } from '../../db/schema';
import type { AppContext } from '../context';
import { shanghaiDate } from '../calendar/dates';
import { editionSummary } from './edition-view';

type EditionRow = typeof catalogueEditions.$inferSelect;

// Publishing supersedes the edition before it at once (SPEC §3: draft → published → superseded),
// but an edition is published ahead of its effective date, while the rounds, cases and notices of
// the year still cite the old one. So the edition the public sees first is the newest one whose
// effective date has come (Asia/Shanghai, by the app clock) — superseded or not — and only when
// none has come yet the newest published one. Every edition but a draft stays searchable.
const inForce = (today: string) => sql`(${catalogueEditions.effectiveOn} is null or ${catalogueEditions.effectiveOn} <= ${today})`;
// Publishing is serialised (publish.ts), so publishedAt is the order in which editions replaced each other.
const newestFirst = [sql`${catalogueEditions.publishedAt} desc nulls last`, sql`(${catalogueEditions.status} = 'published') desc`, desc(catalogueEditions.createdAt), desc(catalogueEditions.id)];

const publicEditions = (app: AppContext) => app.db.select().from(catalogueEditions).where(ne(catalogueEditions.status, 'draft'));

/** The edition the public catalogue shows when none is named: the one in force today. */
export async function currentEdition(app: AppContext): Promise<EditionRow | undefined> {
  const today = shanghaiDate(app.clock.now());
  const [current] = await publicEditions(app)
    .orderBy(sql`${inForce(today)} desc`, ...newestFirst)
    .limit(1);
  return current;
}

/** The edition published next after `e`: the one that superseded it. */
function successorOf(e: EditionRow, all: readonly EditionRow[]): EditionRow | undefined {
  if (e.status !== 'superseded') return undefined;
  // an edition written in published without the publishing step has no publishedAt: it was there from its import on
  const after = (e.publishedAt ?? e.createdAt).getTime();
  let next: { edition: EditionRow; at: number } | undefined;
  for (const other of all) {
    const at = other.publishedAt?.getTime();
    if (at !== undefined && at > after && (next === undefined || at < next.at)) next = { edition: other, at };
  }
  return next?.edition;
}

/**
 * Every edition the public may search — published and superseded — latest year first, each saying
 * whether it is the current one and which edition superseded it.
 */
export async function listPublicEditions(app: AppContext) {
  const today = shanghaiDate(app.clock.now());
  const rows = await publicEditions(app).orderBy(sql`${inForce(today)} desc`, ...newestFirst);
  const currentId = rows[0]?.id;
  return rows
    .map((e) => {
      // the edition's facts as every answer gives them, without the administrators' timestamps
      const { createdAt: _created, publishedAt: _published, ...facts } = editionSummary(e);
      return { ...facts, current: e.id === currentId, supersededBy: successorOf(e, rows)?.id ?? null };
    })
    // a stable sort: within a year the current edition, then the newest, comes first
    .sort((a, b) => b.year - a.year);
}
