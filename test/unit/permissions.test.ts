import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { allowedEvents, authorise, canSee, type Actor, type CaseFacts } from '../../workflows/case/permissions';

const facts: CaseFacts = {
  enterpriseId: 'firm-hz',
  enterpriseUscc: '91330100799655058B',
  enterpriseAffiliations: ['91330200MA2AAAAAA1'],
  city: '330100',
  insurerId: 'picc',
  submitted: true,
  assignedExpertIds: [],
  approved: false,
};
const actor = (over: Partial<Actor>): Actor => ({ id: 'u', roles: [], city: null, enterpriseId: null, insurerId: null, affiliations: [], ...over });
const at = '2026-05-06T10:00:00.000Z';
const submitted = () => transition(caseMachine, initialTransition(caseMachine, { caseId: 'c' })[0], { type: 'SUBMIT', meta: { at, actorId: 'f', role: 'firm' } })[0];

describe('who may see a case', () => {
  it('shows a case to its firm, its city reviewer, provincial reviewers and its insurer only', () => {
    expect(canSee(actor({ roles: ['firm'], enterpriseId: 'firm-hz' }), facts)).toBe(true);
    expect(canSee(actor({ roles: ['firm'], enterpriseId: 'firm-nb' }), facts)).toBe(false);
    expect(canSee(actor({ roles: ['municipal'], city: '330100' }), facts)).toBe(true);
    expect(canSee(actor({ roles: ['municipal'], city: '330200' }), facts)).toBe(false);
    expect(canSee(actor({ roles: ['provincial'] }), facts)).toBe(true);
    expect(canSee(actor({ roles: ['insurer'], insurerId: 'picc' }), facts)).toBe(true);
    expect(canSee(actor({ roles: ['insurer'], insurerId: 'cpic' }), facts)).toBe(false);
    expect(canSee(actor({ roles: ['admin'] }), facts)).toBe(false);
    expect(canSee(actor({ roles: ['expert'] }), facts)).toBe(false);
  });

  it('hides drafts from reviewers', () => {
    expect(canSee(actor({ roles: ['municipal'], city: '330100' }), { ...facts, submitted: false })).toBe(false);
    expect(canSee(actor({ roles: ['provincial'] }), { ...facts, submitted: false })).toBe(false);
  });
});

describe('who may send what', () => {
  it('lets the city reviewer approve, return or reject a case under municipal review', () => {
    expect(allowedEvents(submitted(), actor({ roles: ['municipal'], city: '330100' }), facts, at)).toEqual(['APPROVE', 'RETURN', 'REJECT']);
  });

  it('refuses a municipal decision to an administrator, and tells a provincial reviewer it is not their turn', () => {
    expect(authorise(submitted(), actor({ roles: ['provincial'] }), facts, 'APPROVE')).toEqual({ ok: false, kind: 'not_now' });
    expect(authorise(submitted(), actor({ roles: ['firm'], enterpriseId: 'firm-hz' }), facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(submitted(), actor({ roles: ['admin'] }), facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
  });

  it('answers "not now" for an event the current state does not take', () => {
    expect(authorise(submitted(), actor({ roles: ['firm'], enterpriseId: 'firm-hz' }), facts, 'SUBMIT')).toEqual({ ok: false, kind: 'not_now' });
  });

  it('refuses a reviewer affiliated with the applicant firm', () => {
    const related = actor({ roles: ['municipal'], city: '330100', affiliations: ['91330200MA2AAAAAA1'] });
    expect(authorise(submitted(), related, facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(allowedEvents(submitted(), related, facts, at)).toEqual([]);
  });

  it('refuses a reviewer who is staff of the applicant firm, and still lets them act for the firm', () => {
    const staff = actor({ roles: ['firm', 'municipal'], city: '330100', enterpriseId: 'firm-hz' });
    expect(authorise(submitted(), staff, facts, 'APPROVE')).toEqual({
      ok: false,
      kind: 'forbidden',
      reason: { zh: '您与申报企业存在关联，须回避', en: 'you are related to the applicant firm and must recuse yourself' },
    });
    expect(authorise(submitted(), staff, facts, 'WITHDRAW')).toEqual({ ok: true, role: 'firm' });
    expect(allowedEvents(submitted(), staff, facts, at)).toEqual(['WITHDRAW']);
    // staff of another firm in the same city are not related to this one
    expect(authorise(submitted(), { ...staff, enterpriseId: 'firm-nb' }, facts, 'APPROVE')).toEqual({ ok: true, role: 'municipal' });
  });

  it('refuses a reviewer whose affiliations include the applicant firm itself', () => {
    const related = actor({ roles: ['provincial'], affiliations: [facts.enterpriseUscc] });
    const [atProvincial] = transition(caseMachine, submitted(), { type: 'APPROVE', meta: { at, actorId: 'm1', role: 'municipal' } });
    const [verified] = transition(caseMachine, atProvincial, { type: 'VERIFY_POLICY', meta: { at, actorId: 'ins', role: 'insurer' } });
    expect(authorise(verified, related, facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(verified, actor({ roles: ['provincial'], affiliations: ['91330300MA2BBBBBB2'] }), facts, 'APPROVE')).toEqual({ ok: true, role: 'provincial' });
  });

  it('refuses a second decision by the person who decided the municipal stage', () => {
    const both = actor({ id: 'same', roles: ['municipal', 'provincial'], city: '330100' });
    const [atProvincial] = transition(caseMachine, submitted(), { type: 'APPROVE', meta: { at, actorId: 'same', role: 'municipal' } });
    const [verified] = transition(caseMachine, atProvincial, { type: 'VERIFY_POLICY', meta: { at, actorId: 'ins', role: 'insurer' } });
    expect(authorise(verified, both, facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(verified, actor({ id: 'other', roles: ['provincial'] }), facts, 'APPROVE')).toEqual({ ok: true, role: 'provincial' });
  });

  it('offers the insurer of the policy the verification events only', () => {
    expect(allowedEvents(submitted(), actor({ roles: ['insurer'], insurerId: 'picc' }), facts, at)).toEqual(['VERIFY_POLICY', 'POLICY_MISMATCH']);
    expect(allowedEvents(submitted(), actor({ roles: ['insurer'], insurerId: 'cpic' }), facts, at)).toEqual([]);
  });
});

describe('refusals after the case moved on', () => {
  it('answers "not now" to the city reviewer once the case reached provincial review', () => {
    const [atProvincial] = transition(caseMachine, submitted(), { type: 'APPROVE', meta: { at, actorId: 'm1', role: 'municipal' } });
    expect(authorise(atProvincial, actor({ id: 'm2', roles: ['municipal'], city: '330100' }), facts, 'APPROVE')).toEqual({ ok: false, kind: 'not_now' });
    expect(authorise(atProvincial, actor({ roles: ['firm'], enterpriseId: 'firm-hz' }), facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
  });
});
