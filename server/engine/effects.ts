import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { pauseClock, resumeClock, runningClock, specOf, startClock, stopClock, type ClockRef } from './clocks';
import { notify } from './notify';
import { templates, type TemplateName } from '../mail/templates';
import { ownerKinds } from '../../db/schema/owners';
import { writeOutbox } from './pending';
import type { EffectScope } from './scope';

export interface EffectAction {
  type: string;
  params?: unknown;
}

// the kinds and groups are the owner's workflow's own (EffectScope.clocks, .groups), checked when
// the effects are planned
const clockParams = z.strictObject({ kind: z.string().min(1), assignee: z.uuid().optional(), dueOn: z.iso.date().optional() });
const notifyParams = z.strictObject({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  to: z.array(z.string().min(1)).min(1),
  // the one person the `assignee` group means here (an expert just assigned)
  assignee: z.uuid().optional(),
  // the machine's own words for the message, beside the owner's (how an approved case's notice passed)
  vars: z.record(z.string().regex(/^[a-zA-Z]+$/), z.string().max(200)).optional(),
});
// an event for other aggregates (a notice closing tells each member case), sent through the outbox
const emitParams = z.strictObject({
  kind: z.enum(ownerKinds),
  ids: z.array(z.uuid()).min(1).max(5000),
  event: z.looseObject({ type: z.string().regex(/^[A-Z][A-Z_]*$/) }),
});
export type EmitParams = z.output<typeof emitParams>;

/** What the clock effects of a transition settled, for the messages that follow them. */
interface Settled {
  /** the due date of the clock this transition started or resumed */
  dueOn?: string;
}

// Two explicit phases, declared per executor: clocks change state first, in the machine's order;
// messages then quote what the clocks settled. Nothing depends on how actions happen to be listed.
type Phase = 'clock' | 'message';
interface Executor<P> {
  phase: Phase;
  params: z.ZodType<P>;
  run: (s: EffectScope, params: P, settled: Settled) => Promise<Settled | void>;
}
const executor = <P>(phase: Phase, params: z.ZodType<P>, run: Executor<P>['run']): Executor<unknown> => ({
  phase,
  params,
  run: run as Executor<unknown>['run'],
});

// The whitelist: an action the executor does not know, or whose parameters it does not expect,
// fails the transaction rather than being silently dropped — a machine that names an effect
// nobody performs is a bug.
const executors: Record<string, Executor<unknown>> = {
  startClock: executor('clock', clockParams, async (s, p) => ({ dueOn: await startClock(s, p) })),
  pauseClock: executor('clock', clockParams, (s, p) => pauseClock(s, p)),
  resumeClock: executor('clock', clockParams, async (s, p) => {
    const dueOn = await resumeClock(s, p);
    return dueOn ? { dueOn } : undefined;
  }),
  stopClock: executor('clock', clockParams, (s, p) => stopClock(s, p)),
  notify: executor('message', notifyParams, async (s, p, settled) => {
    await notify(s, { template: p.template, to: p.to, assigneeId: p.assignee, reason: s.reason ?? '', dueOn: settled.dueOn ?? (await runningDue(s)), vars: p.vars });
  }),
  emit: executor('message', emitParams, async (s, p) => {
    const { type, ...fields } = p.event;
    await writeOutbox(s, [
      { topic: 'event', payload: { eventId: randomUUID(), from: s.owner, to: { kind: p.kind, ids: [...new Set(p.ids)].sort() }, event: { ...fields, type } } },
    ]);
  }),
};

export class UnknownEffectError extends Error {}

export async function executeEffects(s: EffectScope, actions: readonly EffectAction[]): Promise<void> {
  // every action is checked before any runs: a bad one anywhere fails the transaction up front
  const planned = actions.map((action) => {
    const exec = Object.hasOwn(executors, action.type) ? executors[action.type] : undefined;
    if (!exec) throw new UnknownEffectError(`effect "${action.type}" has no executor`);
    const params = exec.params.safeParse(action.params ?? {});
    if (!params.success) throw new UnknownEffectError(`effect "${action.type}" has unexpected parameters: ${params.error.message}`);
    const problem = exec.phase === 'clock' ? clockProblem(s, action.type, params.data as ClockRef) : groupProblem(s, action.type, params.data);
    if (problem) throw new UnknownEffectError(`effect "${action.type}" has unexpected parameters: ${problem}`);
    return { exec, params: params.data };
  });
  let settled: Settled = {};
  for (const phase of ['clock', 'message'] as const) {
    for (const { exec, params } of planned.filter((p) => p.exec.phase === phase)) {
      settled = { ...settled, ...((await exec.run(s, params, settled)) ?? {}) };
    }
  }
}

function clockProblem(s: EffectScope, type: string, ref: ClockRef): string | null {
  if (!Object.hasOwn(s.clocks, ref.kind)) return `the ${s.owner.kind} workflow has no clock of kind ${ref.kind}`;
  const spec = specOf(s, ref.kind);
  // stopping a per-assignee kind without naming one stops them all, as the stage ends
  if (spec.perAssignee && !ref.assignee && type !== 'stopClock') return `clock ${ref.kind} runs per assignee, and none was named`;
  if (!spec.perAssignee && ref.assignee) return `clock ${ref.kind} has no assignee`;
  if (type === 'startClock' && (spec.unit === 'fixedDate') !== Boolean(ref.dueOn)) return `clock ${ref.kind} ${spec.unit === 'fixedDate' ? 'needs' : 'takes no'} due date`;
  return null;
}

function groupProblem(s: EffectScope, type: string, params: unknown): string | null {
  if (type !== 'notify') return null;
  const unknown = (params as { to: string[] }).to.filter((g) => !s.groups.includes(g));
  return unknown.length > 0 ? `the ${s.owner.kind} workflow has no recipient group ${unknown.join(', ')}` : null;
}

/** A message sent without a clock of its own quotes the owner's running deadline, if any. */
async function runningDue(s: EffectScope): Promise<string> {
  return (await runningClock(s))?.dueOn ?? '';
}
