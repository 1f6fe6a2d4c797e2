import { meanPasses } from './scoring';
import type { Assignment, AssignmentStatus, CaseContext, CaseEvent } from './types';

// The expert stage's guards and the record they read (expert.ts draws the stage), apart from the
// machine's setup so that setup.ts can name them.

type Ev<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;
export const OPEN: readonly AssignmentStatus[] = ['assigned', 'accepted'];
/** An expert sees a case while they hold one of these (a declined or replaced one no longer does). */
export const SEEING: readonly AssignmentStatus[] = [...OPEN, 'scored'];

/** The machine's context as a stored snapshot holds it, for readers outside the machine. */
export function contextOf(snapshot: unknown): Partial<CaseContext> {
  return (snapshot as { context?: Partial<CaseContext> } | null)?.context ?? {};
}

export const mine = (context: CaseContext, actorId: string | null) => context.experts.find((a) => a.expertId === actorId && a.status !== 'replaced' && a.status !== 'declined');
export const scored = (context: CaseContext) => context.experts.filter((a) => a.status === 'scored');

/** The assignment in which this expert declared a conflict of interest on the case: it keeps them off the case for good (SPEC §2). */
export const declaredConflict = (experts: readonly Assignment[], expertId: string) => experts.find((a) => a.expertId === expertId && a.conflict === 'declared');

/**
 * The assignment this expert declined of their own accord, the declared conflict first, else the
 * latest — kept with its reason even once they were replaced. A note without a conflict is only
 * ever a decline's reason: the system's own findings are marked `detected`.
 */
export function ownDecline(experts: readonly Assignment[], expertId: string): Assignment | undefined {
  const declined = experts.filter((a) => a.expertId === expertId && (a.conflict === 'declared' || (a.conflict === null && a.note !== null)));
  return declared(declined) ?? declined.at(-1);
}
const declared = (declined: readonly Assignment[]) => declined.find((a) => a.conflict === 'declared');

/** The assignment in which this expert declined the case, or was found to have a conflict on it, while it is not yet replaced. */
export const declinedUnreplaced = (experts: readonly Assignment[], expertId: string) => experts.find((a) => a.expertId === expertId && a.status === 'declined');

/**
 * The assignment in which this expert sits on the panel: open (overdue or not) or scored. Replaced,
 * they sit on it no more and may be named again; declined, declinedUnreplaced speaks for them.
 */
export const onPanel = (experts: readonly Assignment[], expertId: string) => experts.find((a) => a.expertId === expertId && SEEING.includes(a.status));

/**
 * ASSIGN_EXPERTS names an expert who declared a conflict of interest on this case, who declined it
 * and is not yet replaced, or who is on its panel already (`added` would make them no assignment):
 * refused rather than skipped, as the service refuses them first, naming them.
 */
const namesBarredExpert = (context: CaseContext, event: Ev<'ASSIGN_EXPERTS'>) =>
  (event.candidates ?? []).some(
    (c) => declaredConflict(context.experts, c.expertId) !== undefined || declinedUnreplaced(context.experts, c.expertId) !== undefined || onPanel(context.experts, c.expertId) !== undefined,
  );

/** The assignments ASSIGN_EXPERTS adds: a detected conflict is recorded, and the expert cannot take it up. */
export function added(context: CaseContext, event: Ev<'ASSIGN_EXPERTS'>): Assignment[] {
  const at = event.meta.at;
  return (event.candidates ?? [])
    .filter((c) => !context.experts.some((a) => a.expertId === c.expertId && a.status !== 'replaced'))
    .map((c) => ({
      expertId: c.expertId,
      status: c.conflict ? 'declined' : 'assigned',
      conflict: c.conflict ? 'detected' : null,
      note: c.conflict,
      scores: null,
      opinion: null,
      assignedAt: at,
      at,
    }));
}

/** The scores there will be once this one is in. */
function scoresWith(context: CaseContext, event: CaseEvent): Record<string, number>[] {
  // the buttons' probe carries no scores: it counts as not reaching the quorum
  const own = event.type === 'SCORE' && event.scores ? [event.scores] : [];
  return [...scored(context).map((a) => a.scores ?? {}), ...own];
}

export const expertGuards = {
  /** at least the quorum of experts without a conflict, none of them already on the case */
  enoughExperts: ({ context, event }: { context: CaseContext; event: CaseEvent }) => {
    if (event.type !== 'ASSIGN_EXPERTS') return false;
    // the buttons' probe carries no payload (permissions.ts allowedEvents): the real one decides
    if (event.candidates === undefined || event.quorum === undefined) return true;
    // there is nobody to replace before the first panel
    if (event.replaces !== undefined || namesBarredExpert(context, event)) return false;
    const fresh = added(context, event).filter((a) => a.status === 'assigned').length;
    return fresh > 0 && fresh + context.experts.filter((a) => OPEN.includes(a.status) || a.status === 'scored').length >= event.quorum;
  },
  replacesOpenAssignment: ({ context, event }: { context: CaseContext; event: CaseEvent }) => {
    if (event.type !== 'ASSIGN_EXPERTS') return false;
    if (event.candidates === undefined) return true;
    if (namesBarredExpert(context, event)) return false;
    // only an expert who declined (or has a conflict), is past their own deadline (SPEC §4) or can no longer act
    const stuck = [...(event.overdue ?? []), ...(event.unavailable ?? [])];
    const replaceable = (a: Assignment) => a.status === 'declined' || ((a.status === 'assigned' || a.status === 'accepted') && stuck.includes(a.expertId));
    const replaced = event.replaces ? context.experts.find((a) => a.expertId === event.replaces && replaceable(a)) : undefined;
    return (event.replaces === undefined || replaced !== undefined) && added(context, event).some((a) => a.status === 'assigned');
  },
  assignedToMe: ({ context, event }: { context: CaseContext; event: CaseEvent }) => mine(context, event.meta.actorId)?.status === 'assigned',
  // the buttons' probe carries no payload (permissions.ts allowedEvents); a sent acceptance always
  // carries the declaration, false unless ticked (events.ts), and false is refused
  declaresNoConflict: ({ event }: { context: CaseContext; event: CaseEvent }) => event.type === 'ACCEPT_ASSIGNMENT' && (event.noConflict as boolean | undefined) !== false,
  acceptedByMe: ({ context, event }: { context: CaseContext; event: CaseEvent }) => mine(context, event.meta.actorId)?.status === 'accepted',
  openForMe: ({ context, event }: { context: CaseContext; event: CaseEvent }) => OPEN.includes(mine(context, event.meta.actorId)?.status ?? 'replaced'),
  quorumReached: ({ context, event }: { context: CaseContext; event: CaseEvent }) => scoresWith(context, event).length >= (context.expertReview?.quorum ?? Infinity),
  meanPasses: ({ context, event }: { context: CaseContext; event: CaseEvent }) =>
    context.expertReview !== null && meanPasses(context.expertReview.rubric, scoresWith(context, event)),
};

