import { caseMachine, CASE_MACHINE_VERSION, type CaseMachine } from './machine';

// A case finishes on the machine version it started with (SPEC §8). When the chart changes
// incompatibly, the old version stays here until an explicit, tested migration moves its cases.
export const caseMachines: Record<string, CaseMachine> = {
  [CASE_MACHINE_VERSION]: caseMachine,
};

export { CASE_MACHINE_VERSION, caseMachine };
