import { and, getNextTransitions, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type InputFrom, type StateValue } from 'xstate';
import type { Tx } from '../../db/client';
import type { AppContext, User } from '../context';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../errors';
import { executeEffects } from './effects';
import { readOpenClocks } from './clocks';
import { batchedWritesOf } from './batched-writes';
import { PendingWrites } from './pending';
import { appendHistory, historyTail } from './history';
import type { EngineEvent, Loaded, WorkflowDefinition, WorkflowRow } from './workflow';

export interface ApplyInput<Row extends WorkflowRow, Facts, Event extends EngineEvent> {
  id: string;
  event: Event;
  /** null for the system (deadline sweep) */
  user: User | null;
  /**
   * For a system event (user null) that a person's act on another row set off — a batch's approval
   * telling its cases, a payment recorded on the batch: the history names that person and the role
   * they acted in, while the event stays authorised, and seen by the machine, as the system's.
   */
  causedBy?: { id: string; role: string };
  requestId: string | null;
  ifMatch?: number;
  /** the row as the caller already locked it (definition.load with lock), to save a round trip */
  locked?: Loaded<Row, Facts>;
}

/**
 * One event, one transaction (SPEC §8), for any workflow: lock the row, restore its snapshot,
 * authorise, run the event's checks, take XState's pure transition, refuse a no-op, then write
 * effects, snapshot, version and history — all or nothing. The only caller of `transition()`.
 */
export async function applyEvent<Row extends WorkflowRow, Facts, Event extends EngineEvent>(
  tx: Tx,
  app: AppContext,
  def: WorkflowDefinition<Row, Facts, Event>,
  input: ApplyInput<Row, Facts, Event>,
) {
  const loaded = input.locked ?? (await def.load(tx, input.id, true));
  const { row, facts } = loaded;
  if (input.user && !def.canSee(input.user, facts)) throw notFound(def.noun);
  if (input.ifMatch !== undefined && input.ifMatch !== row.version) {
    throw conflict(`the ${def.noun} has changed: you sent version ${input.ifMatch}, it is now at ${row.version}; reload and try again`, {
      currentVersion: row.version,
    });
  }
  const machine = machineOf(def, row);
  const snapshot = machine.resolveState(row.snapshot as Parameters<AnyStateMachine['resolveState']>[0]);
  const role = authoriseActor(def, snapshot, input, facts, row.state);

  const now = new Date(input.event.meta.at);
  // under the row lock, in one round trip: the chain's tail and the owner's open clocks cannot change
  // before the transaction ends (PendingWrites keeps the clocks current from here), and the
  // workflow's own first reads go with them
  const pending = new PendingWrites();
  // (many owners moved in one transaction: their unit of work holds their chains' tails and open
  // clocks already, read for all of them at once — batched-writes.ts)
  const batched = batchedWritesOf(tx);
  const unit = batched?.covers(def.kind, row.id) ? batched : undefined;
  const chained = unit ? undefined : historyTail(tx, def.kind, row.id);
  const held = unit?.openClocks(def.kind, row.id);
  const [tail, openClocks, prepared] = await Promise.all([chained, held ?? readOpenClocks(tx, { kind: def.kind, id: row.id }), def.prepare(tx, loaded, input.event, now)]);
  pending.openClocks = openClocks;
  const problems = prepared.validate ? await prepared.validate(tx) : [];
  if (problems.length > 0) throw unprocessable(prepared.invalid ?? `the ${def.noun} cannot be submitted yet`, problems);

  const event = { ...input.event, ...prepared.facts, meta: { ...input.event.meta, role } };
  const [next, actions] = unit ? unit.transition(machine, snapshot, event) : transition(machine, snapshot, event);
  if (next === snapshot) throw guardRefusal(def, snapshot, event);

  await executeEffects({ ...prepared.scope, pending }, actions);

  // the effects' writes, the row and the history entry leave together (PendingWrites)
  const state = def.primaryState(next.value);
  const { meta: _meta, type: _type, ...fields } = event;
  const cause = input.user ? undefined : input.causedBy;
  await appendHistory(
    tx,
    {
      ownerKind: def.kind,
      ownerId: row.id,
      eventType: event.type,
      actorId: cause?.id ?? event.meta.actorId,
      actorRole: cause?.role ?? role,
      at: now,
      requestId: input.requestId,
      stateBefore: row.state,
      stateAfter: state,
      payload: { ...fields, ...prepared.historyExtra },
      machineVersion: row.machineVersion,
    },
    tail,
    (w) => pending.later(w),
  );
  const [, updated] = await Promise.all([pending.flush(tx), def.persist(tx, row, { value: next.value, context: next.context, state }, event, now)]);
  return { row: updated, snapshot: next, facts, role };
}

/**
 * The first snapshot of a new row, on the definition's current machine: what its row stores, the
 * primary state lists filter on, and the machine version it will finish on.
 */
export function initialState<M extends AnyStateMachine>(
  def: { machines: Readonly<Record<string, AnyStateMachine>>; primaryState(value: StateValue): string },
  version: string,
  input: InputFrom<M>,
) {
  const machine = machineOf(def, { machineVersion: version });
  const [snapshot] = initialTransition(machine, input);
  return { snapshot: { value: snapshot.value, context: snapshot.context as unknown }, state: def.primaryState(snapshot.value), machineVersion: version };
}

/** The machine a row started on (SPEC §8): it finishes on that version. */
export function machineOf(def: { machines: Readonly<Record<string, AnyStateMachine>> }, row: Pick<WorkflowRow, 'machineVersion'>): AnyStateMachine {
  const machine = Object.hasOwn(def.machines, row.machineVersion) ? def.machines[row.machineVersion] : undefined;
  if (!machine) throw new Error(`no machine registered for ${row.machineVersion}`);
  return machine;
}

function authoriseActor<Row extends WorkflowRow, Facts, Event extends EngineEvent>(
  def: WorkflowDefinition<Row, Facts, Event>,
  snapshot: AnyMachineSnapshot,
  input: ApplyInput<Row, Facts, Event>,
  facts: Facts,
  state: string,
): string {
  const type = input.event.type;
  if (!input.user) {
    if (!def.systemMay(snapshot, type)) throw conflict(`${type} is not possible while the ${def.noun} is ${state}`);
    return 'system';
  }
  const decision = def.authorise(snapshot, input.user, facts, type);
  if (decision.ok) return decision.role;
  if (decision.kind === 'not_now') throw conflict(`${type} is not possible while the ${def.noun} is ${state}`);
  throw forbidden(`${decision.reason.en} (${decision.reason.zh})`);
}

function guardRefusal<Row extends WorkflowRow, Facts, Event extends EngineEvent>(
  def: WorkflowDefinition<Row, Facts, Event>,
  snapshot: AnyMachineSnapshot,
  event: EngineEvent,
): AppError {
  const named = getNextTransitions(snapshot)
    .filter((t) => t.eventType === event.type && t.guard)
    .flatMap((t) => namedGuards(t.guard));
  // of the conditions of a step (an and() of named guards), the words only for those that do not hold
  const failing = named.filter((g) => !holds(snapshot, event, g));
  const names = [...new Set((failing.length > 0 ? failing : named).map((g) => g.type))];
  const reasons = names.flatMap((g) => {
    const r = Object.hasOwn(def.guardReasons, g) ? def.guardReasons[g] : undefined;
    return r ? [{ path: '', message: r.en, messageZh: r.zh, code: `guard.${g}` }] : [];
  });
  if (reasons.length === 0) return conflict(`${event.type} changes nothing in the ${def.noun}'s current state`);
  return unprocessable(`${event.type} was refused`, reasons);
}

type NamedGuard = { type: string; params: unknown };
// and() marks its guard by the check it runs, the same function for every and()
const andCheck: unknown = (and([]) as unknown as { check?: unknown }).check;

/** A transition's guard as the named guards it is made of: itself, or the parts of an and(). */
function namedGuards(guard: unknown): NamedGuard[] {
  if (typeof guard === 'string') return [{ type: guard, params: undefined }];
  if (typeof guard === 'function' && 'check' in guard && guard.check === andCheck && 'guards' in guard && Array.isArray(guard.guards)) return guard.guards.flatMap(namedGuards);
  const type = guardName(guard);
  return type ? [{ type, params: typeof guard === 'object' && guard !== null && 'params' in guard ? guard.params : undefined }] : [];
}

/** Whether a named guard of the machine holds for the event (guards are pure: context and event only). */
function holds(snapshot: AnyMachineSnapshot, event: EngineEvent, g: NamedGuard): boolean {
  const impl: unknown = (snapshot.machine as AnyStateMachine).implementations.guards[g.type];
  if (typeof impl !== 'function' || typeof g.params === 'function') return false;
  return Boolean((impl as (args: unknown, params: unknown) => unknown)({ context: snapshot.context as unknown, event }, g.params));
}

function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return '';
}
