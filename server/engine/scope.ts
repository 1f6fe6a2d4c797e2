import type { SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { cases, OwnerKind, rounds } from '../../db/schema';
import type { ClockLengths } from '../../db/schema/rounds';
import type { AppContext } from '../context';
import type { CalendarData } from '../calendar/workdays';
import type { PendingWrites } from './pending';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';

export type CaseRow = typeof cases.$inferSelect;
export type RoundRow = typeof rounds.$inferSelect;

/** What the engine's rows (clocks, timers, deliveries, notifications) belong to. */
export interface Owner {
  kind: OwnerKind;
  id: string;
}

/**
 * What an effect may touch: the transition's own transaction, and what its workflow says about the
 * owner — where clock lengths come from, who a recipient group is, the words for emails. Effects
 * know no workflow's tables; the workflow builds this (server/cases/scope.ts for a case).
 */
export interface EffectScope {
  tx: Tx;
  app: AppContext;
  owner: Owner;
  now: Date;
  calendar: CalendarData;
  actorId: string | null;
  clockLengths: ClockLengths;
  /** the owner's workflow's deadlines, by kind */
  clocks: Readonly<Record<string, ClockKindSpec>>;
  /** the recipient groups the owner's workflow knows; an effect naming another fails the transaction */
  groups: readonly string[];
  /**
   * who a recipient group is, as a condition on `users`; `about` names the assignee of the clock a
   * reminder concerns (an expert's own deadline)
   */
  recipients: (group: string, about?: { assigneeId?: string | null }) => SQL;
  /**
   * a short text naming what `recipients` gives for the group — the same text exactly when the
   * condition is the same — so that a unit of work over many owners asks who a group is once per
   * text without rendering each condition (batched-writes.ts); without it, the condition is rendered
   */
  recipientsKey?: (group: string, about?: { assigneeId?: string | null }) => string;
  /** the event's reason in words, quoted by its emails */
  reason?: string;
  /** the owner's words for an email (number, names, link) */
  mailVars: Record<string, string>;
  /** inside a transition: clock events and outbox rows written together at the end */
  pending?: PendingWrites;
}
