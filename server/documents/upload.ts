import { and, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import { cases, documents, documentTypes } from '../../db/schema';
import type { ServiceContext } from '../context';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { appendHistory } from '../engine/history';
import { lockForUpload } from './access';
import { inspectFile, type InspectedFile } from './inspect';
import type { ReceivedUpload } from './multipart';
import { documentView, type DocumentView } from './present';
import { discardTemp, storeBlob } from './storage';

export const uploadFieldsSchema = z.object({
  type: z.enum(documentTypes, { error: `type must be one of ${documentTypes.join(', ')}` }),
});
type DocumentType = z.output<typeof uploadFieldsSchema>['type'];

/** Stores an uploaded document as the next version of its type (SPEC §3). Always removes the temp file. */
export async function uploadDocument(ctx: ServiceContext, caseId: string, upload: ReceivedUpload): Promise<DocumentView> {
  try {
    const fields = uploadFieldsSchema.safeParse(upload.fields, { reportInput: true });
    if (!fields.success) {
      throw badRequest('the document type is missing or unknown', zodErrors(fields.error, '').map((e) => ({ ...e, path: e.path || 'type' })));
    }
    if (!upload.file) throw badRequest('attach the file in the form field named "file"', [{ path: 'file', message: 'no file was sent', messageZh: '未上传文件', code: 'missing' }]);
    const file = await inspectFile(upload.file);
    // Stored before the row is written: a row never points at a missing blob, and a blob left
    // behind by a failed transaction is harmless (content-addressed, and identical bytes reuse it).
    await storeBlob(ctx.app.env.DATA_DIR, upload.file.path, file.sha256);
    return await record(ctx, caseId, fields.data.type, file);
  } finally {
    await discardTemp(upload.file?.path);
  }
}

async function record(ctx: ServiceContext, caseId: string, type: DocumentType, file: InspectedFile): Promise<DocumentView> {
  return ctx.app.db.transaction(async (tx) => {
    const locked = await lockForUpload(ctx, caseId, tx);
    const [last] = await tx
      .select({ version: max(documents.version) })
      .from(documents)
      .where(and(eq(documents.caseId, caseId), eq(documents.type, type)));
    const version = (last?.version ?? 0) + 1;
    const now = ctx.app.clock.now();
    const [row] = await tx
      .insert(documents)
      .values({ caseId, type, version, fileName: file.fileName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256, uploadedBy: ctx.user.id, createdAt: now })
      .returning();
    if (!row) throw new Error('document insert returned nothing');
    // a new document changes what a reviewer would approve: If-Match on SUBMIT must see it
    await tx.update(cases).set({ version: locked.version + 1, updatedAt: now }).where(eq(cases.id, caseId));
    await appendHistory(tx, {
      ownerKind: 'case',
      // the id as stored: the chain's hash is recomputed from the row (an id typed in capitals is the same case)
      ownerId: locked.id,
      eventType: 'DOCUMENT_UPLOADED',
      actorId: ctx.user.id,
      actorRole: 'firm',
      at: now,
      requestId: ctx.requestId,
      stateBefore: locked.state,
      stateAfter: locked.state,
      payload: { type, version, fileName: file.fileName, sha256: file.sha256, sizeBytes: file.sizeBytes },
      machineVersion: locked.machineVersion,
    });
    return documentView(row);
  });
}
