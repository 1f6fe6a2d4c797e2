import type { AnyStateMachine } from 'xstate';
import { caseMachines } from '../../workflows/case/registry';
import { machineOf } from '../engine/transition';
import type { CaseRow } from '../engine/scope';

/**
 * Whether the case is approved, asked of its restored snapshot rather than of a state name: the
 * chart's `approved` grows children (calculated, batched, paymentApproved, paid) and stays
 * "approved" through all of them, so `matches('approved')` holds for every one.
 */
export function caseIsApproved(row: Pick<CaseRow, 'machineVersion' | 'snapshot'>, machines: Readonly<Record<string, AnyStateMachine>> = caseMachines): boolean {
  const machine = machineOf({ machines }, row);
  return machine.resolveState(row.snapshot as Parameters<AnyStateMachine['resolveState']>[0]).matches('approved');
}
