import type { Role } from '../../db/schema/accounts';
import type { Rubric } from '../../db/schema/rounds';
import type { CaseEventOf, CaseEventType } from './events';

export type { CaseEventType } from './events';

export type { ClockKind } from './clocks';
import type { ClockKind } from './clocks';
export type ReviewStage = 'municipal' | 'provincial';
/** Recipients are named by their relation to the case; the effect executor resolves them to people. */
export const RECIPIENT_GROUPS = ['firm', 'municipalReviewers', 'provincialReviewers', 'insurer', 'finance', 'assignee'] as const;
/** `assignee`: the person whose own clock a reminder is about (an expert's assignment). */
export type RecipientGroup = (typeof RECIPIENT_GROUPS)[number];
export type ActorRole = Role | 'system';

/** Time and the actor travel inside the event: the machine never reads a clock or a database. */
export interface EventMeta {
  at: string;
  actorId: string | null;
  role: ActorRole;
}

export interface Reason {
  path?: string;
  message: string;
}

/** The union of every event of the chart, derived from their definitions (events.ts). */
export type CaseEvent = { [K in CaseEventType]: CaseEventOf<K, EventMeta> }[CaseEventType];


export interface Decision {
  stage: ReviewStage;
  actorId: string;
  decision: 'APPROVE' | 'RETURN' | 'REJECT';
  at: string;
}

export type AssignmentStatus = 'assigned' | 'accepted' | 'declined' | 'replaced' | 'scored';

/** One expert on one case (SPEC §2, §4): the machine's record; the service projects it for lists. */
export interface Assignment {
  expertId: string;
  status: AssignmentStatus;
  /** a declared conflict of interest, or one the system detected at assignment: blocks scoring */
  conflict: 'declared' | 'detected' | null;
  /** why it was declined, or what the detected conflict is */
  note: string | null;
  scores: Record<string, number> | null;
  opinion: string | null;
  assignedAt: string;
  /** when it last changed: accepted, declined, replaced or scored */
  at: string;
}

export interface CaseContext {
  caseId: string;
  experts: Assignment[];
  /** the round's rubric and quorum as they were when the experts were first assigned */
  expertReview: { rubric: Rubric; quorum: number } | null;
  decisions: Decision[];
  /** The review stage that returned the case, where RESUBMIT sends it back to. */
  returnedFrom: ReviewStage | null;
  policyVerified: boolean;
  submissions: number;
  /**
   * the public notice the case is on (SPEC §4): whether its period has ended, and the objections
   * still open. Absent until a notice opens, so that earlier snapshots of case@2 read unchanged.
   */
  notice?: NoticeRecord;
  /** the policy's end date, recorded at submission: the renewal reminder counts to it (absent before case@3) */
  policyEndsOn?: string | null;
  /** the disbursement batch that holds the case now, if any: only its events move the case */
  batchId?: string | null;
  /** the pro-rata proposals (按比例核减) that reduced the subsidy, oldest first (absent until the first) */
  reductions?: string[];
}

export interface NoticeRecord {
  id: string;
  ended: boolean;
  openObjections: string[];
  /** how many objections were dismissed (absent until the first) */
  dismissed?: number;
}

export interface CaseInput {
  caseId: string;
}

/** Who may send an event in a state: declared on the state node as `meta.may`, enforced in permissions.ts. */
export type Permits = Partial<Record<CaseEventType, readonly ActorRole[]>>;

/** What the applicant firm may do to its application body while the case is in a state. */
export type Capability = 'edit' | 'upload';

export type { Label } from '../kernel/clock-spec';
import type { Label } from '../kernel/clock-spec';

export interface InboxTask {
  role: Role;
  label: Label;
  urgentBy?: ClockKind;
  via?: 'notice' | 'batch';
  byRoundClose?: true;
  /**
   * the task is there only while this holds of the case (server/tasks/list.ts says it in SQL):
   * `assigneeOverdue` while an open assignment's own `urgentBy` clock (one per assignee) has run
   * out, the earliest of them the task's deadline; `panelShort` while the experts who can still
   * score, and those who have, are fewer than the quorum; `assigneeUnavailable` while an open
   * assignment's expert can no longer act (the account deactivated, or no longer an expert's)
   */
  onlyWhile?: 'assigneeOverdue' | 'panelShort' | 'assigneeUnavailable';
}

/**
 * The typed meta of every state node (`setup({ types: { meta } })`): the one place that says who
 * may act now. permissions.ts, the inbox, editing, uploads and the duplicate rule all read it.
 */
export interface CaseStateMeta {
  may?: Permits;
  can?: readonly Capability[];
  /**
   * the inbox task of the role that acts here, and the clock that makes it urgent; `via` when the
   * step is taken on another aggregate (a notice is published for the case), not by a case event;
   * `byRoundClose` when the round's closing is the task's deadline, after which it cannot be done.
   * A state where a second role may have work declares a list (the experts' step: the experts
   * score, and the provincial reviewer replaces an expert who is late or declined).
   */
  task?: InboxTask | readonly InboxTask[];
  /** an application that ended here no longer counts as live (duplicates, renewal chains) */
  dead?: true;
}
