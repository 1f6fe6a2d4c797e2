import { eq } from 'drizzle-orm';
import { catalogueEditions } from '../../db/schema';
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
