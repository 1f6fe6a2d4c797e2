import type { OwnerKind } from '../db/schema';
import type { AppContext } from './context';
import type { EngineEvent, WorkflowDefinition, WorkflowRow } from './engine/workflow';
import { caseWorkflow } from './cases/workflow';
import { noticeWorkflow } from './notices/workflow';
import { claimWorkflow } from './claims/workflow';
import { batchWorkflow } from './batches/workflow';

// Every workflow the engine runs, by the owner kind of its rows: what the deadline sweep and,
// events sent between aggregates look up.
export type AnyWorkflow = WorkflowDefinition<WorkflowRow, unknown, EngineEvent>;
type Make = (app: AppContext) => AnyWorkflow;

const workflows = new Map<OwnerKind, Make>([
  ['case', (app) => caseWorkflow(app) as unknown as AnyWorkflow],
  ['notice', (app) => noticeWorkflow(app) as unknown as AnyWorkflow],
  ['claim', (app) => claimWorkflow(app) as unknown as AnyWorkflow],
  ['batch', (app) => batchWorkflow(app) as unknown as AnyWorkflow],
]);

/** Adds a workflow for an owner kind; a kind registered twice is a start-up error, not a silent override. */
export function registerWorkflow(kind: OwnerKind, make: Make): () => void {
  if (workflows.has(kind)) throw new Error(`a workflow for the ${kind} owner kind is registered already`);
  workflows.set(kind, make);
  return () => workflows.delete(kind);
}

export function workflowFor(app: AppContext, kind: OwnerKind): AnyWorkflow {
  const make = workflows.get(kind);
  if (!make) throw new Error(`no workflow runs the ${kind} owner kind`);
  return make(app);
}
