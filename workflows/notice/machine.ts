import { setup } from 'xstate';
import type { TemplateName } from '../../server/mail/templates';
import type { OwnerKind } from '../../db/schema/owners';
import type { Role } from '../../db/schema/accounts';
import type { NoticeClockKind, NoticeRecipientGroup } from './clocks';

// 公示 (SPEC §4): a small machine of its own. Published by a provincial reviewer, it runs its
// period and closes when the period expires, telling each member case through the outbox.

export interface NoticeMeta {
  at: string;
  actorId: string | null;
  role: Role | 'system';
}
export type NoticeEvent =
  | { type: 'PUBLISH'; meta: NoticeMeta }
  | { type: 'DEADLINE_EXPIRED'; clock: NoticeClockKind; meta: NoticeMeta };
export interface NoticeContext {
  noticeId: string;
  /** the member cases, in id order */
  caseIds: string[];
}
export interface NoticeStateMeta {
  /** who may send which event here, as on the case chart */
  may?: Partial<Record<NoticeEvent['type'], readonly (Role | 'system')[]>>;
}

export const NOTICE_MACHINE_VERSION = 'notice@1';

const noticeSetup = setup({
  types: { context: {} as NoticeContext, events: {} as NoticeEvent, input: {} as NoticeContext, meta: {} as NoticeStateMeta },
  // named here, executed by the engine in the notice's transaction (server/engine/effects.ts)
  actions: {
    notify: (_: unknown, _params: { template: TemplateName; to: NoticeRecipientGroup[] }) => undefined,
    startClock: (_: unknown, _params: { kind: NoticeClockKind }) => undefined,
    stopClock: (_: unknown, _params: { kind: NoticeClockKind }) => undefined,
    emit: (_: unknown, _params: { kind: OwnerKind; ids: string[]; event: { type: string } & Record<string, unknown> }) => undefined,
  },
});

export const noticeMachine = noticeSetup.createMachine({
  id: 'notice',
  initial: 'new',
  context: ({ input }) => ({ noticeId: input.noticeId, caseIds: [...input.caseIds].sort() }),
  states: {
    // only inside the transaction that creates the notice: PUBLISH is its first history entry
    new: {
      meta: { may: { PUBLISH: ['provincial'] } },
      on: {
        PUBLISH: {
          target: 'open',
          actions: [
            { type: 'startClock', params: { kind: 'noticePeriod' } },
            { type: 'notify', params: { template: 'notice.published', to: ['provincialReviewers', 'memberFirms'] } },
          ],
        },
      },
    },
    open: {
      meta: { may: { DEADLINE_EXPIRED: ['system'] } },
      on: {
        DEADLINE_EXPIRED: {
          guard: ({ event }) => event.clock === 'noticePeriod',
          target: 'closed',
          actions: [
            noticeSetup.enqueueActions(({ context, enqueue }) =>
              enqueue({ type: 'emit', params: { kind: 'case', ids: context.caseIds, event: { type: 'NOTICE_CLOSED', noticeId: context.noticeId } } }),
            ),
            { type: 'notify', params: { template: 'notice.closed', to: ['provincialReviewers'] } },
          ],
        },
      },
    },
    closed: { type: 'final' },
  },
});

export type NoticeMachine = typeof noticeMachine;
export const noticeMachines: Record<string, NoticeMachine> = { [NOTICE_MACHINE_VERSION]: noticeMachine };
