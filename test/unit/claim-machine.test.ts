import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMachine, initialTransition, transition, type AnyStateNode, type StateValue } from 'xstate';
import { claimMachine, CLAIM_MACHINE_VERSION, type ClaimEvent, type ClaimMeta } from '../../workflows/claim/machine';
import { caseIsApproved } from '../../server/claims/case-approved';
import { occurrenceProblems } from '../../server/claims/report';
import { CASE_MACHINE_VERSION } from '../../workflows/case/machine';

// The claim chart (SPEC §4): reported by the firm, then paid or denied by the insurer, and nothing after.
const CLAIM = '00000000-0000-4000-8000-0000000000c1';
const CASE = '00000000-0000-4000-8000-0000000000a1';
const meta = (role: ClaimMeta['role']): ClaimMeta => ({ at: '2026-11-02T02:00:00.000Z', actorId: `${role}-1`, role });
const report: ClaimEvent = { type: 'REPORT', occurredOn: '2026-10-20', kind: 'quality', amount: '120000.00', description: '批次晶圆表面缺陷', meta: meta('firm') };
const pay: ClaimEvent = { type: 'PAY', amount: '100000.00', reference: 'PICC-LP-0001', meta: meta('insurer') };
const deny: ClaimEvent = { type: 'DENY', reason: '不属于保险责任', meta: meta('insurer') };

function run(events: ClaimEvent[]) {
  let [snapshot] = initialTransition(claimMachine, { claimId: CLAIM, caseId: CASE });
  let effects: { type: string; params: unknown }[] = [];
  for (const e of events) {
    const [next, actions] = transition(claimMachine, snapshot, e);
    snapshot = next;
    effects = actions.map((a) => ({ type: a.type, params: a.params }));
  }
  return { snapshot, effects };
}

const allNodes = (node: AnyStateNode): AnyStateNode[] => [node, ...Object.values(node.states).flatMap(allNodes)];

describe('claim machine structure', () => {
  it('has no state that uses XState timers (after) or invoked actors', () => {
    const offenders = allNodes(claimMachine.root).filter((n) => n.config.after !== undefined || n.config.invoke !== undefined);
    expect(offenders.map((n) => n.id)).toEqual([]);
  });

  it('declares who may send each event it handles, and no other', () => {
    for (const node of allNodes(claimMachine.root)) {
      const may = (node.meta as { may?: Record<string, unknown> } | undefined)?.may ?? {};
      expect(Object.keys(may).sort(), node.id).toEqual(Object.keys(node.config.on ?? {}).sort());
    }
  });

  const golden = JSON.parse(readFileSync(new URL('./golden/claim@1.reported.json', import.meta.url), 'utf8'));
  it('keeps the persisted shape of its version (golden snapshot), and continues it', () => {
    const { snapshot } = run([report]);
    expect(CLAIM_MACHINE_VERSION).toBe('claim@1');
    expect({ value: snapshot.value, context: snapshot.context }).toEqual(golden);
    const [next] = transition(claimMachine, claimMachine.resolveState(golden), pay);
    expect(next.value).toBe('paid');
  });
});

describe('claim machine transitions', () => {
  it('is reported on REPORT and tells the insurer', () => {
    const { snapshot, effects } = run([report]);
    expect(snapshot.value).toBe('reported');
    expect(effects).toEqual([{ type: 'notify', params: { template: 'claim.reported', to: ['insurer'] } }]);
  });

  it('ends paid on PAY or denied on DENY, telling the firm', () => {
    const paid = run([report, pay]);
    expect([paid.snapshot.value, paid.snapshot.status]).toEqual(['paid', 'done']);
    expect(paid.effects).toEqual([{ type: 'notify', params: { template: 'claim.paid', to: ['firm'] } }]);
    const denied = run([report, deny]);
    expect([denied.snapshot.value, denied.snapshot.status]).toEqual(['denied', 'done']);
    expect(denied.effects).toEqual([{ type: 'notify', params: { template: 'claim.denied', to: ['firm'] } }]);
  });

  it('takes no decision before the report, and no second decision after one', () => {
    expect(run([pay]).snapshot.value).toBe('new');
    for (const [first, second] of [
      [pay, deny],
      [deny, pay],
      [pay, pay],
    ] as const) {
      const { snapshot, effects } = run([report, first, second]);
      expect(snapshot.value).toBe(first.type === 'PAY' ? 'paid' : 'denied');
      expect(effects).toEqual([]);
    }
  });

  it('offers the decision to the insurer only, and only while reported', () => {
    const { snapshot } = run([report]);
    expect(snapshot.getMeta()['claim.reported']).toMatchObject({ may: { PAY: ['insurer'], DENY: ['insurer'] } });
    expect(Object.values(run([report, pay]).snapshot.getMeta()).every((m) => m === undefined || !('may' in m))).toBe(true);
  });
});

describe('the approved check on the case', () => {
  const row = (value: StateValue) => ({ machineVersion: CASE_MACHINE_VERSION, snapshot: { value, context: { caseId: CASE, experts: [], expertReview: null, decisions: [], returnedFrom: null, policyVerified: true, submissions: 1 } } });

  it('holds for the approved state of the chart', () => {
    expect(caseIsApproved(row('approved'))).toBe(true);
  });

  it('holds inside approved once it has children, and not in the recovery after it', () => {
    // the chart the subsidy stage is bringing (SPEC §4), as a stand-in version beside the real one
    const later = createMachine({
      id: 'case',
      initial: 'approved',
      states: {
        approved: { initial: 'calculated', states: { calculated: {}, batched: {}, paymentApproved: {}, paid: {} } },
        recovery: {},
        recovered: { type: 'final' },
      },
    });
    const machines = { 'case@later': later };
    const at = (value: StateValue) => ({ machineVersion: 'case@later', snapshot: { value, context: {} } });
    for (const step of ['calculated', 'batched', 'paymentApproved', 'paid']) expect(caseIsApproved(at({ approved: step }), machines), step).toBe(true);
    expect(caseIsApproved(at('recovery'), machines)).toBe(false);
    expect(caseIsApproved(at('recovered'), machines)).toBe(false);
  });

  it('does not hold before approval nor after a dead end', () => {
    expect(caseIsApproved(row({ inReview: { review: 'notice', insurance: 'verified' } }))).toBe(false);
    expect(caseIsApproved(row('draft'))).toBe(false);
    expect(caseIsApproved(row('rejected'))).toBe(false);
  });
});

describe('when the loss happened', () => {
  const policy = { startsOn: '2026-04-01', endsOn: '2027-03-31' };
  const today = '2026-12-06';
  const codes = (on: string, p: Partial<typeof policy> = policy) => occurrenceProblems(on, p, today).map((e) => e.code);

  it('accepts the first and the last day of the policy, and today', () => {
    expect(codes('2026-04-01')).toEqual([]);
    expect(codes('2026-12-06')).toEqual([]);
    expect(codes('2026-12-05', { startsOn: '2025-12-06', endsOn: '2026-12-05' })).toEqual([]);
  });

  it('refuses a day before the policy, after it, or after today', () => {
    expect(codes('2026-03-31')).toEqual(['claim.beforePolicy']);
    expect(codes('2026-12-06', { startsOn: '2025-12-06', endsOn: '2026-12-05' })).toEqual(['claim.afterPolicy']);
    expect(codes('2026-12-07')).toEqual(['claim.future']);
  });

  it('words the days as the pages do, in each language', () => {
    expect(occurrenceProblems('2026-12-07', policy, today)[0]).toMatchObject({ message: 'the loss cannot have happened after today (6 Dec 2026)', messageZh: '出险日期不能晚于今天（2026年12月6日）' });
    expect(occurrenceProblems('2026-03-31', policy, today)[0]).toMatchObject({ message: 'the policy starts on 1 Apr 2026: the loss happened before it', messageZh: '保单自 2026年4月1日 起生效，出险日期早于保险期间' });
  });

  it('refuses any day when the policy has no dates', () => {
    expect(codes('2026-10-01', {})).toEqual(['claim.beforePolicy']);
    expect(codes('2026-10-01', { startsOn: '2026-04-01' })).toEqual(['claim.afterPolicy']);
  });
});
