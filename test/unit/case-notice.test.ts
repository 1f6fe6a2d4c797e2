import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { allowedEvents, permitsOf } from '../../workflows/case/permissions';
import type { CaseContext, CaseEvent, EventMeta } from '../../workflows/case/types';

// The notice and objection states of the case chart (SPEC §4): what each event does from each
// state, starting from a case that passed the expert review with its policy verified.
const at = '2026-09-30T10:00:00.000Z';
const system: EventMeta = { at, actorId: null, role: 'system' };
const provincial: EventMeta = { at, actorId: 'provincial-1', role: 'provincial' };
const NOTICE = '00000000-0000-4000-8000-000000000001';
const OTHER_NOTICE = '00000000-0000-4000-8000-000000000002';
const O1 = '00000000-0000-4000-8000-0000000000a1';
const O2 = '00000000-0000-4000-8000-0000000000a2';

const context: CaseContext = { caseId: 'case-1', experts: [], expertReview: null, decisions: [], returnedFrom: null, policyVerified: true, submissions: 1 };
const awaiting = () => caseMachine.resolveState({ value: { inReview: { review: 'awaitingNotice', insurance: 'verified' } }, context });

const opened: CaseEvent = { type: 'NOTICE_OPENED', noticeId: NOTICE, meta: system };
const closed: CaseEvent = { type: 'NOTICE_CLOSED', noticeId: NOTICE, meta: system };
const objection = (objectionId: string): CaseEvent => ({ type: 'OBJECTION', objectionId, meta: system });
const resolve = (objectionId: string, outcome: 'upheld' | 'dismissed'): CaseEvent => ({ type: 'RESOLVE_OBJECTION', objectionId, outcome, reason: '经核实', meta: provincial });
const clear = { noticeOutcomeZh: '公示期满无异议', noticeOutcomeEn: 'The public notice ended without objection' };
const afterObjections = { noticeOutcomeZh: '公示期满，公示期间收到的异议经核实不成立', noticeOutcomeEn: 'The public notice ended and the objections to it were dismissed' };
const approvedMail = (vars: Record<string, string>) => ({ type: 'notify', params: { template: 'case.approved', to: ['firm', 'finance'], vars } });
const unverified = () => caseMachine.resolveState({ value: { inReview: { review: 'awaitingNotice', insurance: 'pendingVerification' } }, context: { ...context, policyVerified: false } });

function run(events: CaseEvent[]) {
  let snapshot = awaiting();
  let effects: { type: string; params: unknown }[] = [];
  for (const e of events) {
    const [next, actions] = transition(caseMachine, snapshot, e);
    snapshot = next;
    effects = actions.map((a) => ({ type: a.type, params: a.params }));
  }
  return { snapshot, effects, review: (snapshot.value as { inReview?: { review?: string } }).inReview?.review ?? snapshot.value };
}

describe('the public notice on the case chart', () => {
  it('opens on NOTICE_OPENED, which only the system may send', () => {
    expect(permitsOf(awaiting())).toMatchObject({ NOTICE_OPENED: ['system'] });
    const { review, snapshot } = run([opened]);
    expect(review).toBe('notice');
    expect(snapshot.context.notice).toEqual({ id: NOTICE, ended: false, openObjections: [] });
  });

  it('passes the review when its own notice closes, and the case is approved with the policy verified: one email, the approval', () => {
    const { snapshot, effects } = run([opened, closed]);
    expect(snapshot.value).toEqual({ approved: 'calculated' });
    // entering approved tells the firm and finance; no renewal clock for a context without the policy end
    expect(effects).toEqual([approvedMail(clear)]);
  });

  it('tells the firm the notice passed and waits in reviewApproved for the insurer when the policy is not yet verified', () => {
    const [onNotice] = transition(caseMachine, unverified(), opened);
    const [passed, passing] = transition(caseMachine, onNotice, closed);
    expect(passed.value).toEqual({ inReview: { review: 'reviewApproved', insurance: 'pendingVerification' } });
    expect(passing.map((a) => ({ type: a.type, params: a.params }))).toEqual([{ type: 'notify', params: { template: 'case.noticePassed', to: ['firm'] } }]);
    const [verified, verifying] = transition(caseMachine, passed, { type: 'VERIFY_POLICY', meta: { ...provincial, role: 'insurer' } });
    expect(verified.value).toEqual({ approved: 'calculated' });
    expect(verifying.map((a) => ({ type: a.type, params: a.params }))).toEqual([
      { type: 'notify', params: { template: 'case.policyVerified', to: ['firm'] } },
      approvedMail(clear),
    ]);
  });

  it('tells the firm the notice passed when the last objection is dismissed after the period while the insurer has still to verify', () => {
    let snapshot = unverified();
    let effects: { type: string; params: unknown }[] = [];
    for (const e of [opened, objection(O1), closed, resolve(O1, 'dismissed')]) {
      const [next, actions] = transition(caseMachine, snapshot, e);
      snapshot = next;
      effects = actions.map((a) => ({ type: a.type, params: a.params }));
    }
    expect(snapshot.value).toEqual({ inReview: { review: 'reviewApproved', insurance: 'pendingVerification' } });
    expect(effects).toEqual([
      { type: 'stopClock', params: { kind: 'objection' } },
      { type: 'notify', params: { template: 'case.noticePassed', to: ['firm'] } },
    ]);
    const [, verifying] = transition(caseMachine, snapshot, { type: 'VERIFY_POLICY', meta: { ...provincial, role: 'insurer' } });
    expect(verifying.map((a) => a.params)).toContainEqual(approvedMail(afterObjections).params);
  });

  it("ignores another notice's closing", () => {
    const before = run([opened]).snapshot;
    expect(transition(caseMachine, before, { ...closed, noticeId: OTHER_NOTICE })[0]).toBe(before);
  });

  it('is held by an objection: its clock starts and the provincial reviewers are told', () => {
    const { review, effects, snapshot } = run([opened, objection(O1)]);
    expect(review).toBe('objection');
    expect(effects).toEqual([
      { type: 'startClock', params: { kind: 'objection' } },
      { type: 'notify', params: { template: 'case.objection', to: ['provincialReviewers'] } },
    ]);
    expect(snapshot.context.notice?.openObjections).toEqual([O1]);
    expect(permitsOf(snapshot)).toMatchObject({ RESOLVE_OBJECTION: ['provincial'], OBJECTION: ['system'], NOTICE_CLOSED: ['system'] });
  });

  it('keeps the one resolution clock of its first objection when another objection comes, and tells the provincial reviewers again', () => {
    const { review, effects, snapshot } = run([opened, objection(O1), objection(O2)]);
    expect(review).toBe('objection');
    expect(effects).toEqual([{ type: 'notify', params: { template: 'case.objection', to: ['provincialReviewers'] } }]);
    expect(snapshot.context.notice?.openObjections).toEqual([O1, O2]);
  });

  it('goes back on notice when the objection is dismissed before the period ends', () => {
    const { review, effects, snapshot } = run([opened, objection(O1), resolve(O1, 'dismissed')]);
    expect(review).toBe('notice');
    expect(effects).toEqual([{ type: 'stopClock', params: { kind: 'objection' } }]);
    expect(snapshot.context.notice).toEqual({ id: NOTICE, ended: false, openObjections: [], dismissed: 1 });
  });

  it('remembers that the period ended meanwhile, and passes when the objection is then dismissed', () => {
    const held = run([opened, objection(O1), closed]);
    expect(held.review).toBe('objection');
    expect(held.snapshot.context.notice?.ended).toBe(true);
    const { snapshot, effects } = run([opened, objection(O1), closed, resolve(O1, 'dismissed')]);
    expect(snapshot.value).toEqual({ approved: 'calculated' });
    expect(effects).toEqual([{ type: 'stopClock', params: { kind: 'objection' } }, approvedMail(afterObjections)]);
  });

  it('is rejected when an objection is upheld, its clock stopped and the firm told', () => {
    const { snapshot, effects } = run([opened, objection(O1), objection(O2), resolve(O2, 'upheld')]);
    expect(snapshot.value).toBe('rejected');
    expect(effects).toEqual([
      { type: 'stopClock', params: { kind: 'objection' } },
      { type: 'notify', params: { template: 'case.rejected', to: ['firm'] } },
    ]);
  });

  it('leaves the objection state only when the last open objection is resolved', () => {
    const first = run([opened, objection(O1), objection(O2), resolve(O1, 'dismissed')]);
    expect(first.review).toBe('objection');
    expect(first.effects).toEqual([]);
    expect(first.snapshot.context.notice?.openObjections).toEqual([O2]);
    expect(run([opened, objection(O1), objection(O2), resolve(O1, 'dismissed'), resolve(O2, 'dismissed')]).review).toBe('notice');
  });

  it('refuses to resolve an objection that is not open on the case', () => {
    const held = run([opened, objection(O1)]).snapshot;
    expect(transition(caseMachine, held, resolve(O2, 'dismissed'))[0]).toBe(held);
    const resolved = run([opened, objection(O1), objection(O2), resolve(O1, 'dismissed')]).snapshot;
    expect(transition(caseMachine, resolved, resolve(O1, 'upheld'))[0]).toBe(resolved);
  });

  it('offers the provincial reviewer RESOLVE_OBJECTION while an objection is open', () => {
    const actor = { id: 'provincial-1', roles: ['provincial' as const], city: null, enterpriseId: null, insurerId: null, affiliations: [] };
    const facts = { enterpriseId: 'f', enterpriseUscc: 'u', enterpriseAffiliations: [], city: '330100', insurerId: null, submitted: true, assignedExpertIds: [], approved: false };
    expect(allowedEvents(run([opened, objection(O1)]).snapshot, actor, facts, at)).toEqual(['RESOLVE_OBJECTION']);
    expect(allowedEvents(run([opened]).snapshot, actor, facts, at)).toEqual([]);
  });

  it('stops the objection clock when the firm withdraws a held case', () => {
    const { snapshot, effects } = run([opened, objection(O1), { type: 'WITHDRAW', reason: '撤回', meta: { ...system, role: 'firm', actorId: 'firm-1' } }]);
    expect(snapshot.value).toBe('withdrawn');
    expect(effects).toContainEqual({ type: 'stopClock', params: { kind: 'objection' } });
  });
});
