import { eq } from 'drizzle-orm';
import { catalogueEditions, catalogueEntries } from '../../db/schema';
import type { AppContext, User } from '../context';
import { notFound } from '../errors';
import { isAdmin } from './access';
import { editionView } from './edition-view';

/** Drafts are the administrators' work in progress: to everyone else they do not exist. */
export async function getEdition(app: AppContext, viewer: User | null, id: string) {
  const [edition] = await app.db.select().from(catalogueEditions).where(eq(catalogueEditions.id, id));
  if (!edition || (edition.status === 'draft' && !isAdmin(viewer))) throw notFound('catalogue edition');
  return editionView(app.db, edition);
}

/** One entry of a catalogue, as the search lists it; an entry of a draft edition only to administrators. */
export async function getEntry(app: AppContext, viewer: User | null, id: string) {
  const [found] = await app.db
    .select({
      id: catalogueEntries.id,
      editionId: catalogueEntries.editionId,
      seq: catalogueEntries.seq,
      name: catalogueEntries.name,
      requirements: catalogueEntries.requirements,
      status: catalogueEditions.status,
    })
    .from(catalogueEntries)
    .innerJoin(catalogueEditions, eq(catalogueEditions.id, catalogueEntries.editionId))
    .where(eq(catalogueEntries.id, id));
  if (!found || (found.status === 'draft' && !isAdmin(viewer))) throw notFound('catalogue entry');
  const { status: _status, ...entry } = found;
  return entry;
}
