import type { Tx } from '../../db/client';
import type { cases, rounds } from '../../db/schema';
import type { AppContext } from '../context';
import type { CalendarData } from '../calendar/workdays';
import type { PendingWrites } from './pending';

export type CaseRow = typeof cases.$inferSelect;
export type RoundRow = typeof rounds.$inferSelect;

/** What an effect may touch: the case's own transaction, and facts read once for the transition. */
export interface EffectScope {
  tx: Tx;
  app: AppContext;
  caseRow: CaseRow;
  round: RoundRow;
  now: Date;
  calendar: CalendarData;
  actorId: string | null;
  /** read with the case lock, for the email texts */
  firmName: string;
  /** the due date of the clock this transition started or resumed, for the email texts */
  dueOn?: string;
  /** inside a transition: clock events and outbox rows written together at the end */
  pending?: PendingWrites;
}
