import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { clocks } from '../../db/schema';
import { pauseClock, resumeClock, startClock, stopClock } from './clocks';
import { notify } from './notify';
import { templates, type TemplateName } from '../mail/templates';
import type { EffectScope } from './scope';

export interface EffectAction {
  type: string;
  params?: unknown;
}

// the kinds are the owner's workflow's own (EffectScope.clocks), checked when the effects are planned
const clockParams = z.strictObject({ kind: z.string().min(1) });
const notifyParams = z.strictObject({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  to: z.array(z.enum(['firm', 'municipalReviewers', 'provincialReviewers', 'insurer'])).min(1),
});

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
  startClock: executor('clock', clockParams, async (s, p) => ({ dueOn: await startClock(s, p.kind) })),
  pauseClock: executor('clock', clockParams, (s, p) => pauseClock(s, p.kind)),
  resumeClock: executor('clock', clockParams, async (s, p) => {
    const dueOn = await resumeClock(s, p.kind);
    return dueOn ? { dueOn } : undefined;
  }),
  stopClock: executor('clock', clockParams, (s, p) => stopClock(s, p.kind)),
  notify: executor('message', notifyParams, async (s, p, settled) => {
    await notify(s, { template: p.template, to: p.to, reason: s.reason ?? '', dueOn: settled.dueOn ?? (await runningDue(s)) });
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
    const kind = exec.phase === 'clock' ? (params.data as { kind: string }).kind : null;
    if (kind !== null && !Object.hasOwn(s.clocks, kind)) {
      throw new UnknownEffectError(`effect "${action.type}" has unexpected parameters: the ${s.owner.kind} workflow has no clock of kind ${kind}`);
    }
    return { exec, params: params.data };
  });
  let settled: Settled = {};
  for (const phase of ['clock', 'message'] as const) {
    for (const { exec, params } of planned.filter((p) => p.exec.phase === phase)) {
      settled = { ...settled, ...((await exec.run(s, params, settled)) ?? {}) };
    }
  }
}

/** A message sent without a clock of its own quotes the owner's running deadline, if any. */
async function runningDue(s: EffectScope): Promise<string> {
  const [c] = await s.tx
    .select({ dueOn: clocks.dueOn })
    .from(clocks)
    .where(and(eq(clocks.ownerId, s.owner.id), eq(clocks.status, 'running')))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  return c?.dueOn ?? '';
}
