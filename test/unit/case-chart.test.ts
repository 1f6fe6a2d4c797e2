import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { caseMachines, CASE_MACHINE_VERSION } from '../../workflows/case/registry';
import { guardReasons } from '../../workflows/case/setup';
import { permitsOf } from '../../workflows/case/permissions';
import { primaryState } from '../../workflows/case/state';
import type { CaseEvent, EventMeta } from '../../workflows/case/types';

// Every transition of the case chart (SPEC §4) with what it does: the state it reaches, the
// effects it asks for in order, and what it records. The engine executes exactly these effects.
const meta = (role: EventMeta['role'], actorId: string | null = `${role}-1`): EventMeta => ({ at: '2026-05-06T10:00:00.000Z', actorId, role });
const SUBMIT: CaseEvent = { type: 'SUBMIT', meta: meta('firm') };
const M_APPROVE: CaseEvent = { type: 'APPROVE', meta: meta('municipal') };
const M_RETURN: CaseEvent = { type: 'RETURN', reasons: [{ message: '补充材料' }], meta: meta('municipal') };
const VERIFY: CaseEvent = { type: 'VERIFY_POLICY', meta: meta('insurer') };
const P_RETURN: CaseEvent = { type: 'RETURN', reasons: [{ message: '补充保单' }], meta: meta('provincial') };
const RESUBMIT: CaseEvent = { type: 'RESUBMIT', meta: meta('firm') };

function after(events: CaseEvent[]) {
  let snapshot = initialTransition(caseMachine, { caseId: 'case-1' })[0];
  for (const e of events) snapshot = transition(caseMachine, snapshot, e)[0];
  return snapshot;
}

/** The last event's outcome. */
function step(history: CaseEvent[], event: CaseEvent) {
  const before = after(history);
  const [next, actions] = transition(caseMachine, before, event);
  return { unchanged: next === before, value: next.value, status: next.status, context: next.context, effects: actions.map((a) => ({ type: a.type, params: a.params })) };
}

const notify = (template: string, ...to: string[]) => ({ type: 'notify', params: { template, to } });
const clock = (type: string, kind: string) => ({ type, params: { kind } });
const review = (stage: string | Record<string, string>, insurance = 'pendingVerification') => ({ inReview: { review: stage, insurance } });

describe('the case chart, transition by transition', () => {
  it('SUBMIT from draft: municipal review, its clock, the firm and city told, the insurer asked to verify the policy', () => {
    expect(step([], SUBMIT)).toMatchObject({
      value: review('municipal'),
      effects: [clock('startClock', 'municipalReview'), notify('case.submitted', 'firm', 'municipalReviewers'), notify('case.policyToVerify', 'insurer')],
      context: { submissions: 1, decisions: [], returnedFrom: null, policyVerified: false },
    });
  });

  it('WITHDRAW from draft ends the case quietly; from review it stops every clock and tells the city', () => {
    expect(step([], { type: 'WITHDRAW', reason: 'x', meta: meta('firm') })).toMatchObject({ value: 'withdrawn', status: 'done', effects: [] });
    expect(step([SUBMIT, M_RETURN], { type: 'WITHDRAW', reason: 'x', meta: meta('firm') })).toMatchObject({
      value: 'withdrawn',
      status: 'done',
      effects: [
        clock('stopClock', 'municipalReview'),
        clock('stopClock', 'provincialReview'),
        clock('stopClock', 'revision'),
        clock('stopClock', 'objection'),
        notify('case.withdrawn', 'firm', 'municipalReviewers'),
      ],
    });
  });

  it('municipal APPROVE, RETURN and REJECT', () => {
    expect(step([SUBMIT], M_APPROVE)).toMatchObject({
      value: review('provincial'),
      effects: [clock('stopClock', 'municipalReview'), clock('startClock', 'provincialReview'), notify('case.municipalApproved', 'firm', 'provincialReviewers')],
      context: { decisions: [{ stage: 'municipal', actorId: 'municipal-1', decision: 'APPROVE', at: '2026-05-06T10:00:00.000Z' }] },
    });
    expect(step([SUBMIT], M_RETURN)).toMatchObject({
      value: review('revision'),
      effects: [clock('pauseClock', 'municipalReview'), clock('startClock', 'revision'), notify('case.returned', 'firm')],
      context: { returnedFrom: 'municipal', decisions: [{ stage: 'municipal', decision: 'RETURN' }] },
    });
    expect(step([SUBMIT], { type: 'REJECT', reason: 'x', meta: meta('municipal') })).toMatchObject({
      value: 'rejected',
      status: 'done',
      effects: [clock('stopClock', 'municipalReview'), notify('case.rejected', 'firm')],
      context: { decisions: [{ stage: 'municipal', actorId: 'municipal-1', decision: 'REJECT' }] },
    });
  });

  it('provincial APPROVE once verified, RETURN and REJECT', () => {
    expect(step([SUBMIT, M_APPROVE], { type: 'APPROVE', meta: meta('provincial') }).unchanged).toBe(true);
    expect(step([SUBMIT, M_APPROVE, VERIFY], { type: 'APPROVE', meta: meta('provincial') })).toMatchObject({
      value: review({ expert: 'assigning' }, 'verified'),
      effects: [clock('stopClock', 'provincialReview'), notify('case.provincialApproved', 'firm')],
      context: { decisions: [{ stage: 'municipal' }, { stage: 'provincial', actorId: 'provincial-1', decision: 'APPROVE' }] },
    });
    expect(step([SUBMIT, M_APPROVE], P_RETURN)).toMatchObject({
      value: review('revision'),
      effects: [clock('pauseClock', 'provincialReview'), clock('startClock', 'revision'), notify('case.returned', 'firm')],
      context: { returnedFrom: 'provincial', decisions: [{ stage: 'municipal' }, { stage: 'provincial', actorId: 'provincial-1', decision: 'RETURN' }] },
    });
    expect(step([SUBMIT, M_APPROVE], { type: 'REJECT', reason: 'x', meta: meta('provincial') })).toMatchObject({
      value: 'rejected',
      effects: [clock('stopClock', 'provincialReview'), notify('case.rejected', 'firm')],
      context: { decisions: [{ stage: 'municipal' }, { stage: 'provincial', decision: 'REJECT' }] },
    });
  });

  it('RESUBMIT goes back to the stage that returned the case, resuming its clock', () => {
    expect(step([SUBMIT, M_RETURN], RESUBMIT)).toMatchObject({
      value: review('municipal'),
      effects: [clock('stopClock', 'revision'), clock('resumeClock', 'municipalReview'), notify('case.resubmitted', 'firm', 'municipalReviewers')],
      context: { returnedFrom: null, submissions: 2 },
    });
    expect(step([SUBMIT, M_APPROVE, P_RETURN], RESUBMIT)).toMatchObject({
      value: review('provincial'),
      effects: [clock('stopClock', 'revision'), clock('resumeClock', 'provincialReview'), notify('case.resubmitted', 'firm', 'provincialReviewers')],
      context: { returnedFrom: null, submissions: 2 },
    });
    expect(step([SUBMIT, M_RETURN, RESUBMIT, M_RETURN], RESUBMIT).context.submissions).toBe(3);
  });

  it('lapses when the revision period expires, ending the paused review clocks', () => {
    expect(step([SUBMIT, M_RETURN], { type: 'DEADLINE_EXPIRED', clock: 'revision', meta: meta('system', null) })).toMatchObject({
      value: 'lapsed',
      status: 'done',
      effects: [clock('stopClock', 'municipalReview'), clock('stopClock', 'provincialReview'), notify('case.lapsed', 'firm')],
    });
    expect(step([SUBMIT, M_RETURN], { type: 'DEADLINE_EXPIRED', clock: 'provincialReview', meta: meta('system', null) }).unchanged).toBe(true);
  });

  it("the insurer's region: verified, mismatch, and back to pending", () => {
    expect(step([SUBMIT], VERIFY)).toMatchObject({ value: review('municipal', 'verified'), effects: [notify('case.policyVerified', 'firm')], context: { policyVerified: true } });
    const mismatch: CaseEvent = { type: 'POLICY_MISMATCH', reason: '保费不符', meta: meta('insurer') };
    expect(step([SUBMIT], mismatch)).toMatchObject({
      value: review('municipal', 'mismatch'),
      effects: [notify('case.policyMismatch', 'firm', 'municipalReviewers', 'provincialReviewers')],
      context: { policyVerified: false },
    });
    // a resubmission after a mismatch asks the insurer again, whatever the firm says it changed
    expect(step([SUBMIT, mismatch, M_RETURN], RESUBMIT)).toMatchObject({ value: review('municipal', 'pendingVerification') });
    expect(step([SUBMIT, mismatch, M_RETURN], { ...RESUBMIT, policyChanged: false } as CaseEvent).value).toEqual(review('municipal', 'pendingVerification'));
  });

  it('keeps a verification through a resubmission that did not change the policy', () => {
    expect(step([SUBMIT, VERIFY, M_RETURN], RESUBMIT)).toMatchObject({ value: review('municipal', 'verified'), context: { policyVerified: true } });
    expect(step([SUBMIT, VERIFY, M_RETURN], { type: 'RESUBMIT', policyChanged: true, meta: meta('firm') })).toMatchObject({
      value: review('municipal', 'pendingVerification'),
      effects: [clock('stopClock', 'revision'), clock('resumeClock', 'municipalReview'), notify('case.resubmitted', 'firm', 'municipalReviewers'), notify('case.policyChanged', 'insurer')],
      context: { policyVerified: false },
    });
  });

  it('records a decision only for a person, not for an event without an actor', () => {
    expect(step([SUBMIT], { type: 'APPROVE', meta: meta('municipal', null) }).context.decisions).toEqual([]);
  });

  it('ends in three final states that take no further event', () => {
    for (const [history, state] of [[[{ type: 'WITHDRAW', reason: 'x', meta: meta('firm') }], 'withdrawn'], [[SUBMIT, { type: 'REJECT', reason: 'x', meta: meta('municipal') }], 'rejected']] as const) {
      const end = after([...history]);
      expect(end.value).toBe(state);
      expect(end.status).toBe('done');
      expect(transition(caseMachine, end, RESUBMIT)[0]).toBe(end);
    }
  });
});

describe('who may send what, state by state (the meta.may of the chart)', () => {
  it('declares the senders of each state', () => {
    expect(permitsOf(after([]))).toEqual({ SUBMIT: ['firm'], WITHDRAW: ['firm'] });
    expect(permitsOf(after([SUBMIT]))).toEqual({
      WITHDRAW: ['firm'],
      APPROVE: ['municipal'],
      RETURN: ['municipal'],
      REJECT: ['municipal'],
      VERIFY_POLICY: ['insurer'],
      POLICY_MISMATCH: ['insurer'],
    });
    expect(permitsOf(after([SUBMIT, M_APPROVE, VERIFY]))).toEqual({ WITHDRAW: ['firm'], APPROVE: ['provincial'], RETURN: ['provincial'], REJECT: ['provincial'] });
    expect(permitsOf(after([SUBMIT, M_RETURN]))).toEqual({
      WITHDRAW: ['firm'],
      RESUBMIT: ['firm'],
      DEADLINE_EXPIRED: ['system'],
      VERIFY_POLICY: ['insurer'],
      POLICY_MISMATCH: ['insurer'],
    });
    expect(permitsOf(after([{ type: 'WITHDRAW', reason: 'x', meta: meta('firm') }]))).toEqual({});
  });

  it('explains the policy-verified guard in both languages', () => {
    expect(Object.keys(guardReasons).sort()).toEqual([
      'acceptedByMe',
      'assignedToMe',
      'declaresNoConflict',
      'enoughExperts',
      'fromItsBatch',
      'fromItsNotice',
      'namesOpenObjection',
      'newReduction',
      'openForMe',
      'policyVerified',
      'replacesOpenAssignment',
    ]);
    expect(guardReasons.policyVerified).toEqual({ zh: '保险公司尚未核验保单和保费发票', en: 'the insurer has not yet verified the policy and premium receipt' });
    for (const [name, words] of Object.entries(guardReasons)) {
      expect(words.zh, name).toMatch(/[\u4e00-\u9fff]/);
      expect(words.en, name).toMatch(/^[a-z]/);
    }
  });
});

describe('the state a list filters on', () => {
  it('is the review stage while in review and the top-level state otherwise', () => {
    expect(primaryState(after([SUBMIT, M_RETURN]).value)).toBe('revision');
    expect(primaryState('lapsed')).toBe('lapsed');
    expect(primaryState({ inReview: { insurance: 'verified' } })).toBe('inReview');
    expect(primaryState({ inReview: 'expert' })).toBe('inReview');
    expect(primaryState({ archived: { year: '2026' } })).toBe('archived');
    expect(primaryState({})).toBe('unknown');
  });
});

describe('the machine registry', () => {
  it('serves the current chart under its version', () => {
    expect(CASE_MACHINE_VERSION).toBe('case@3');
    expect(caseMachines).toEqual({ 'case@3': caseMachine });
  });
});
