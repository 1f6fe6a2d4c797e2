import type { DbOrTx, Tx } from '../../db/client';
import type { ServiceContext } from '../context';
import { conflict, forbidden } from '../errors';
import { loadVisibleCase } from '../cases/get';
import type { CaseRow } from '../engine/scope';
import { statesWhereFirmMay } from '../../workflows/case/chart';

// Like editing (server/cases/update.ts): documents change only while the firm holds the pen.
const UPLOADABLE = statesWhereFirmMay('upload');

function checkUploader(ctx: ServiceContext, row: CaseRow): void {
  if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== row.enterpriseId) {
    throw forbidden('only the applicant firm may upload documents to its application');
  }
  if (!UPLOADABLE.has(row.state)) {
    throw conflict(`documents can be uploaded only while the application is ${[...UPLOADABLE].join(' or ')}; it is ${row.state}`);
  }
}

/**
 * Checked before the body is read, so that nobody can make the server stream 20 MB to disk for a
 * case they may not upload to. Not a lock: `lockForUpload` checks again inside the transaction.
 */
export async function assertMayUpload(ctx: ServiceContext, caseId: string, db: DbOrTx = ctx.app.db): Promise<void> {
  const { row } = await loadVisibleCase(ctx, caseId, db);
  checkUploader(ctx, row);
}

/** Locks the case row so that versions and history sequence numbers cannot race. */
export async function lockForUpload(ctx: ServiceContext, caseId: string, tx: Tx): Promise<CaseRow> {
  const { row: locked } = await loadVisibleCase(ctx, caseId, tx, true);
  checkUploader(ctx, locked);
  return locked;
}
