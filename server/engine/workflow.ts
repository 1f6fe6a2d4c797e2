import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import type { DbOrTx, Tx } from '../../db/client';
import type { OwnerKind } from '../../db/schema';
import type { User } from '../context';
import type { FieldError } from '../errors';
import type { EffectScope } from './scope';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';

/** The columns the engine reads and writes on any workflow's row. */
export interface WorkflowRow {
  id: string;
  version: number;
  machineVersion: string;
  state: string;
  snapshot: unknown;
}

export interface Loaded<Row extends WorkflowRow, Facts> {
  row: Row;
  facts: Facts;
}

export type Authorisation = { ok: true; role: string } | { ok: false; kind: 'not_now' } | { ok: false; kind: 'forbidden'; reason: { zh: string; en: string } };

/** What the engine needs of one event beyond its type: when, and who. */
export interface EngineEvent {
  type: string;
  meta: { at: string; actorId: string | null; role: string };
}

/**
 * One workflow (the case now; the notice, the batch and the claim next) as the engine sees it:
 * its machines, how to find and lock its row, who may do what, what its effects need to know,
 * and how its row is written back. The engine knows no workflow's tables (ADR 0003).
 */
export interface WorkflowDefinition<Row extends WorkflowRow, Facts, Event extends EngineEvent> {
  kind: OwnerKind;
  /** the word for it in answers: "case not found", "the case has changed" */
  noun: string;
  machines: Readonly<Record<string, AnyStateMachine>>;
  /** its deadlines, by kind: length, reminders, what expiry does */
  clocks: Readonly<Record<string, ClockKindSpec>>;
  /** one statement; FOR UPDATE of the row when `lock` */
  load(db: DbOrTx, id: string, lock: boolean): Promise<Loaded<Row, Facts>>;
  canSee(user: User, facts: Facts): boolean;
  authorise(snapshot: AnyMachineSnapshot, user: User, facts: Facts, type: Event['type']): Authorisation;
  /** whether the system (a deadline) may send `type` now */
  systemMay(snapshot: AnyMachineSnapshot, type: Event['type']): boolean;
  /** words for a refused guard */
  guardReasons: Readonly<Record<string, { zh: string; en: string }>>;
  /** what effects outside a transition (a timer firing) need to know of the owner */
  effectScope(tx: Tx, loaded: Loaded<Row, Facts>, now: Date, actorId: string | null): Promise<Omit<EffectScope, 'pending'>>;
  /** the event that tells the machine a clock of `kind` expired */
  expiryEvent(kind: string, meta: EngineEvent['meta']): Event;
  /** reads what the transition needs besides the row (taking its locks) and builds the effects' scope */
  prepare(tx: Tx, loaded: Loaded<Row, Facts>, event: Event, now: Date): Promise<Prepared>;
  /** the one word lists filter on */
  primaryState(value: StateValue): string;
  /** writes the new snapshot, state and version */
  persist(tx: Tx, row: Row, next: { value: StateValue; context: unknown; state: string }, event: Event, now: Date): Promise<Row>;
}

export interface Prepared {
  scope: Omit<EffectScope, 'pending'>;
  /** checks that must pass before the machine sees the event (SUBMIT's §5 list) */
  validate?: (tx: Tx) => Promise<FieldError[]>;
  /** what only the database knows about the event (e.g. the policy fingerprint), read once the sender is authorised */
  facts?: Record<string, unknown>;
  /** what a refusal by `validate` is called; by default "the case cannot be submitted yet" */
  invalid?: string;
  /** what the history entry records besides the event's own fields */
  historyExtra?: Record<string, unknown>;
}
