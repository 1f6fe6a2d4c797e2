import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import { permitsOf } from '../../workflows/case/permissions';
import type { CaseContext, CaseEvent, EventMeta } from '../../workflows/case/types';

// SUBSIDY_REDUCED on the case chart (SPEC §6 按比例核减): the amount is the service's; the machine
// records which approved proposal reduced the case and has the firm told, once per proposal.
const system: EventMeta = { at: '2026-12-01T02:00:00.000Z', actorId: null, role: 'system' };
const P1 = '00000000-0000-4000-8000-0000000000b1';
const P2 = '00000000-0000-4000-8000-0000000000b2';
const BATCH = '00000000-0000-4000-8000-0000000000c1';

const context: CaseContext = { caseId: 'case-1', experts: [], expertReview: null, decisions: [], returnedFrom: null, policyVerified: true, submissions: 1, batchId: null };
const calculated = () => caseMachine.resolveState({ value: { approved: 'calculated' }, context });
const reduced = (proposalId: string): CaseEvent => ({ type: 'SUBSIDY_REDUCED', proposalId, before: '1000.00', after: '666.67', meta: system });

describe('SUBSIDY_REDUCED', () => {
  it('is the system’s to send while the case is calculated', () => {
    expect(permitsOf(calculated())).toMatchObject({ SUBSIDY_REDUCED: ['system'] });
  });

  it('records the proposal, stays calculated, and tells the firm', () => {
    const before = calculated();
    const [next, actions] = transition(caseMachine, before, reduced(P1));
    expect(next).not.toBe(before);
    expect(next.value).toEqual({ approved: 'calculated' });
    expect(next.context.reductions).toEqual([P1]);
    expect(actions.map((a) => ({ type: a.type, params: a.params }))).toEqual([{ type: 'notify', params: { template: 'case.subsidyReduced', to: ['firm'] } }]);
  });

  it('refuses the same proposal twice and takes a later one', () => {
    const [once] = transition(caseMachine, calculated(), reduced(P1));
    const [again, actions] = transition(caseMachine, once, reduced(P1));
    expect(again).toBe(once);
    expect(actions).toEqual([]);
    const [later] = transition(caseMachine, once, reduced(P2));
    expect(later.context.reductions).toEqual([P1, P2]);
  });

  it('is not accepted once the case is in a batch', () => {
    const [batched] = transition(caseMachine, calculated(), { type: 'BATCHED', batchId: BATCH, meta: system });
    expect(batched.value).toEqual({ approved: 'batched' });
    expect(permitsOf(batched)).not.toHaveProperty('SUBSIDY_REDUCED');
    expect(transition(caseMachine, batched, reduced(P1))[0]).toBe(batched);
  });
});
