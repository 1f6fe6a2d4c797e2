import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { caseCounters, cases, enterprises } from '../../db/schema';
import { CASE_MACHINE_VERSION, caseMachines } from '../../workflows/case/registry';
import type { CaseMachine } from '../../workflows/case/machine';
import { initialState } from '../engine/transition';
import { primaryState } from '../../workflows/case/state';
import type { ServiceContext } from '../context';
import { forbidden, unprocessable } from '../errors';
import { appendHistory } from '../engine/history';
import type { Tx } from '../../db/client';
import type { CaseCreate } from './body';
import { bodyToColumns } from './body-columns';
import { getCase } from './get';
import { auditPayload } from './audit-payload';
import { checkRenewalOf, checkRoundEntry } from './references';
import { checkInsurer } from './insurer-check';

/** A firm opens a draft application for one policy year (SPEC §3, §7). */
export async function createCase(ctx: ServiceContext, body: CaseCreate) {
  const { user, app } = ctx;
  if (!user.roles.includes('firm') || !user.enterpriseId) throw forbidden('only staff of a registered firm can open an application');
  const enterpriseId = user.enterpriseId;
  const id = randomUUID();
  await app.db.transaction(async (tx) => {
    const [firm] = await tx.select().from(enterprises).where(eq(enterprises.id, enterpriseId));
    if (!firm) throw forbidden('your account is not linked to a firm');
    const { round, problems } = await checkRoundEntry(tx, body.roundId, body.catalogueEntryId);
    problems.push(...(await checkRenewalOf(tx, enterpriseId, body.renewalOf)), ...(await checkInsurer(tx, body.policy?.insurerId)));
    if (!round || problems.length > 0) throw unprocessable('the application cannot be opened', problems);
    const now = app.clock.now();
    const { snapshot, state } = initialState<CaseMachine>({ machines: caseMachines, primaryState }, CASE_MACHINE_VERSION, { caseId: id });
    await tx.insert(cases).values({
      id,
      number: await nextCaseNumber(tx, round.year),
      enterpriseId,
      city: firm.city,
      roundId: round.id,
      catalogueEntryId: body.catalogueEntryId,
      ...bodyToColumns(body, null),
      state,
      machineVersion: CASE_MACHINE_VERSION,
      snapshot,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    });
    await appendHistory(tx, {
      ownerKind: 'case',
      ownerId: id,
      eventType: 'CREATE',
      actorId: user.id,
      actorRole: 'firm',
      at: now,
      requestId: ctx.requestId,
      stateBefore: null,
      stateAfter: state,
      payload: auditPayload(body),
      machineVersion: CASE_MACHINE_VERSION,
    });
  });
  return getCase(ctx, id);
}

// ZJ2026-000042: per-year sequence under a row lock, so numbers are gapless and unique.
async function nextCaseNumber(tx: Tx, year: number): Promise<string> {
  const [row] = await tx
    .insert(caseCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: caseCounters.year, set: { last: sql`${caseCounters.last} + 1` } })
    .returning();
  return `ZJ${year}-${String(row?.last ?? 1).padStart(6, '0')}`;
}
