import { eq } from 'drizzle-orm';
import { cases } from '../../db/schema';
import type { ServiceContext } from '../context';
import { conflict, forbidden } from '../errors';
import { appendHistory } from '../engine/history';
import type { CasePatch } from './body';
import { bodyToColumns } from './body-columns';
import { getCase, loadVisibleCase } from './get';
import { auditPayload } from './audit-payload';

const EDITABLE = new Set(['draft', 'revision']);

/** The firm edits its application while it is a draft or returned for revision (SPEC §7). */
export async function updateCase(ctx: ServiceContext, id: string, patch: CasePatch, ifMatch?: number) {
  await ctx.app.db.transaction(async (tx) => {
    const { row } = await loadVisibleCase(ctx, id, tx);
    const [locked] = await tx.select().from(cases).where(eq(cases.id, id)).for('update');
    if (!locked) throw new Error('case vanished');
    if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== row.enterpriseId) throw forbidden('only the applicant firm may edit its application');
    if (!EDITABLE.has(locked.state)) throw conflict(`the application cannot be edited while it is ${locked.state}`);
    if (ifMatch !== undefined && ifMatch !== locked.version) {
      throw conflict(`the case has changed: you sent version ${ifMatch}, it is now at ${locked.version}`, { currentVersion: locked.version });
    }
    if (patch.roundId !== undefined && patch.roundId !== locked.roundId && locked.state !== 'draft') {
      throw conflict('the round of a submitted application cannot change');
    }
    const now = ctx.app.clock.now();
    await tx
      .update(cases)
      .set({ ...bodyToColumns(patch, locked), version: locked.version + 1, updatedAt: now })
      .where(eq(cases.id, id));
    await appendHistory(tx, {
      caseId: id,
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
  });
  return getCase(ctx, id);
}
