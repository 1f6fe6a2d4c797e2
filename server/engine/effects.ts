import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { clocks } from '../../db/schema';
import { CLOCK_KINDS } from '../../workflows/case/clocks';
import { pauseClock, resumeClock, startClock, stopClock } from './clocks';
import { notify } from './notify';
import { templates, type TemplateName } from '../mail/templates';
import type { EffectScope } from './scope';

export interface EffectAction {
  type: string;
  params?: unknown;
}

const clockParams = z.strictObject({ kind: z.enum(CLOCK_KINDS) });
const notifyParams = z.strictObject({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  to: z.array(z.enum(['firm', 'municipalReviewers', 'provincialReviewers', 'insurer'])).min(1),
});

interface Executor<P> {
  params: z.ZodType<P>;
  run: (s: EffectScope, params: P) => Promise<void>;
}
const executor = <P>(params: z.ZodType<P>, run: Executor<P>['run']): Executor<unknown> => ({
  params,
  run: run as Executor<unknown>['run'],
});

// The whitelist: an action the executor does not know, or whose parameters it does not expect,
// fails the transaction rather than being silently dropped — a machine that names an effect
// nobody performs is a bug.
const executors: Record<string, Executor<unknown>> = {
  startClock: executor(clockParams, (s, p) => startClock(s, p.kind)),
  pauseClock: executor(clockParams, (s, p) => pauseClock(s, p.kind)),
  resumeClock: executor(clockParams, (s, p) => resumeClock(s, p.kind)),
  stopClock: executor(clockParams, (s, p) => stopClock(s, p.kind)),
  notify: executor(notifyParams, async (s, p) => {
    await notify(s, { template: p.template, to: p.to, reason: s.reason ?? '', dueOn: await nextDue(s) });
  }),
};

export class UnknownEffectError extends Error {}

export async function executeEffects(s: EffectScope, actions: readonly EffectAction[]): Promise<void> {
  // clocks first, so that notifications can quote the new due date
  const ordered = [...actions].sort((a, b) => Number(a.type === 'notify') - Number(b.type === 'notify'));
  for (const action of ordered) {
    const exec = Object.hasOwn(executors, action.type) ? executors[action.type] : undefined;
    if (!exec) throw new UnknownEffectError(`effect "${action.type}" has no executor`);
    const params = exec.params.safeParse(action.params ?? {});
    if (!params.success) throw new UnknownEffectError(`effect "${action.type}" has unexpected parameters: ${params.error.message}`);
    await exec.run(s, params.data);
  }
}

async function nextDue(s: EffectScope): Promise<string> {
  if (s.dueOn) return s.dueOn;
  const [c] = await s.tx
    .select({ dueOn: clocks.dueOn })
    .from(clocks)
    .where(and(eq(clocks.ownerId, s.owner.id), eq(clocks.status, 'running')))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  return c?.dueOn ?? '';
}
