import type { CaseContext, CaseEvent } from './types';

// The notice and objection states' guards (notice.ts draws the states), apart from the machine's
// setup so that setup.ts can name them.

type Args = { context: CaseContext; event: CaseEvent };

const open = (context: CaseContext) => context.notice?.openObjections ?? [];

/** The objection named is one still open on this case. */
function namesOpenObjection({ context, event }: Args): boolean {
  if (event.type !== 'RESOLVE_OBJECTION') return false;
  // the buttons a UI shows are probed without a payload (permissions.ts): any open objection will do
  if (event.objectionId === undefined) return open(context).length > 0;
  return open(context).includes(event.objectionId);
}

export const noticeGuards = {
  /** the event comes from the notice the case is on, not from an earlier one */
  fromItsNotice: ({ context, event }: Args) => event.type === 'NOTICE_CLOSED' && context.notice?.id === event.noticeId,
  namesOpenObjection,
  upheld: (args: Args) => namesOpenObjection(args) && args.event.type === 'RESOLVE_OBJECTION' && args.event.outcome === 'upheld',
  /** the objection resolved is the last one open on the case */
  lastOpenObjection: (args: Args) => namesOpenObjection(args) && open(args.context).length === 1,
  /** the notice period ended while the case was held by an objection */
  noticeEnded: ({ context }: Args) => context.notice?.ended === true,
};
