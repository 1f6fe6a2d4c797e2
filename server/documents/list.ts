import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { p, shaped } from '../../db/shapes';
import { documents, documentTypes } from '../../db/schema';
import type { ServiceContext } from '../context';
import { loadVisibleCase } from '../cases/get';
import { documentView, type DocumentView } from './present';

export interface DocumentList {
  /** every version of every type: types in SPEC §3 order, newest version first within a type */
  items: DocumentView[];
  /** the newest version of each type that has one */
  latest: Partial<Record<DocumentView['type'], DocumentView>>;
}

/** The case's documents, for anyone who may see the case. */
export async function listDocuments(ctx: ServiceContext, caseId: string): Promise<DocumentList> {
  await loadVisibleCase(ctx, caseId);
  const rows = await ctx.app.db.select().from(documents).where(eq(documents.caseId, caseId)).orderBy(desc(documents.version));
  const order = (t: DocumentView['type']) => documentTypes.indexOf(t);
  const items = rows.map(documentView).sort((a, b) => order(a.type) - order(b.type) || b.version - a.version);
  const latest: DocumentList['latest'] = {};
  for (const doc of items) latest[doc.type] ??= doc;
  return { items, latest };
}

/**
 * The types the case has at least one document of. Versions only ever add (an upload never
 * removes an older one), so "has a latest version" and "has any version" are the same question.
 */
export async function latestDocumentTypes(db: DbOrTx, caseId: string): Promise<Set<string>> {
  const rows = await typesOf(db, { caseId });
  return new Set(rows.map((r) => r.type));
}

// read by every submission: built once (db/shapes.ts)
const typesOf = shaped<{ caseId: string }, { type: string }[]>('document types', (b) => b.selectDistinct({ type: documents.type }).from(documents).where(eq(documents.caseId, p('caseId'))));
