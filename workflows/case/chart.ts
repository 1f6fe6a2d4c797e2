import type { StateValue } from 'xstate';
import type { Capability, CaseStateMeta, InboxTask } from './types';
import { caseMachines } from './registry';

// Reads the typed meta of every state node of every registered machine version, so that lists of
// state names — who may edit, which states are dead, what lands in whose inbox — exist only as
// declarations on the chart.

export interface ChartState {
  path: readonly string[];
  /** the one word the `cases.state` column holds for this node, when it is one (state.ts) */
  primary: string | null;
  meta: CaseStateMeta;
}

interface NodeLike {
  path: string[];
  meta?: CaseStateMeta;
  states: Record<string, NodeLike>;
}

/** Mirrors primaryState(): a top-level state, a stage of the review region, or a step of the money stage. */
export function primaryOfPath(path: readonly string[]): string | null {
  if (path.length === 1) return path[0] ?? null;
  if (path[0] === 'inReview' && path[1] === 'review' && path.length >= 3) return path[2] ?? null;
  if (path[0] === 'approved' && path.length === 2) return path[1] ?? null;
  return null;
}

function walk(node: NodeLike, out: ChartState[]): void {
  if (node.path.length > 0) out.push({ path: node.path, primary: primaryOfPath(node.path), meta: node.meta ?? {} });
  for (const child of Object.values(node.states)) walk(child, out);
}

export const chartStates: readonly ChartState[] = (() => {
  const out: ChartState[] = [];
  for (const machine of Object.values(caseMachines)) walk(machine.root as unknown as NodeLike, out);
  return out;
})();

const primaries = (pick: (m: CaseStateMeta) => boolean): ReadonlySet<string> =>
  new Set(chartStates.filter((s) => pick(s.meta) && s.primary !== null).map((s) => s.primary as string));

/** States in which the firm may do `capability` to its application. */
export const statesWhereFirmMay = (capability: Capability): ReadonlySet<string> => primaries((m) => m.can?.includes(capability) ?? false);

/** Applications that ended in these states no longer count as live. */
export const DEAD_STATES: readonly string[] = [...primaries((m) => m.dead === true)];

/** Inbox tasks, one per state that declares one, with the path the task's state lives at. */
export const inboxTasks = chartStates.flatMap((s) => {
  const declared = s.meta.task;
  const tasks: readonly InboxTask[] = declared === undefined ? [] : 'role' in declared ? [declared] : declared;
  return tasks.map((task) => ({ ...task, path: s.path, primary: s.primary }));
});

/** Every state node a state value is in, as dotted chart paths (inReview, inReview.review, …). */
export function activePaths(value: StateValue, prefix: readonly string[] = []): string[] {
  if (typeof value === 'string') return [[...prefix, value].join('.')];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key].join('.'), ...(child === undefined ? [] : activePaths(child, [...prefix, key]))]);
}

/** Every state a case's list can be filtered by, in the chart's order (the primary states of every version). */
// (inReview is never a case's state: a case in review is in one of its review stages, which are listed)
export const PRIMARY_STATES: readonly string[] = [...new Set(chartStates.map((s) => s.primary).filter((p): p is string => p !== null && p !== 'inReview'))];
