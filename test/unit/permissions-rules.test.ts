import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { allowedEvents, authorise, canSee, type Actor, type CaseFacts } from '../../workflows/case/permissions';
import type { CaseEvent, EventMeta } from '../../workflows/case/types';

// The edges of SPEC §2 beyond permissions.test.ts: several roles at once, the exact refusals, and
// four eyes across stages.
const facts: CaseFacts = {
  enterpriseId: 'firm-hz',
  enterpriseUscc: '91330100799655058B',
  enterpriseAffiliations: ['91330200MA2AAAAAA1', '91330300MA2BBBBBB2'],
  city: '330100',
  insurerId: 'picc',
  submitted: true,
  assignedExpertIds: ['expert-1'],
  approved: false,
};
const actor = (over: Partial<Actor>): Actor => ({ id: 'u', roles: [], city: null, enterpriseId: null, insurerId: null, affiliations: [], ...over });
const meta = (role: EventMeta['role'], actorId: string): EventMeta => ({ at: '2026-05-06T10:00:00.000Z', actorId, role });
const after = (events: CaseEvent[]) => events.reduce((s, e) => transition(caseMachine, s, e)[0], initialTransition(caseMachine, { caseId: 'c' })[0]);
const SUBMIT: CaseEvent = { type: 'SUBMIT', meta: meta('firm', 'f') };
const atProvincial = (municipalActor = 'm1') => after([SUBMIT, { type: 'APPROVE', meta: meta('municipal', municipalActor) }]);

describe('seeing a case with several roles', () => {
  it('is enough that one of the roles sees it', () => {
    expect(canSee(actor({ roles: ['municipal', 'firm'], city: '330200', enterpriseId: 'firm-hz' }), facts)).toBe(true);
    expect(canSee(actor({ roles: ['firm', 'municipal'], city: '330100', enterpriseId: 'firm-nb' }), facts)).toBe(true);
  });

  it('shows a case to the experts assigned to it only', () => {
    expect(canSee(actor({ id: 'expert-1', roles: ['expert'] }), facts)).toBe(true);
    expect(canSee(actor({ id: 'expert-2', roles: ['expert'] }), facts)).toBe(false);
  });

  it('hides a draft from its insurer, and a case without an insurer from insurers without one', () => {
    expect(canSee(actor({ roles: ['insurer'], insurerId: 'picc' }), { ...facts, submitted: false })).toBe(false);
    expect(canSee(actor({ roles: ['insurer'], insurerId: null }), { ...facts, insurerId: null })).toBe(false);
    expect(canSee(actor({ roles: ['finance'] }), facts)).toBe(false);
  });
});

describe('refusals, in words', () => {
  it('tells a role that is never allowed the event so, in both languages', () => {
    expect(authorise(after([SUBMIT]), actor({ roles: ['insurer'], insurerId: 'picc' }), facts, 'APPROVE')).toEqual({
      ok: false,
      kind: 'forbidden',
      reason: { zh: '您的角色无权执行此操作', en: 'your role may not do this' },
    });
  });

  it('answers "not now" when any of the roles could send the event in another state', () => {
    const both = actor({ roles: ['admin', 'provincial'] });
    expect(authorise(after([SUBMIT]), both, facts, 'APPROVE')).toEqual({ ok: false, kind: 'not_now' });
    expect(authorise(after([SUBMIT]), actor({ roles: ['provincial', 'admin'] }), facts, 'APPROVE')).toEqual({ ok: false, kind: 'not_now' });
  });

  it('refuses a reviewer with any affiliation in common with the applicant', () => {
    const related = actor({ roles: ['municipal'], city: '330100', affiliations: ['91330300MA2BBBBBB2'] });
    expect(authorise(after([SUBMIT]), related, facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(after([SUBMIT]), actor({ roles: ['municipal'], city: '330100', affiliations: ['91330400MA2CCCCCC3'] }), facts, 'APPROVE')).toEqual({ ok: true, role: 'municipal' });
  });
});

describe('four eyes across stages', () => {
  it('names the stage the person already decided', () => {
    const both = actor({ id: 'same', roles: ['municipal', 'provincial'], city: '330100' });
    const verified = transition(caseMachine, atProvincial('same'), { type: 'VERIFY_POLICY', meta: meta('insurer', 'ins') })[0];
    expect(authorise(verified, both, facts, 'APPROVE')).toEqual({
      ok: false,
      kind: 'forbidden',
      reason: { zh: '同一人不得在同一申请上作出两个不同环节的决定', en: 'you already decided this case at the municipal stage; another person must decide this one' },
    });
  });

  it('lets the same person decide the same stage again after a resubmission', () => {
    const m = actor({ id: 'm1', roles: ['municipal'], city: '330100' });
    const back = after([SUBMIT, { type: 'RETURN', reasons: [{ message: 'x' }], meta: meta('municipal', 'm1') }, { type: 'RESUBMIT', meta: meta('firm', 'f') }]);
    expect(authorise(back, m, facts, 'APPROVE')).toEqual({ ok: true, role: 'municipal' });
  });

  it('applies to the city stage as well: a provincial decision bars the same person there', () => {
    const provincialFirst = caseMachine.resolveState({
      value: { inReview: { review: 'municipal', insurance: 'pendingVerification' } },
      context: { caseId: 'c', experts: [], expertReview: null, decisions: [{ stage: 'provincial', actorId: 'same', decision: 'RETURN', at: '2026-05-06T10:00:00.000Z' }], returnedFrom: null, policyVerified: false, submissions: 2 },
    });
    expect(authorise(provincialFirst, actor({ id: 'same', roles: ['municipal'], city: '330100' }), facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
  });

  it('does not stop a reviewer of one stage from acting as the insurer', () => {
    const dual = actor({ id: 'm1', roles: ['insurer'], insurerId: 'picc' });
    expect(authorise(atProvincial('m1'), dual, facts, 'VERIFY_POLICY')).toEqual({ ok: true, role: 'insurer' });
  });
});

describe('the buttons a reviewer sees', () => {
  it('leaves out an event the machine would refuse, such as APPROVE before the verification', () => {
    expect(allowedEvents(atProvincial(), actor({ roles: ['provincial'] }), facts, '2026-05-06T10:00:00.000Z')).toEqual(['RETURN', 'REJECT']);
  });
});
