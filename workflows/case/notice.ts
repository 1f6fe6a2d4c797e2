import { and } from 'xstate';
import { caseSetup } from './setup';
import type { NoticeRecord } from './types';

// 公示: the provincial reviewer publishes a notice for cases awaiting it (server/notices); the
// notice tells each member case when it opens and closes, and an objection holds the case back
// until the provincial reviewer has resolved every objection open on it.

const onNotice = (change: (n: NoticeRecord) => Partial<NoticeRecord>) =>
  caseSetup.assign({ notice: ({ context }) => (context.notice ? { ...context.notice, ...change(context.notice) } : context.notice) });

const opened = caseSetup.assign({
  notice: ({ event }) => (event.type === 'NOTICE_OPENED' ? { id: event.noticeId, ended: false, openObjections: [] } : undefined),
});
const ended = onNotice(() => ({ ended: true }));
const objected = caseSetup.assign({
  notice: ({ context, event }) =>
    context.notice && event.type === 'OBJECTION' ? { ...context.notice, openObjections: [...context.notice.openObjections, event.objectionId] } : context.notice,
});
// a dismissal is counted, so that the approval can tell the firm its notice passed after objections
const resolved = caseSetup.assign({
  notice: ({ context, event }) =>
    context.notice && event.type === 'RESOLVE_OBJECTION'
      ? {
          ...context.notice,
          openObjections: context.notice.openObjections.filter((id) => id !== event.objectionId),
          ...(event.outcome === 'dismissed' ? { dismissed: (context.notice.dismissed ?? 0) + 1 } : {}),
        }
      : context.notice,
});
const stopObjectionClock = { type: 'stopClock' as const, params: { kind: 'objection' as const } };
// told to the firm only while the case still waits for the insurer: with the policy verified the case
// is approved in the same step, and the approval's email says the notice passed (subsidy.ts)
const passed = { type: 'notify' as const, params: { template: 'case.noticePassed' as const, to: ['firm' as const] } };

export const awaitingNotice = caseSetup.createStateConfig({
  meta: {
    may: { NOTICE_OPENED: ['system'] },
    task: { role: 'provincial', label: { zh: '发布公示', en: 'publish the public notice' }, via: 'notice' },
  },
  on: { NOTICE_OPENED: { target: 'notice', actions: opened } },
});

export const notice = caseSetup.createStateConfig({
  meta: { may: { NOTICE_CLOSED: ['system'], OBJECTION: ['system'] } },
  on: {
    NOTICE_CLOSED: [
      { guard: and(['fromItsNotice', 'policyVerified']), target: 'reviewApproved', actions: ended },
      { guard: 'fromItsNotice', target: 'reviewApproved', actions: [ended, passed] },
    ],
    OBJECTION: {
      target: 'objection',
      actions: [objected, { type: 'startClock', params: { kind: 'objection' } }, { type: 'notify', params: { template: 'case.objection', to: ['provincialReviewers'] } }],
    },
  },
});

export const objection = caseSetup.createStateConfig({
  meta: {
    may: { NOTICE_CLOSED: ['system'], OBJECTION: ['system'], RESOLVE_OBJECTION: ['provincial'] },
    task: { role: 'provincial', label: { zh: '处理公示异议', en: 'resolve the objection' }, urgentBy: 'objection' },
  },
  on: {
    // the period ends while the case is held: it is remembered, and the last dismissal approves
    NOTICE_CLOSED: { guard: 'fromItsNotice', actions: ended },
    // one resolution clock for the case, from its first objection
    OBJECTION: { actions: [objected, { type: 'notify', params: { template: 'case.objection', to: ['provincialReviewers'] } }] },
    RESOLVE_OBJECTION: [
      { guard: 'upheld', target: '#case.rejected', actions: [resolved, stopObjectionClock, { type: 'notify', params: { template: 'case.rejected', to: ['firm'] } }] },
      { guard: and(['lastOpenObjection', 'noticeEnded', 'policyVerified']), target: 'reviewApproved', actions: [resolved, stopObjectionClock] },
      { guard: and(['lastOpenObjection', 'noticeEnded']), target: 'reviewApproved', actions: [resolved, stopObjectionClock, passed] },
      { guard: 'lastOpenObjection', target: 'notice', actions: [resolved, stopObjectionClock] },
      { guard: 'namesOpenObjection', actions: resolved },
    ],
  },
});

/** The review region's end: with the insurance region verified, the case is approved. */
export const reviewApproved = caseSetup.createStateConfig({ type: 'final' });
