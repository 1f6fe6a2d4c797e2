import { asc, eq, inArray } from 'drizzle-orm';
import { catalogueEditions, catalogueEntries } from '../../db/schema';
import type { AppContext, User } from '../context';
import { notFound } from '../errors';
import { isAdmin } from './access';
import { editionView } from './edition-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Drafts are the administrators' work in progress: to everyone else they do not exist. */
export async function getEdition(app: AppContext, viewer: User | null, id: string) {
  const [edition] = await app.db.select().from(catalogueEditions).where(eq(catalogueEditions.id, id));
  if (!edition || (edition.status === 'draft' && !isAdmin(viewer))) throw notFound('catalogue edition');
  return editionView(app.db, edition);
}

// an entry as the search lists it, with its edition's status to decide who sees it
const entryColumns = {
  id: catalogueEntries.id,
  editionId: catalogueEntries.editionId,
  seq: catalogueEntries.seq,
  name: catalogueEntries.name,
  requirements: catalogueEntries.requirements,
  status: catalogueEditions.status,
};
const entriesWithEdition = (app: AppContext) =>
  app.db.select(entryColumns).from(catalogueEntries).innerJoin(catalogueEditions, eq(catalogueEditions.id, catalogueEntries.editionId));

/** One entry of a catalogue, as the search lists it; an entry of a draft edition only to administrators. */
export async function getEntry(app: AppContext, viewer: User | null, id: string) {
  const [found] = await entriesWithEdition(app).where(eq(catalogueEntries.id, id));
  if (!found || (found.status === 'draft' && !isAdmin(viewer))) throw notFound('catalogue entry');
  const { status: _status, ...entry } = found;
  return entry;
}

/** Entries by id, in 序号 order, as getEntry shows each; ids unknown (or of a draft, to a non-administrator) are left out. */
export async function getEntries(app: AppContext, viewer: User | null, ids: readonly string[]) {
  const wanted = ids.filter((id) => UUID.test(id));
  if (wanted.length === 0) return [];
  const found = await entriesWithEdition(app).where(inArray(catalogueEntries.id, wanted)).orderBy(asc(catalogueEntries.seq));
  return found.filter((e) => e.status !== 'draft' || isAdmin(viewer)).map(({ status: _status, ...entry }) => entry);
}
