import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateNode } from 'xstate';
import { batchMachine, type BatchEvent, type BatchMeta } from '../../workflows/batch/machine';
import { batchClocks } from '../../workflows/batch/clocks';
import { allowedBatchEvents, authorise, permitsOf, type BatchFacts } from '../../workflows/batch/permissions';
import type { Actor } from '../../workflows/case/permissions';
import { defaultClockLengths } from '../../server/engine/clock-kinds';

// The disbursement batch's chart (SPEC §4, §7 "Money routes in detail"), pure: who may send what,
// where each event leads, which effects it names.

const meta = (actorId: string | null, role: BatchMeta['role'] = 'finance'): BatchMeta => ({ at: '2026-12-01T02:00:00.000Z', actorId, role });
const noFacts: BatchFacts = { firmIds: [], firmUsccs: [], firmAffiliations: [] };
const person = (id: string, over: Partial<Actor> = {}): Actor => ({ id, roles: ['finance'], city: null, enterpriseId: null, insurerId: null, affiliations: [], ...over });

function walk(events: BatchEvent[], payments = 2) {
  let [snapshot] = initialTransition(batchMachine, { batchId: 'batch-1', createdBy: 'fin-1', payments });
  const actions: string[][] = [];
  for (const e of events) {
    const [next, acts] = transition(batchMachine, snapshot, e);
    expect(next, `${e.type} changed nothing`).not.toBe(snapshot);
    actions.push(acts.map((a) => (a.params && typeof a.params === 'object' && 'template' in a.params ? `${a.type}:${String(a.params.template)}` : a.type)));
    snapshot = next;
  }
  return { snapshot, actions };
}

const CREATE: BatchEvent = { type: 'CREATE', meta: meta('fin-1') };
const SUBMIT: BatchEvent = { type: 'SUBMIT', meta: meta('fin-1') };
const APPROVE: BatchEvent = { type: 'APPROVE', meta: meta('fin-2') };
const settle = (outstanding: number): BatchEvent => ({ type: 'SETTLE', payments: [{ caseId: 'c', reference: 'R', paidOn: '2026-12-01' }], outstanding, meta: meta('fin-1') });

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

describe('the batch chart', () => {
  it('has no state that uses XState timers (after) or invoked actors, and declares who sends each event', () => {
    const nodes = allNodes(batchMachine.root);
    expect(nodes.filter((n) => n.config.after !== undefined || n.config.invoke !== undefined).map((n) => n.id)).toEqual([]);
    const undeclared = nodes.flatMap((n) => Object.keys(n.config.on ?? {}).filter((type) => !(type in ((n.meta as { may?: object } | undefined)?.may ?? {}))).map((t) => `${n.id}:${t}`));
    expect(undeclared).toEqual([]);
  });

  it('goes draft → submitted → approved → settled, starting the payment clock on approval and stopping it when settled', () => {
    const { snapshot, actions } = walk([CREATE, SUBMIT, APPROVE, settle(0)]);
    expect(snapshot.value).toBe('settled');
    expect(snapshot.status).toBe('done');
    expect(actions).toEqual([[], ['notify:batch.submitted'], ['startClock', 'notify:batch.approved'], ['stopClock']]);
    expect(snapshot.context).toEqual({ batchId: 'batch-1', createdBy: 'fin-1', submittedBy: 'fin-1', approvedBy: 'fin-2', outstanding: 0 });
  });

  it('stays approved, clock running, while payments are outstanding', () => {
    const { snapshot, actions } = walk([CREATE, SUBMIT, APPROVE, settle(1)]);
    expect(snapshot.value).toBe('approved');
    expect(snapshot.context.outstanding).toBe(1);
    expect(actions.at(-1)).toEqual([]);
    expect(walk([CREATE, SUBMIT, APPROVE, settle(1), settle(0)]).snapshot.value).toBe('settled');
  });

  it('goes back to draft when returned, forgetting its submitter, and tells the creator', () => {
    const { snapshot, actions } = walk([CREATE, SUBMIT, { type: 'RETURN', reason: '金额有误', meta: meta('fin-2') }]);
    expect(snapshot.value).toBe('draft');
    expect(snapshot.context.submittedBy).toBeNull();
    expect(actions.at(-1)).toEqual(['notify:batch.returned']);
  });

  it('ends cancelled from draft, and only from draft', () => {
    const cancel: BatchEvent = { type: 'CANCEL', reason: '重复', meta: meta('fin-1') };
    expect(walk([CREATE, cancel]).snapshot.status).toBe('done');
    const submitted = walk([CREATE, SUBMIT]).snapshot;
    expect(transition(batchMachine, submitted, cancel)[0]).toBe(submitted);
    const approved = walk([CREATE, SUBMIT, APPROVE]).snapshot;
    expect(transition(batchMachine, approved, cancel)[0]).toBe(approved);
  });

  it('takes no deadline event: the payment clock only marks the batch overdue', () => {
    const approved = walk([CREATE, SUBMIT, APPROVE]).snapshot;
    expect(transition(batchMachine, approved, { type: 'DEADLINE_EXPIRED', clock: 'payment', meta: meta(null, 'system') })[0]).toBe(approved);
  });

  it('keeps the persisted shape of its version (golden snapshot), and continues it', () => {
    const golden = JSON.parse(readFileSync(new URL('./golden/batch@1.approved.json', import.meta.url), 'utf8'));
    const { snapshot } = walk([CREATE, SUBMIT, APPROVE], 3);
    expect({ value: snapshot.value, context: snapshot.context }).toEqual(golden);
    const [next] = transition(batchMachine, batchMachine.resolveState(golden), settle(0));
    expect(next.value).toBe('settled');
  });

  it('counts its payment clock in calendar days from the round, reminding finance 5 days before and escalating to finance and provincial', () => {
    expect(batchClocks.payment.length(defaultClockLengths)).toBe(30);
    expect(batchClocks.payment).toMatchObject({ unit: 'calendarDays', reminders: [5], remind: ['finance'], onExpiry: 'overdue', escalate: ['finance', 'provincialReviewers'] });
  });
});

describe('who may act on a batch', () => {
  const submitted = () => walk([CREATE, SUBMIT]).snapshot;

  it('lets finance act in each state, as declared', () => {
    expect(permitsOf(walk([CREATE]).snapshot)).toEqual({ SUBMIT: ['finance'], CANCEL: ['finance'] });
    expect(permitsOf(submitted())).toEqual({ APPROVE: ['finance'], RETURN: ['finance'] });
    expect(permitsOf(walk([CREATE, SUBMIT, APPROVE]).snapshot)).toEqual({ SETTLE: ['finance'] });
    expect(permitsOf(walk([CREATE, SUBMIT, APPROVE, settle(0)]).snapshot)).toEqual({});
  });

  it('refuses approval and return by the creator or the submitter: four eyes', () => {
    const creator = authorise(submitted(), person('fin-1'), noFacts, 'APPROVE');
    expect(creator).toMatchObject({ ok: false, kind: 'forbidden', reason: { zh: expect.stringContaining('另一名财务人员'), en: expect.stringContaining('other than the one who created or submitted') } });
    expect(authorise(submitted(), person('fin-1'), noFacts, 'RETURN')).toMatchObject({ ok: false, kind: 'forbidden' });
    // created by fin-1, submitted by fin-3 after a return: neither approves
    const resubmitted = walk([CREATE, SUBMIT, { type: 'RETURN', reason: 'x', meta: meta('fin-2') }, { type: 'SUBMIT', meta: meta('fin-3') }]).snapshot;
    expect(authorise(resubmitted, person('fin-3'), noFacts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(resubmitted, person('fin-1'), noFacts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(resubmitted, person('fin-2'), noFacts, 'APPROVE')).toEqual({ ok: true, role: 'finance' });
  });

  it('refuses anyone related to a member firm, whatever the event', () => {
    const facts: BatchFacts = { firmIds: ['firm-1'], firmUsccs: ['91330100MA27XL0E2Y'], firmAffiliations: ['91330100MA2AFFIL1X'] };
    for (const who of [person('fin-2', { affiliations: ['91330100MA27XL0E2Y'] }), person('fin-2', { affiliations: ['91330100MA2AFFIL1X'] }), person('fin-2', { enterpriseId: 'firm-1' })]) {
      expect(authorise(submitted(), who, facts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden', reason: { en: expect.stringContaining('related') } });
    }
    expect(authorise(submitted(), person('fin-2', { affiliations: ['91330100MA2OTHER9X'] }), facts, 'APPROVE')).toEqual({ ok: true, role: 'finance' });
  });

  it('answers 403 to roles that never act on a batch and 409 to finance in the wrong state', () => {
    expect(authorise(submitted(), person('p', { roles: ['provincial'] }), noFacts, 'APPROVE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(submitted(), person('a', { roles: ['admin'] }), noFacts, 'SETTLE')).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(authorise(submitted(), person('fin-2'), noFacts, 'SETTLE')).toEqual({ ok: false, kind: 'not_now' });
  });

  it('offers each person the events they may send now', () => {
    const at = '2026-12-01T02:00:00.000Z';
    expect(allowedBatchEvents(walk([CREATE]).snapshot, person('fin-1'), noFacts, at)).toEqual(['SUBMIT', 'CANCEL']);
    expect(allowedBatchEvents(submitted(), person('fin-1'), noFacts, at)).toEqual([]);
    expect(allowedBatchEvents(submitted(), person('fin-2'), noFacts, at)).toEqual(['APPROVE', 'RETURN']);
    expect(allowedBatchEvents(submitted(), person('p', { roles: ['provincial'] }), noFacts, at)).toEqual([]);
    expect(allowedBatchEvents(walk([CREATE, SUBMIT, APPROVE]).snapshot, person('fin-1'), noFacts, at)).toEqual(['SETTLE']);
  });
});
