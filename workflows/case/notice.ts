import { caseSetup } from './setup';

// 公示: the provincial reviewer publishes a notice for cases awaiting it (server/notices); the
// notice tells each member case when it opens and closes, and an objection holds the case back.
export const awaitingNotice = caseSetup.createStateConfig({
  meta: {
    task: { role: 'provincial', label: { zh: '发布公示', en: 'publish the public notice' }, via: 'notice' },
  },
});

export const notice = caseSetup.createStateConfig({});

export const objection = caseSetup.createStateConfig({});

/** The review region's end: with the insurance region verified, the case is approved. */
export const reviewApproved = caseSetup.createStateConfig({ type: 'final' });
