import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { allowedEvents, authorise, type Actor, type CaseFacts } from '../../workflows/case/permissions';
import { declaredConflict, ownDecline } from '../../workflows/case/expert-guards';
import type { Assignment, AssignmentStatus, CaseContext, CaseEvent, EventMeta } from '../../workflows/case/types';
import type { Rubric } from '../../db/schema/rounds';

// The expert stage of the case chart (SPEC §2, §4), event by event: who may take which step of an
// assignment, what each step starts, stops and tells, and the four-eyes rule between reviewers
// and experts.
const at = '2026-06-01T10:00:00.000Z';
const rubric: Rubric = { criteria: [{ key: 'q', label: '质量', maxPoints: 100, weight: 1 }], passMark: 60 };
const as = (role: EventMeta['role'], actorId: string): EventMeta => ({ at, actorId, role });
const assignment = (expertId: string, status: AssignmentStatus, score?: number): Assignment => ({
  expertId,
  status,
  conflict: null,
  note: null,
  scores: score === undefined ? null : { q: score },
  opinion: score === undefined ? null : '意见',
  assignedAt: at,
  at,
});
const context = (experts: Assignment[], over: Partial<CaseContext> = {}): CaseContext => ({
  caseId: 'case-1',
  experts,
  expertReview: { rubric, quorum: 3 },
  decisions: [
    { stage: 'municipal', actorId: 'm1', decision: 'APPROVE', at },
    { stage: 'provincial', actorId: 'p1', decision: 'APPROVE', at },
  ],
  returnedFrom: null,
  policyVerified: true,
  submissions: 1,
  ...over,
});
const reviewing = (experts: Assignment[], over: Partial<CaseContext> = {}) =>
  caseMachine.resolveState({ value: { inReview: { review: { expert: 'reviewing' }, insurance: 'verified' } }, context: context(experts, over) });
const step = (snapshot: ReturnType<typeof reviewing>, event: CaseEvent) => {
  const [next, actions] = transition(caseMachine, snapshot, event);
  return { next, effects: actions.map((a) => ({ type: a.type, params: a.params })) };
};
const statusOf = (snapshot: ReturnType<typeof reviewing>) => Object.fromEntries(snapshot.context.experts.map((a) => [a.expertId, a.status]));

const facts: CaseFacts = {
  enterpriseId: 'firm-hz',
  enterpriseUscc: '91330100799655058B',
  enterpriseAffiliations: [],
  city: '330100',
  insurerId: 'picc',
  submitted: true,
  assignedExpertIds: ['e1', 'e2', 'e3', 'p1', 'p2'],
  approved: false,
};
const actor = (id: string, roles: Actor['roles']): Actor => ({ id, roles, city: null, enterpriseId: null, insurerId: null, affiliations: [] });

describe('an assignment, step by step', () => {
  it('is accepted once: an expert who accepted cannot accept again, only decline or score', () => {
    const snapshot = reviewing([assignment('e1', 'accepted'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    expect(step(snapshot, { type: 'ACCEPT_ASSIGNMENT', noConflict: true, meta: as('expert', 'e1') }).next).toBe(snapshot);
    expect(allowedEvents(snapshot, actor('e1', ['expert']), facts, at).sort()).toEqual(['DECLINE_ASSIGNMENT', 'SCORE']);
    expect(allowedEvents(snapshot, actor('e2', ['expert']), facts, at).sort()).toEqual(['ACCEPT_ASSIGNMENT', 'DECLINE_ASSIGNMENT']);
  });

  it('is accepted only with the declaration of no conflict of interest', () => {
    const snapshot = reviewing([assignment('e1', 'assigned'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    expect(step(snapshot, { type: 'ACCEPT_ASSIGNMENT', noConflict: false, meta: as('expert', 'e1') }).next).toBe(snapshot);
    const { next } = step(snapshot, { type: 'ACCEPT_ASSIGNMENT', noConflict: true, meta: as('expert', 'e1') });
    expect(statusOf(next)).toEqual({ e1: 'accepted', e2: 'assigned', e3: 'assigned' });
  });

  it('cannot be declined once its score is in', () => {
    const snapshot = reviewing([assignment('e1', 'scored', 70), assignment('e2', 'accepted'), assignment('e3', 'assigned')]);
    expect(step(snapshot, { type: 'DECLINE_ASSIGNMENT', reason: '改变主意', conflictOfInterest: false, meta: as('expert', 'e1') }).next).toBe(snapshot);
    expect(allowedEvents(snapshot, actor('e1', ['expert']), facts, at)).toEqual([]);
  });

  it("declined: the expert's own clock stops and the provincial reviewers are told", () => {
    const snapshot = reviewing([assignment('e1', 'assigned'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    const { next, effects } = step(snapshot, { type: 'DECLINE_ASSIGNMENT', reason: '出差', conflictOfInterest: true, meta: as('expert', 'e2') });
    expect(statusOf(next)).toEqual({ e1: 'assigned', e2: 'declined', e3: 'assigned' });
    expect(next.context.experts[1]).toMatchObject({ conflict: 'declared', note: '出差' });
    expect(effects).toEqual([
      { type: 'stopClock', params: { kind: 'expertReview', assignee: 'e2' } },
      { type: 'notify', params: { template: 'expert.declined', to: ['provincialReviewers'] } },
    ]);
  });
});

describe('replacing an expert', () => {
  const replace = (replaces: string, overdue: string[]): CaseEvent => ({
    type: 'ASSIGN_EXPERTS',
    expertIds: ['e4'],
    replaces,
    candidates: [{ expertId: 'e4', conflict: null }],
    rubric,
    quorum: 3,
    overdue,
    meta: as('provincial', 'p2'),
  });

  it('takes one who accepted and then let their own deadline pass, as one who never answered', () => {
    const snapshot = reviewing([assignment('e1', 'accepted'), assignment('e2', 'assigned'), assignment('e3', 'scored', 80)]);
    for (const late of ['e1', 'e2']) {
      const { next, effects } = step(snapshot, replace(late, [late]));
      expect(statusOf(next), late).toMatchObject({ [late]: 'replaced', e4: 'assigned' });
      expect(effects, late).toContainEqual({ type: 'stopClock', params: { kind: 'expertReview', assignee: late } });
      expect(effects, late).toContainEqual({ type: 'startClock', params: { kind: 'expertReview', assignee: 'e4' } });
    }
  });

  it('does not take one who is on time, nor one whose score is in', () => {
    const snapshot = reviewing([assignment('e1', 'accepted'), assignment('e2', 'assigned'), assignment('e3', 'scored', 80)]);
    expect(step(snapshot, replace('e1', [])).next).toBe(snapshot);
    expect(step(snapshot, replace('e3', ['e3'])).next).toBe(snapshot);
  });

  it('keeps the rubric frozen at the first assignment, whatever the round says by then', () => {
    const snapshot = reviewing([assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    const changed: Rubric = { ...rubric, passMark: 90 };
    const { next } = step(snapshot, { ...replace('e1', []), rubric: changed, quorum: 2 } as CaseEvent);
    expect(next.context.expertReview).toEqual({ rubric, quorum: 3 });
  });

  it('never puts back one who declared a conflict of interest on the case, replaced or not, whatever the facts say', () => {
    const declared: Assignment = { ...assignment('e4', 'replaced'), conflict: 'declared', note: '曾为该企业提供咨询' };
    const snapshot = reviewing([declared, assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    expect(step(snapshot, replace('e1', [])).next).toBe(snapshot);
    const stillDeclined = reviewing([{ ...declared, status: 'declined' }, assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    expect(step(stillDeclined, { ...replace('e4', []), replaces: undefined } as CaseEvent).next).toBe(stillDeclined);
  });

  it('puts back one who declined without a conflict once they were replaced', () => {
    const busy: Assignment = { ...assignment('e4', 'replaced'), note: '出差' };
    const snapshot = reviewing([busy, assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    const { next } = step(snapshot, replace('e1', []));
    expect(next.context.experts.filter((a) => a.expertId === 'e4').map((a) => a.status)).toEqual(['replaced', 'assigned']);
  });

  it('refuses, rather than skips, one who declined and is not yet replaced, named beside another expert', () => {
    const busy: Assignment = { ...assignment('e4', 'declined'), note: '出差' };
    const snapshot = reviewing([busy, assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    const both = { ...replace('e1', []), expertIds: ['e5', 'e4'], candidates: [{ expertId: 'e5', conflict: null }, { expertId: 'e4', conflict: null }] } as CaseEvent;
    expect(step(snapshot, both).next).toBe(snapshot);
    const added = { ...both, replaces: undefined } as CaseEvent;
    expect(step(snapshot, added).next).toBe(snapshot);
  });

  describe('naming an expert already on the panel', () => {
    const panel = () => reviewing([assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'accepted'), assignment('e4', 'scored', 80)]);
    const naming = (ids: string[], over: Partial<Extract<CaseEvent, { type: 'ASSIGN_EXPERTS' }>> = {}) =>
      ({ ...replace('e1', []), expertIds: ids, candidates: ids.map((expertId) => ({ expertId, conflict: null })), ...over }) as CaseEvent;

    it('refuses, rather than skips, one whose assignment is open or scored, beside a new expert, replacing or adding', () => {
      const snapshot = panel();
      for (const sitting of ['e2', 'e3', 'e4']) {
        expect(step(snapshot, naming(['e5', sitting])).next, sitting).toBe(snapshot);
        expect(step(snapshot, naming(['e5', sitting], { replaces: undefined })).next, sitting).toBe(snapshot);
      }
    });

    it('refuses one past their own deadline named again, as it replaces another', () => {
      const snapshot = panel();
      expect(step(snapshot, naming(['e5', 'e2'], { overdue: ['e2'] })).next).toBe(snapshot);
      expect(step(snapshot, naming(['e5'], { replaces: 'e2', overdue: ['e2'] })).next).not.toBe(snapshot);
    });

    it('takes the new expert alone, and one replaced earlier again', () => {
      const snapshot = reviewing([assignment('e6', 'replaced'), assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'accepted')]);
      const { next } = step(snapshot, naming(['e5', 'e6']));
      expect(next.context.experts.map((a) => [a.expertId, a.status])).toEqual([
        ['e6', 'replaced'],
        ['e1', 'replaced'],
        ['e2', 'assigned'],
        ['e3', 'accepted'],
        ['e5', 'assigned'],
        ['e6', 'assigned'],
      ]);
    });
  });
});

describe("an expert's earlier decline of the case", () => {
  const declared: Assignment = { ...assignment('e4', 'replaced'), conflict: 'declared', note: '曾为该企业提供咨询' };
  const busy = (note: string): Assignment => ({ ...assignment('e4', 'replaced'), note });
  // what the system found (an affiliation with the firm), not what the expert said
  const detected: Assignment = { ...assignment('e4', 'replaced'), conflict: 'detected', note: '任职于申请企业' };

  it('is the declared conflict before any other decline, else the latest of their own', () => {
    expect(ownDecline([busy('出差'), declared, busy('仍在出差')], 'e4')).toBe(declared);
    expect(ownDecline([busy('出差'), busy('仍在出差')], 'e4')?.note).toBe('仍在出差');
    expect(ownDecline([busy('出差')], 'e1')).toBeUndefined();
  });

  it('is not a conflict the system detected, nor an assignment without a reason', () => {
    expect(ownDecline([detected], 'e4')).toBeUndefined();
    expect(ownDecline([assignment('e4', 'replaced')], 'e4')).toBeUndefined();
    expect(declaredConflict([detected], 'e4')).toBeUndefined();
    expect(declaredConflict([busy('出差'), declared], 'e4')).toBe(declared);
  });

  it('puts back an expert whose conflict was only detected, once the system no longer finds it', () => {
    const snapshot = reviewing([detected, assignment('e1', 'declined'), assignment('e2', 'assigned'), assignment('e3', 'assigned')]);
    const { next } = step(snapshot, { type: 'ASSIGN_EXPERTS', expertIds: ['e4'], replaces: 'e1', candidates: [{ expertId: 'e4', conflict: null }], rubric, quorum: 3, overdue: [], meta: as('provincial', 'p2') });
    expect(next.context.experts.filter((a) => a.expertId === 'e4').map((a) => a.status)).toEqual(['replaced', 'assigned']);
  });
});

describe('the first panel', () => {
  it('is refused when it names an expert who declared a conflict of interest on the case', () => {
    const assigning = caseMachine.resolveState({
      value: { inReview: { review: { expert: 'assigning' }, insurance: 'verified' } },
      context: context([{ ...assignment('e1', 'replaced'), conflict: 'declared', note: '利益冲突' }], { expertReview: null }),
    });
    const ids = ['e1', 'e2', 'e3', 'e4'];
    const panel = (expertIds: string[]): CaseEvent => ({ type: 'ASSIGN_EXPERTS', expertIds, candidates: expertIds.map((expertId) => ({ expertId, conflict: null })), rubric, quorum: 3, overdue: [], meta: as('provincial', 'p2') });
    expect(step(assigning, panel(ids)).next).toBe(assigning);
    expect(statusOf(step(assigning, panel(ids.slice(1))).next)).toEqual({ e1: 'replaced', e2: 'assigned', e3: 'assigned', e4: 'assigned' });
  });
});

describe('the last score of the quorum', () => {
  const twoIn = () => reviewing([assignment('e1', 'scored', 70), assignment('e2', 'scored', 50), assignment('e3', 'accepted')]);

  it('passing: the case awaits its notice, every expert clock stops, and the firm and the provincial reviewers are told', () => {
    const { next, effects } = step(twoIn(), { type: 'SCORE', scores: { q: 60 }, opinion: '及格', meta: as('expert', 'e3') });
    expect(next.value).toEqual({ inReview: { review: 'awaitingNotice', insurance: 'verified' } });
    expect(effects).toEqual([
      { type: 'stopClock', params: { kind: 'expertReview' } },
      { type: 'notify', params: { template: 'case.expertPassed', to: ['firm', 'provincialReviewers'] } },
    ]);
  });

  it('failing: the case is rejected, every expert clock stops, and the firm is told', () => {
    const { next, effects } = step(twoIn(), { type: 'SCORE', scores: { q: 59 }, opinion: '不及格', meta: as('expert', 'e3') });
    expect(next.value).toBe('rejected');
    expect(effects).toContainEqual({ type: 'stopClock', params: { kind: 'expertReview' } });
    expect(effects).toContainEqual({ type: 'notify', params: { template: 'case.rejected', to: ['firm'] } });
  });
});

describe('one person, one part in a case (four eyes)', () => {
  const refusal = { zh: '同一人不得在同一申请上既作审核决定又担任评审专家', en: 'you cannot both decide this case as a reviewer and score it as an expert' };

  it('does not let the provincial reviewer who approved the case score it as an expert', () => {
    // on the panel (the service detects this at assignment; the rule holds even where it did not)
    const snapshot = reviewing([assignment('p1', 'accepted'), assignment('e2', 'accepted'), assignment('e3', 'accepted')]);
    expect(authorise(snapshot, actor('p1', ['provincial', 'expert']), facts, 'SCORE')).toEqual({ ok: false, kind: 'forbidden', reason: refusal });
    expect(allowedEvents(snapshot, actor('p1', ['provincial', 'expert']), facts, at)).not.toContain('SCORE');
    expect(authorise(snapshot, actor('e2', ['expert']), facts, 'SCORE')).toEqual({ ok: true, role: 'expert' });
  });

  it('does not let an expert on the panel decide the case as a provincial reviewer', () => {
    const snapshot = reviewing([assignment('p2', 'scored', 80), assignment('e2', 'accepted'), assignment('e3', 'declined')]);
    expect(authorise(snapshot, actor('p2', ['provincial', 'expert']), facts, 'ASSIGN_EXPERTS')).toEqual({ ok: false, kind: 'forbidden', reason: refusal });
    const held = caseMachine.resolveState({
      value: { inReview: { review: 'objection', insurance: 'verified' } },
      context: context([assignment('p2', 'scored', 80), assignment('e2', 'scored', 80), assignment('e3', 'scored', 80)], { notice: { id: 'n1', ended: false, openObjections: ['o1'] } }),
    });
    expect(authorise(held, actor('p2', ['provincial', 'expert']), facts, 'RESOLVE_OBJECTION')).toEqual({ ok: false, kind: 'forbidden', reason: refusal });
    expect(authorise(held, actor('p3', ['provincial']), facts, 'RESOLVE_OBJECTION')).toEqual({ ok: true, role: 'provincial' });
  });

  it('lets an expert who declined or was replaced decide as a provincial reviewer', () => {
    const snapshot = reviewing([assignment('p2', 'declined'), assignment('e2', 'accepted'), assignment('e3', 'replaced')]);
    expect(authorise(snapshot, actor('p2', ['provincial', 'expert']), facts, 'ASSIGN_EXPERTS')).toEqual({ ok: true, role: 'provincial' });
    expect(authorise(snapshot, actor('e3', ['provincial', 'expert']), facts, 'ASSIGN_EXPERTS')).toEqual({ ok: true, role: 'provincial' });
  });
});
