import { isDeepStrictEqual } from 'node:util';
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { cases } from '../../db/schema';
import type { ServiceContext } from '../context';
import { conflict, forbidden, unprocessable, type FieldError } from '../errors';
import { appendHistory } from '../engine/history';
import type { CaseRow } from '../engine/scope';
import type { CasePatch } from './body';
import { bodyToColumns } from './body-columns';
import { getCase, loadVisibleCase } from './get';
import { auditPayload } from './audit-payload';
import { checkRenewalOf, checkRoundEntry } from './references';
import { checkInsurer } from './insurer-check';
import { duplicateRace } from './duplicate';
import { statesWhereFirmMay } from '../../workflows/case/chart';

const EDITABLE = statesWhereFirmMay('edit');

/** Only the applicant firm edits its application: 404 to those who may not see it, 403 to the others. */
export async function assertMayEditCase(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false) {
  const found = await loadVisibleCase(ctx, id, db, lock);
  if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== found.row.enterpriseId) throw forbidden('only the applicant firm may edit its application');
  return found;
}

/** The firm edits its application while it is a draft or returned for revision (SPEC §7). */
export async function updateCase(ctx: ServiceContext, id: string, patch: CasePatch, ifMatch?: number) {
  await ctx.app.db.transaction(async (tx) => {
    const { row: locked } = await assertMayEditCase(ctx, id, tx, true);
    if (!EDITABLE.has(locked.state)) throw conflict(`the application cannot be edited while it is ${locked.state}`);
    if (ifMatch !== undefined && ifMatch !== locked.version) {
      throw conflict(`the case has changed: you sent version ${ifMatch}, it is now at ${locked.version}`, { currentVersion: locked.version });
    }
    if (patch.roundId !== undefined && patch.roundId !== locked.roundId && locked.state !== 'draft') {
      throw conflict('the round of a submitted application cannot change');
    }
    const columns = bodyToColumns(patch, locked);
    // nothing to change (`{}`, or what is stored already): no new version, no history row
    if (Object.entries(columns).every(([k, v]) => isDeepStrictEqual(v, locked[k as keyof CaseRow]))) return;
    const problems = await patchProblems(tx, locked, patch);
    if (problems.length > 0) throw unprocessable('the change cannot be saved', problems);
    const now = ctx.app.clock.now();
    await tx
      .update(cases)
      .set({ ...columns, version: locked.version + 1, updatedAt: now })
      .where(eq(cases.id, id));
    await appendHistory(tx, {
      ownerKind: 'case',
      // the id as stored: the chain's hash is recomputed from the row (an id typed in capitals is the same case)
      ownerId: locked.id,
      eventType: 'EDIT',
      actorId: ctx.user.id,
      actorRole: 'firm',
      at: now,
      requestId: ctx.requestId,
      stateBefore: locked.state,
      stateAfter: locked.state,
      payload: auditPayload(patch),
      machineVersion: locked.machineVersion,
    });
  }).catch(duplicateRace);
  return getCase(ctx, id);
}

/** A new round or entry must still fit together; a new renewal link must be the firm's own case. */
async function patchProblems(tx: Tx, locked: CaseRow, patch: CasePatch): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  if (patch.roundId !== undefined || patch.catalogueEntryId !== undefined) {
    const checked = await checkRoundEntry(tx, patch.roundId ?? locked.roundId, patch.catalogueEntryId ?? locked.catalogueEntryId);
    problems.push(...checked.problems);
  }
  problems.push(...(await checkRenewalOf(tx, locked.enterpriseId, patch.renewalOf, locked.id)), ...(await checkInsurer(tx, patch.policy?.insurerId)));
  return problems;
}
