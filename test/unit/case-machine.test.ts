import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateNode } from 'xstate';
import { caseMachine, CASE_MACHINE_VERSION } from '../../workflows/case/machine';
import type { CaseEvent, EventMeta } from '../../workflows/case/types';

const meta = (role: EventMeta['role'], actorId = `${role}-1`): EventMeta => ({ at: '2026-05-06T10:00:00.000Z', actorId, role });
const start = () => initialTransition(caseMachine, { caseId: 'case-1' })[0];

function run(events: CaseEvent[]) {
  let snapshot = start();
  const actions: { type: string; params: unknown }[][] = [];
  for (const e of events) {
    const [next, acts] = transition(caseMachine, snapshot, e);
    snapshot = next;
    actions.push(acts.map((a) => ({ type: a.type, params: a.params })));
  }
  return { snapshot, actions };
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

describe('case machine structure', () => {
  it('has no state that uses XState timers (after) or invoked actors', () => {
    const offenders = allNodes(caseMachine.root).filter((n) => n.config.after !== undefined || n.config.invoke !== undefined);
    expect(offenders.map((n) => n.id)).toEqual([]);
  });

  it('declares who may send each event it handles', () => {
    const undeclared: string[] = [];
    for (const node of allNodes(caseMachine.root)) {
      const may = (node.meta as { may?: Record<string, unknown> } | undefined)?.may ?? {};
      for (const type of Object.keys(node.config.on ?? {})) {
        // the insurance region's mismatch and verified states follow the review region's RESUBMIT
        const follows = node.id === 'case.inReview.insurance.mismatch' || node.id === 'case.inReview.insurance.verified';
        if (!(type in may) && !follows) undeclared.push(`${node.id}:${type}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  // Cases finish on the version they started with: a change that alters this shape needs a new version.
  const golden = JSON.parse(readFileSync(new URL('./golden/case@3.revision.json', import.meta.url), 'utf8'));
  const retired2 = JSON.parse(readFileSync(new URL('./golden/case@2.revision.json', import.meta.url), 'utf8'));
  const retired = JSON.parse(readFileSync(new URL('./golden/case@1.revision.json', import.meta.url), 'utf8'));

  it('keeps the persisted shape of its version (golden snapshot)', () => {
    const { snapshot } = run([
      { type: 'SUBMIT', policyEndsOn: '2027-03-31', meta: meta('firm') },
      { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '金额不符' }], meta: meta('municipal') },
    ]);
    expect(CASE_MACHINE_VERSION).toBe('case@3');
    expect({ value: snapshot.value, context: snapshot.context }).toEqual(golden);
  });

  it('reads a retired case@1 snapshot as migration 0016 leaves it: the two new context fields added, nothing else', () => {
    const migrated = { ...retired, context: { ...retired.context, experts: [], expertReview: null } };
    expect(migrated).toEqual(retired2);
  });

  it('reads a retired case@2 snapshot as migration 0020 leaves it: the policy end and the batch added, nothing else', () => {
    const migrated = { ...retired2, context: { ...retired2.context, policyEndsOn: '2027-03-31', batchId: null } };
    expect(migrated).toEqual(golden);
    expect(caseMachine.resolveState(migrated).value).toEqual(retired2.value);
  });

  it('continues a golden snapshot of its version', () => {
    const [next] = transition(caseMachine, caseMachine.resolveState(golden), { type: 'RESUBMIT', meta: meta('firm') });
    expect(next.value).toEqual({ inReview: { review: 'municipal', insurance: 'pendingVerification' } });
  });
});

describe('case machine transitions', () => {
  it('starts in draft and moves to municipal review on SUBMIT, starting its clock and telling people', () => {
    const { snapshot, actions } = run([{ type: 'SUBMIT', meta: meta('firm') }]);
    expect(snapshot.value).toEqual({ inReview: { review: 'municipal', insurance: 'pendingVerification' } });
    expect(actions[0]).toEqual([
      { type: 'startClock', params: { kind: 'municipalReview' } },
      { type: 'notify', params: { template: 'case.submitted', to: ['firm', 'municipalReviewers'] } },
      { type: 'notify', params: { template: 'case.policyToVerify', to: ['insurer'] } },
    ]);
  });

  it('pauses the reviewer clock on RETURN and resumes it on RESUBMIT to the same stage', () => {
    const { snapshot, actions } = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'RETURN', reasons: [{ message: '缺少检测报告' }], meta: meta('municipal') },
      { type: 'RESUBMIT', meta: meta('firm') },
    ]);
    expect(snapshot.value).toMatchObject({ inReview: { review: 'municipal' } });
    expect(actions[1]?.map((a) => a.type)).toEqual(['pauseClock', 'startClock', 'notify']);
    expect(actions[2]).toContainEqual({ type: 'resumeClock', params: { kind: 'municipalReview' } });
    expect(snapshot.context.submissions).toBe(2);
  });

  it('returns a case to the provincial stage when the provincial reviewer returned it', () => {
    const { snapshot } = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'APPROVE', meta: meta('municipal') },
      { type: 'RETURN', reasons: [{ message: '保单信息不完整' }], meta: meta('provincial') },
      { type: 'RESUBMIT', meta: meta('firm') },
    ]);
    expect(snapshot.value).toMatchObject({ inReview: { review: 'provincial' } });
  });

  it('refuses provincial approval until the insurer has verified the policy', () => {
    const base = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'APPROVE', meta: meta('municipal') },
    ]).snapshot;
    const [refused] = transition(caseMachine, base, { type: 'APPROVE', meta: meta('provincial') });
    expect(refused).toBe(base);
    const [verified] = transition(caseMachine, base, { type: 'VERIFY_POLICY', meta: meta('insurer') });
    const [approved] = transition(caseMachine, verified, { type: 'APPROVE', meta: meta('provincial') });
    expect(approved.value).toEqual({ inReview: { review: { expert: 'assigning' }, insurance: 'verified' } });
  });

  it('sends a verified policy back to the insurer when a resubmission changed it', () => {
    const returned = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'VERIFY_POLICY', policyFingerprint: 'abc', meta: meta('insurer') },
      { type: 'RETURN', reasons: [{ message: 'x' }], meta: meta('municipal') },
    ]).snapshot;
    const [kept] = transition(caseMachine, returned, { type: 'RESUBMIT', policyChanged: false, meta: meta('firm') });
    expect(kept.value).toMatchObject({ inReview: { insurance: 'verified' } });
    const [again, actions] = transition(caseMachine, returned, { type: 'RESUBMIT', policyChanged: true, meta: meta('firm') });
    expect(again.value).toEqual({ inReview: { review: 'municipal', insurance: 'pendingVerification' } });
    expect(again.context.policyVerified).toBe(false);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'notify', params: { template: 'case.policyChanged', to: ['insurer'] } }));
  });

  it('lapses a case whose revision deadline expired, and ignores other clocks expiring', () => {
    const inRevision = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'RETURN', reasons: [{ message: 'x' }], meta: meta('municipal') },
    ]).snapshot;
    const [other] = transition(caseMachine, inRevision, { type: 'DEADLINE_EXPIRED', clock: 'municipalReview', meta: meta('system', '') });
    expect(other).toBe(inRevision);
    const [lapsed] = transition(caseMachine, inRevision, { type: 'DEADLINE_EXPIRED', clock: 'revision', meta: meta('system', '') });
    expect(lapsed.value).toBe('lapsed');
    expect(lapsed.status).toBe('done');
  });

  it('records each review decision with its stage and actor for the four-eyes rule', () => {
    const { snapshot } = run([
      { type: 'SUBMIT', meta: meta('firm') },
      { type: 'APPROVE', meta: meta('municipal', 'u-m') },
    ]);
    expect(snapshot.context.decisions).toEqual([{ stage: 'municipal', actorId: 'u-m', decision: 'APPROVE', at: '2026-05-06T10:00:00.000Z' }]);
  });

  it('ends in rejected, withdrawn and lapsed as final states', () => {
    expect(run([{ type: 'SUBMIT', meta: meta('firm') }, { type: 'REJECT', reason: 'x', meta: meta('municipal') }]).snapshot.status).toBe('done');
    expect(run([{ type: 'WITHDRAW', reason: 'x', meta: meta('firm') }]).snapshot.value).toBe('withdrawn');
  });

  it('restores a persisted snapshot to the same state and behaviour', () => {
    const { snapshot } = run([{ type: 'SUBMIT', meta: meta('firm') }]);
    const restored = caseMachine.resolveState(JSON.parse(JSON.stringify({ value: snapshot.value, context: snapshot.context })));
    const [next] = transition(caseMachine, restored, { type: 'APPROVE', meta: meta('municipal') });
    expect(next.value).toMatchObject({ inReview: { review: 'provincial' } });
  });
});
