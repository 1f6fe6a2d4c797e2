import { open } from 'node:fs/promises';
import { asc, and, eq, inArray, max } from 'drizzle-orm';
import { claimDocuments, claims } from '../../db/schema';
import type { ServiceContext } from '../context';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { appendHistory } from '../engine/history';
import { inspectFile } from '../documents/inspect';
import type { ReceivedUpload } from '../documents/multipart';
import type { OpenedDocument } from '../documents/download';
import { blobPath, discardTemp, storeBlob } from '../documents/storage';
import { loadVisibleClaim } from './get';
import type { LoadedClaim } from './workflow';

type ClaimDocumentRow = typeof claimDocuments.$inferSelect;

export type ClaimDocumentView = ReturnType<typeof claimDocumentView>;

export function claimDocumentView(row: ClaimDocumentRow) {
  return {
    id: row.id,
    claimId: row.claimId,
    version: row.version,
    fileName: row.fileName,
    mediaType: row.mediaType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
    href: `/api/v1/claims/${row.claimId}/documents/${row.id}`,
  };
}

// The firm supports its claim until the insurer decides; after that the file is closed.
function checkUploader(ctx: ServiceContext, { row, facts }: LoadedClaim): void {
  if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== facts.enterpriseId) {
    throw forbidden('only the firm that reported the claim may add documents to it (只有报案企业可以上传理赔材料)');
  }
  if (row.state !== 'reported') throw conflict(`documents can be added only while the claim awaits its decision; it is ${row.state} (理赔已决定，不能再上传材料)`);
}

/** Checked before the body is read, so that nobody streams 20 MB to disk for a claim they may not add to. */
export async function assertMayUploadToClaim(ctx: ServiceContext, claimId: string): Promise<void> {
  checkUploader(ctx, await loadVisibleClaim(ctx, claimId));
}

/** Stores the file (PDF, JPEG, PNG or OFD, judged from its bytes) as the claim's next document. Always removes the temp file. */
export async function uploadClaimDocument(ctx: ServiceContext, claimId: string, upload: ReceivedUpload) {
  try {
    if (!upload.file) throw badRequest('attach the file in the form field named "file"', [{ path: 'file', message: 'no file was sent', messageZh: '未上传文件', code: 'missing' }]);
    const file = await inspectFile(upload.file);
    // stored before the row: a row never points at a missing blob (server/documents/upload.ts)
    await storeBlob(ctx.app.env.DATA_DIR, upload.file.path, file.sha256);
    return await ctx.app.db.transaction(async (tx) => {
      // the claim row's lock orders versions and history entries
      const locked = await loadVisibleClaim(ctx, claimId, tx, true);
      checkUploader(ctx, locked);
      const [last] = await tx.select({ version: max(claimDocuments.version) }).from(claimDocuments).where(eq(claimDocuments.claimId, claimId));
      const version = (last?.version ?? 0) + 1;
      const now = ctx.app.clock.now();
      const [row] = await tx
        .insert(claimDocuments)
        .values({ claimId, version, fileName: file.fileName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256, uploadedBy: ctx.user.id, createdAt: now })
        .returning();
      if (!row) throw new Error('claim document insert returned nothing');
      await tx.update(claims).set({ version: locked.row.version + 1 }).where(eq(claims.id, claimId));
      await appendHistory(tx, {
        ownerKind: 'claim',
        // the id as stored: the chain's hash is recomputed from the row (an id typed in capitals is the same claim)
        ownerId: locked.row.id,
        eventType: 'DOCUMENT_UPLOADED',
        actorId: ctx.user.id,
        actorRole: 'firm',
        at: now,
        requestId: ctx.requestId,
        stateBefore: locked.row.state,
        stateAfter: locked.row.state,
        payload: { version, fileName: file.fileName, sha256: file.sha256, sizeBytes: file.sizeBytes },
        machineVersion: locked.row.machineVersion,
      });
      return claimDocumentView(row);
    });
  } finally {
    await discardTemp(upload.file?.path);
  }
}

/** The claim's documents, in upload order, for anyone who sees the claim. */
export async function listClaimDocuments(ctx: ServiceContext, claimId: string) {
  await loadVisibleClaim(ctx, claimId);
  const rows = await ctx.app.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claimId)).orderBy(asc(claimDocuments.version));
  return { items: rows.map(claimDocumentView) };
}

/**
 * The documents of these claims, by claim id, each claim's in upload order: for claims the caller
 * was just shown (GET /cases/:id/claims's service checked who may see them), in one read.
 */
export async function documentsOfClaims(ctx: ServiceContext, claimIds: readonly string[]): Promise<Map<string, ClaimDocumentView[]>> {
  const byClaim = new Map<string, ClaimDocumentView[]>();
  if (claimIds.length === 0) return byClaim;
  const rows = await ctx.app.db.select().from(claimDocuments).where(inArray(claimDocuments.claimId, [...claimIds])).orderBy(asc(claimDocuments.claimId), asc(claimDocuments.version));
  for (const row of rows) {
    const list = byClaim.get(row.claimId) ?? [];
    list.push(claimDocumentView(row));
    byClaim.set(row.claimId, list);
  }
  return byClaim;
}

/** One document of a claim the caller sees; a document of another claim answers 404 like an unknown one. */
export async function openClaimDocument(ctx: ServiceContext, claimId: string, docId: string): Promise<OpenedDocument> {
  await loadVisibleClaim(ctx, claimId);
  const [row] = await ctx.app.db.select().from(claimDocuments).where(and(eq(claimDocuments.id, docId), eq(claimDocuments.claimId, claimId)));
  if (!row) throw notFound('document');
  try {
    return { doc: claimDocumentView(row), file: await open(blobPath(ctx.app.env.DATA_DIR, row.sha256), 'r') };
  } catch (err) {
    throw new Error(`the stored file of claim document ${row.id} cannot be opened`, { cause: err });
  }
}
