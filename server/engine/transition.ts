import { getNextTransitions, transition } from 'xstate';
import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client';
import { cases, enterprises, rounds } from '../../db/schema';
import { caseMachines } from '../../workflows/case/registry';
import { authorise, canSee, permitsOf, type CaseFacts } from '../../workflows/case/permissions';
import { guardReasons } from '../../workflows/case/setup';
import { primaryState } from '../../workflows/case/state';
import type { CaseEvent } from '../../workflows/case/types';
import { caseEvents } from '../../workflows/case/events';
import type { AppContext, User } from '../context';
import { AppError, conflict, forbidden, notFound, unprocessable, type FieldError } from '../errors';
import { executeEffects } from './effects';
import { PendingWrites } from './pending';
import { appendHistory } from './history';
import type { CaseRow, RoundRow } from './scope';
import { caseScope } from '../cases/scope';

export interface ApplyInput {
  caseId: string;
  event: CaseEvent;
  /** null for the system (deadline sweep) */
  user: User | null;
  requestId: string | null;
  ifMatch?: number;
  /** the case as the caller already locked it (lockCase), to save a second round trip */
  locked?: LockedCase;
  /** business rules checked before the machine sees the event (SUBMIT's §5 list) */
  validate?: (tx: Tx, row: CaseRow, round: RoundRow) => Promise<FieldError[]>;
}

type Machine = (typeof caseMachines)[string];

/**
 * One event, one transaction (SPEC §8): lock the case, restore its snapshot, take XState's pure
 * transition, refuse a no-op, then write snapshot, version, history and effects — all or nothing.
 */
export async function applyEvent(tx: Tx, app: AppContext, input: ApplyInput) {
  const { row, facts, firmName } = input.locked ?? (await lockCase(tx, input.caseId));
  if (input.user && !canSee(input.user, facts)) throw notFound('case');
  if (input.ifMatch !== undefined && input.ifMatch !== row.version) {
    throw conflict(`the case has changed: you sent version ${input.ifMatch}, it is now at ${row.version}; reload and try again`, {
      currentVersion: row.version,
    });
  }
  const machine = machineFor(row);
  const snapshot = machine.resolveState(row.snapshot as Parameters<Machine['resolveState']>[0]);
  const role = authoriseActor(snapshot, input, facts, row.state);

  // FOR SHARE: a round edit committing meanwhile cannot miss that this case is being submitted
  const [round] = await tx.select().from(rounds).where(eq(rounds.id, row.roundId)).for('share');
  if (!round) throw new Error(`case ${row.id} points at a missing round`);
  const problems = input.validate ? await input.validate(tx, row, round) : [];
  if (problems.length > 0) throw unprocessable('the application cannot be submitted yet', problems);

  const event = { ...input.event, meta: { ...input.event.meta, role } } as CaseEvent;
  const [next, actions] = transition(machine, snapshot, event);
  if (next === snapshot) throw guardRefusal(snapshot, event);

  const now = new Date(event.meta.at);
  const pending = new PendingWrites();
  const scope = caseScope({ tx, app, row, round, now, calendar: await app.calendar.get(tx), actorId: event.meta.actorId, firmName, pending });
  await executeEffects(scope, actions, event);
  await pending.flush(tx);

  const state = primaryState(next.value);
  const persisted = { value: next.value, context: next.context };
  const [updated] = await tx
    .update(cases)
    .set({
      snapshot: persisted,
      state,
      version: row.version + 1,
      updatedAt: now,
      ...(event.type === 'SUBMIT' ? { submittedAt: now } : {}),
    })
    .where(eq(cases.id, row.id))
    .returning();
  if (!updated) throw new Error('case row vanished under its lock');
  const { meta: _meta, type: _type, ...fields } = event;
  // which version of the round's rules a submission was checked against, for auditors
  const payload = 'submission' in caseEvents[event.type] ? { ...fields, roundParamsVersion: round.paramsVersion } : fields;
  await appendHistory(tx, {
    ownerKind: 'case',
    ownerId: row.id,
    eventType: event.type,
    actorId: event.meta.actorId,
    actorRole: role,
    at: now,
    requestId: input.requestId,
    stateBefore: row.state,
    stateAfter: state,
    payload,
    machineVersion: row.machineVersion,
  });
  return { row: updated, snapshot: next, facts };
}

export function machineFor(row: CaseRow): Machine {
  const machine = caseMachines[row.machineVersion];
  if (!machine) throw new Error(`no machine registered for ${row.machineVersion}`);
  return machine;
}

function authoriseActor(snapshot: ReturnType<Machine['resolveState']>, input: ApplyInput, facts: CaseFacts, state: string) {
  const type = input.event.type;
  if (!input.user) {
    if (!permitsOf(snapshot)[type]?.includes('system')) throw conflict(`${type} is not possible while the case is ${state}`);
    return 'system' as const;
  }
  const decision = authorise(snapshot, input.user, facts, type);
  if (decision.ok) return decision.role;
  if (decision.kind === 'not_now') throw conflict(`${type} is not possible while the case is ${state}`);
  throw forbidden(`${decision.reason.en} (${decision.reason.zh})`);
}

function guardRefusal(snapshot: ReturnType<Machine['resolveState']>, event: CaseEvent): AppError {
  const guards = getNextTransitions(snapshot)
    .filter((t) => t.eventType === event.type && t.guard)
    .map((t) => guardName(t.guard));
  const reasons = guards.flatMap((g) => {
    const r = guardReasons[g];
    return r ? [{ path: '', message: r.en, messageZh: r.zh, code: `guard.${g}` }] : [];
  });
  if (reasons.length === 0) return conflict(`${event.type} changes nothing in the case's current state`);
  return unprocessable(`${event.type} was refused`, reasons);
}

export interface LockedCase {
  row: CaseRow;
  facts: CaseFacts;
  firmName: string;
}

/** Reads the case and its firm in one statement; `lock` takes the case row FOR UPDATE. */
export async function readCase(db: DbOrTx, caseId: string, lock: boolean): Promise<LockedCase> {
  const query = db
    .select({ row: cases, uscc: enterprises.uscc, affiliations: enterprises.affiliations, firmName: enterprises.name })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(eq(cases.id, caseId));
  const [found] = lock ? await query.for('update', { of: cases }) : await query;
  if (!found) throw notFound('case');
  return { row: found.row, facts: factsOf(found.row, found.uscc, found.affiliations), firmName: found.firmName };
}

export const lockCase = (tx: Tx, caseId: string) => readCase(tx, caseId, true);

function factsOf(row: CaseRow, uscc: string, affiliations: string[]): CaseFacts {
  return {
    enterpriseId: row.enterpriseId,
    enterpriseUscc: uscc,
    enterpriseAffiliations: affiliations,
    city: row.city,
    insurerId: row.insurerId,
    submitted: row.submittedAt !== null,
    assignedExpertIds: [],
  };
}


function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return '';
}
