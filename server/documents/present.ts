import type { documents } from '../../db/schema';

export type DocumentRow = typeof documents.$inferSelect;

export interface DocumentView {
  id: string;
  caseId: string;
  type: DocumentRow['type'];
  version: number;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
  /** where the file itself is downloaded */
  href: string;
}

export function documentView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    caseId: row.caseId,
    type: row.type,
    version: row.version,
    fileName: row.fileName,
    mediaType: row.mediaType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt.toISOString(),
    href: `/api/v1/cases/${row.caseId}/documents/${row.id}`,
  };
}
