import { describe, expect, it } from 'vitest';
import { activePaths, chartStates, DEAD_STATES, inboxTasks, primaryOfPath, statesWhereFirmMay } from '../../workflows/case/chart';
import { caseClocks } from '../../workflows/case/clocks';

// The typed meta on the chart is the one source of "who may act now"; these are its invariants.
describe('the case chart\'s state meta', () => {
  it('gives the lists the rest of the system reads', () => {
    expect([...statesWhereFirmMay('edit')].sort()).toEqual(['draft', 'revision']);
    expect([...statesWhereFirmMay('upload')].sort()).toEqual(['draft', 'revision']);
    expect([...DEAD_STATES].sort()).toEqual(['lapsed', 'rejected', 'withdrawn']);
    expect(inboxTasks.map((t) => `${t.role}:${t.path.join('.')}:${t.urgentBy ?? '-'}`).sort()).toEqual([
      'expert:inReview.review.expert.reviewing:expertReview',
      'finance:approved.calculated:-',
      'finance:recovery:-',
      'firm:draft:-',
      'firm:inReview.review.revision:revision',
      'insurer:inReview.insurance.pendingVerification:-',
      'municipal:inReview.review.municipal:municipalReview',
      'provincial:inReview.review.awaitingNotice:-',
      'provincial:inReview.review.expert.assigning:-',
      'provincial:inReview.review.expert.reviewing:-',
      'provincial:inReview.review.expert.reviewing:-',
      'provincial:inReview.review.expert.reviewing:expertReview',
      'provincial:inReview.review.objection:objection',
      'provincial:inReview.review.provincial:provincialReview',
    ]);
    expect(inboxTasks.filter((t) => t.via).map((t) => t.path.join('.'))).toEqual(['inReview.review.awaitingNotice', 'approved.calculated']);
    // the provincial reviewer's tasks in the experts' step are there only while an expert is late, too many declined, or one cannot act
    expect(inboxTasks.filter((t) => t.onlyWhile).map((t) => `${t.role}:${t.onlyWhile}`)).toEqual(['provincial:assigneeOverdue', 'provincial:panelShort', 'provincial:assigneeUnavailable']);
  });

  it('puts a case in an inbox only where that role may send an event, or acts on another aggregate for it', () => {
    for (const task of inboxTasks.filter((t) => t.via === undefined)) {
      const state = chartStates.find((s) => s.path.join('.') === task.path.join('.'));
      const roles = Object.values(state?.meta.may ?? {}).flat();
      expect(roles, task.path.join('.')).toContain(task.role);
    }
  });

  it('marks dead only final states, and makes every urgent clock a known kind', () => {
    for (const s of chartStates.filter((c) => c.meta.dead)) expect(s.path).toHaveLength(1);
    for (const t of inboxTasks) if (t.urgentBy) expect(Object.keys(caseClocks)).toContain(t.urgentBy);
  });

  it('names the primary state of a path as the state column holds it', () => {
    expect(primaryOfPath(['draft'])).toBe('draft');
    expect(primaryOfPath(['inReview', 'review', 'municipal'])).toBe('municipal');
    expect(primaryOfPath(['inReview', 'review'])).toBeNull();
    expect(primaryOfPath(['inReview', 'insurance', 'verified'])).toBeNull();
  });
});

describe('the paths a state value is in', () => {
  it('lists every node of every region, so a claim on a task is dropped exactly when its state is left', () => {
    expect(activePaths({ inReview: { review: { expert: 'reviewing' }, insurance: 'verified' } }).sort()).toEqual([
      'inReview',
      'inReview.insurance',
      'inReview.insurance.verified',
      'inReview.review',
      'inReview.review.expert',
      'inReview.review.expert.reviewing',
    ]);
    expect(activePaths('draft')).toEqual(['draft']);
  });
});
