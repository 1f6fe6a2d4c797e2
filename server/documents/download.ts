import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { and, eq } from 'drizzle-orm';
import { documents } from '../../db/schema';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';
import { loadVisibleCase } from '../cases/get';
import { documentView, type DocumentView } from './present';
import { blobPath } from './storage';

export interface OpenedDocument {
  /** what the answer's headers need of any stored file, a case's or a claim's */
  doc: Pick<DocumentView, 'mediaType' | 'fileName' | 'sha256' | 'sizeBytes'>;
  file: FileHandle;
}

/**
 * Any version of a document of a case the caller may see. A document id of another case answers
 * 404 like an unknown one, so a visible case cannot be used to read an invisible case's files.
 */
export async function openDocument(ctx: ServiceContext, caseId: string, docId: string): Promise<OpenedDocument> {
  await loadVisibleCase(ctx, caseId);
  const [row] = await ctx.app.db.select().from(documents).where(and(eq(documents.id, docId), eq(documents.caseId, caseId)));
  if (!row) throw notFound('document');
  try {
    return { doc: documentView(row), file: await open(blobPath(ctx.app.env.DATA_DIR, row.sha256), 'r') };
  } catch (err) {
    throw new Error(`the stored file of document ${row.id} cannot be opened`, { cause: err });
  }
}

/** Streams the file as an attachment that no browser will render or re-sniff in our origin. */
export async function sendDocument(req: Request, res: Response, { doc, file }: OpenedDocument): Promise<void> {
  res.setHeader('Content-Type', doc.mediaType);
  res.setHeader('Content-Disposition', contentDisposition(doc.fileName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  // a case's files are one firm's business: no cache keeps them (a client's own copy may still revalidate by ETag)
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('ETag', `"${doc.sha256}"`);
  if (req.fresh) {
    await file.close();
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Length', String(doc.sizeBytes));
  res.status(200);
  await pipeline(file.createReadStream(), res);
}

/** RFC 6266 with an RFC 5987 `filename*` for the real (often Chinese) name and an ASCII fallback. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
