import { eq, sql } from 'drizzle-orm';
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { DbOrTx } from '../../db/client';
import { cases, claims, enterprises } from '../../db/schema';
import type { Role } from '../../db/schema/accounts';
import { claimClocks } from '../../workflows/claim/clocks';
import { claimMachine, claimMachines, DECISION_EVENTS, type ClaimEvent, type ClaimEventType, type ClaimStateMeta, type DecisionEventType } from '../../workflows/claim/machine';
import type { AppContext, User } from '../context';
import { notFound } from '../errors';
import { parseYuan } from '../domain/money';
import type { Authorisation, Loaded, WorkflowDefinition } from '../engine/workflow';
import { claimScope, type ClaimFacts, type ClaimRow } from './scope';

export type LoadedClaim = Loaded<ClaimRow, ClaimFacts>;

/** The claim, its case and its firm in one statement; `lock` takes the claim row FOR UPDATE. */
export async function readClaim(db: DbOrTx, id: string, lock: boolean): Promise<LoadedClaim> {
  const query = db
    .select({
      row: claims,
      caseNumber: cases.number,
      enterpriseId: cases.enterpriseId,
      city: cases.city,
      insurerId: cases.insurerId,
      materialName: sql<string>`coalesce(${cases.material}->>'name', '')`,
      firmName: enterprises.name,
    })
    .from(claims)
    .innerJoin(cases, eq(cases.id, claims.caseId))
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(eq(claims.id, id));
  const [found] = lock ? await query.for('update', { of: claims }) : await query;
  if (!found) throw notFound('claim');
  const { row, ...rest } = found;
  return { row, facts: { caseId: row.caseId, ...rest } };
}

/**
 * Who sees a claim, per role: the firm that reported it, the policy's insurer, and the reviewers
 * who see the case (the province, the firm's city). Experts judged the material, not its losses;
 * finance and administrators read no case files (SPEC §2). Others get 404.
 */
export function seesClaimAs(role: Role, user: User, facts: Pick<ClaimFacts, 'enterpriseId' | 'insurerId' | 'city'>): boolean {
  switch (role) {
    case 'firm':
      return user.enterpriseId === facts.enterpriseId;
    case 'insurer':
      return facts.insurerId !== null && user.insurerId === facts.insurerId;
    case 'provincial':
      return true;
    case 'municipal':
      return user.city === facts.city;
    case 'expert':
    case 'finance':
    case 'admin':
      return false;
  }
}

export const canSeeClaim = (user: User, facts: Pick<ClaimFacts, 'enterpriseId' | 'insurerId' | 'city'>) => user.roles.some((r) => seesClaimAs(r, user, facts));

/** Who may send what in the claim's current state: its states' declared `may`. */
function permits(snapshot: AnyMachineSnapshot, type: string): readonly string[] {
  const metas = Object.values(snapshot.getMeta() as Record<string, ClaimStateMeta | undefined>);
  return metas.flatMap((m) => m?.may?.[type as ClaimEventType] ?? []);
}

/** Whether some state of the chart lets `role` send `type`: "not now" (409) rather than "never yours" (403). */
function everPermitted(type: string, role: Role): boolean {
  const states = Object.values(claimMachine.root.states) as { meta?: ClaimStateMeta }[];
  return states.some((s) => s.meta?.may?.[type as ClaimEventType]?.includes(role) ?? false);
}

export function authoriseClaim(snapshot: AnyMachineSnapshot, user: User, facts: ClaimFacts, type: string): Authorisation {
  const role = user.roles.find((r) => permits(snapshot, type).includes(r) && seesClaimAs(r, user, facts));
  if (role) return { ok: true, role };
  if (user.roles.some((r) => everPermitted(type, r) && seesClaimAs(r, user, facts))) return { ok: false, kind: 'not_now' };
  return { ok: false, kind: 'forbidden', reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' } };
}

/** The events the caller could send now: the buttons a UI shows. */
export function allowedClaimEvents(snapshot: AnyMachineSnapshot, user: User, facts: ClaimFacts): DecisionEventType[] {
  return DECISION_EVENTS.filter((type) => authoriseClaim(snapshot, user, facts, type).ok);
}

/** The claim as the engine runs it (SPEC §4: claims "have small machines of their own"). */
export function claimWorkflow(app: AppContext): WorkflowDefinition<ClaimRow, ClaimFacts, ClaimEvent> {
  return {
    kind: 'claim',
    noun: 'claim',
    machines: claimMachines,
    clocks: claimClocks,
    load: readClaim,
    canSee: canSeeClaim,
    authorise: authoriseClaim,
    systemMay: (snapshot, type) => permits(snapshot, type).includes('system'),
    guardReasons: {},
    primaryState: (value: StateValue) => (typeof value === 'string' ? value : (Object.keys(value)[0] ?? 'unknown')),
    effectScope: (tx, loaded, now, actorId) => claimScope(tx, app, loaded, now, actorId),
    expiryEvent: (kind) => {
      throw new Error(`a claim has no clock of kind ${kind}`);
    },
    prepare: async (tx, loaded, event, now) => ({ scope: await claimScope(tx, app, loaded, now, event.meta.actorId, event) }),
    persist: async (tx, row, next, event, now) => {
      const decided = { decidedBy: event.meta.actorId, decidedAt: now };
      const [updated] = await tx
        .update(claims)
        .set({
          snapshot: { value: next.value, context: next.context },
          state: next.state,
          version: row.version + 1,
          ...(event.type === 'PAY' ? { ...decided, paidFen: parseYuan(event.amount), paymentReference: event.reference } : {}),
          ...(event.type === 'DENY' ? { ...decided, denialReason: event.reason } : {}),
        })
        .where(eq(claims.id, row.id))
        .returning();
      if (!updated) throw new Error('claim row vanished under its lock');
      return updated;
    },
  };
}
