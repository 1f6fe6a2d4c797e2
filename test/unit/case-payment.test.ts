import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { caseMachine } from '../../workflows/case/machine';
import type { CaseContext, CaseEvent, EventMeta } from '../../workflows/case/types';
import { yearsAfter } from '../../server/cases/subsidy';

// The money stage of the case chart (SPEC §4): every payment event comes from the batch that holds
// the case, and from no other; and the ban a recovery sets, counted in calendar years.
const system: EventMeta = { at: '2026-12-01T02:00:00.000Z', actorId: null, role: 'system' };
const OURS = '00000000-0000-4000-8000-0000000000c1';
const OTHER = '00000000-0000-4000-8000-0000000000c2';

const context: CaseContext = { caseId: 'case-1', experts: [], expertReview: null, decisions: [], returnedFrom: null, policyVerified: true, submissions: 1, batchId: OURS };
const paymentApproved = () => caseMachine.resolveState({ value: { approved: 'paymentApproved' }, context });
const batched = () => caseMachine.resolveState({ value: { approved: 'batched' }, context });

const paid = (batchId: string): CaseEvent => ({ type: 'PAID', batchId, paymentId: 'P-1', reference: 'REF-1', paidOn: '2026-12-01', meta: system });
const failed = (batchId: string): CaseEvent => ({ type: 'PAYMENT_FAILED', batchId, paymentId: 'P-1', failure: '账户已销户', meta: system });

describe('a case held by a batch', () => {
  it('is approved for payment only by the batch that holds it', () => {
    const before = batched();
    expect(transition(caseMachine, before, { type: 'BATCH_APPROVED', batchId: OTHER, meta: system })[0]).toBe(before);
    const [approved] = transition(caseMachine, before, { type: 'BATCH_APPROVED', batchId: OURS, meta: system });
    expect(approved.value).toEqual({ approved: 'paymentApproved' });
    expect(approved.context.batchId).toBe(OURS);
  });

  it('is taken out only by the batch that holds it, and is then out of it', () => {
    const before = batched();
    expect(transition(caseMachine, before, { type: 'UNBATCHED', batchId: OTHER, meta: system })[0]).toBe(before);
    const [back] = transition(caseMachine, before, { type: 'UNBATCHED', batchId: OURS, meta: system });
    expect(back.value).toEqual({ approved: 'calculated' });
    expect(back.context.batchId).toBeNull();
  });
});

describe('a payment settled by its batch', () => {
  it('is paid only by the batch that holds the case', () => {
    const before = paymentApproved();
    expect(transition(caseMachine, before, paid(OTHER))[0]).toBe(before);
    expect(transition(caseMachine, before, paid(OURS))[0].value).toEqual({ approved: 'paid' });
  });

  it('fails only from the batch that holds the case, and is then out of it', () => {
    const before = paymentApproved();
    expect(transition(caseMachine, before, failed(OTHER))[0]).toBe(before);
    const [back] = transition(caseMachine, before, failed(OURS));
    expect(back.value).toEqual({ approved: 'calculated' });
    expect(back.context.batchId).toBeNull();
  });
});

describe('yearsAfter, the end of a ban', () => {
  it('keeps the month and day', () => {
    expect(yearsAfter('2026-12-01', 3)).toBe('2029-12-01');
    expect(yearsAfter('2026-01-31', 2)).toBe('2028-01-31');
  });

  it('keeps 29 February when the target year is a leap year, century rule included', () => {
    expect(yearsAfter('2024-02-29', 4)).toBe('2028-02-29');
    expect(yearsAfter('1996-02-29', 4)).toBe('2000-02-29');
  });

  it('falls to 28 February when the target year is not a leap year, 2100 included', () => {
    expect(yearsAfter('2024-02-29', 3)).toBe('2027-02-28');
    expect(yearsAfter('2096-02-29', 4)).toBe('2100-02-28');
  });
});
