import type { CaseEvent, ClockKind, RecipientGroup } from '../../workflows/case/types';
import { pauseClock, resumeClock, startClock, stopClock } from './clocks';
import { notify } from './notify';
import type { EffectScope } from './scope';
import { and, desc, eq } from 'drizzle-orm';
import { clocks } from '../../db/schema';

export interface EffectAction {
  type: string;
  params?: unknown;
}

type Handler = (s: EffectScope, params: Record<string, unknown>, event: CaseEvent) => Promise<void>;

const kindOf = (p: Record<string, unknown>) => p.kind as ClockKind;

// The whitelist: an action the executor does not know fails the transaction rather than being
// silently dropped — a machine that names an effect nobody performs is a bug.
const handlers: Record<string, Handler> = {
  startClock: (s, p) => startClock(s, kindOf(p)),
  pauseClock: (s, p) => pauseClock(s, kindOf(p)),
  resumeClock: (s, p) => resumeClock(s, kindOf(p)),
  stopClock: (s, p) => stopClock(s, kindOf(p)),
  notify: async (s, p, event) => {
    await notify(s, {
      template: String(p.template),
      to: p.to as RecipientGroup[],
      reason: reasonOf(event),
      dueOn: await nextDue(s),
    });
  },
};

export class UnknownEffectError extends Error {}

export async function executeEffects(s: EffectScope, actions: readonly EffectAction[], event: CaseEvent): Promise<void> {
  // clocks first, so that notifications can quote the new due date
  const ordered = [...actions].sort((a, b) => Number(a.type === 'notify') - Number(b.type === 'notify'));
  for (const action of ordered) {
    const handler = Object.hasOwn(handlers, action.type) ? handlers[action.type] : undefined;
    if (!handler) throw new UnknownEffectError(`effect "${action.type}" has no executor`);
    await handler(s, (action.params ?? {}) as Record<string, unknown>, event);
  }
}

function reasonOf(event: CaseEvent): string {
  switch (event.type) {
    case 'RETURN':
      return event.reasons.map((r) => (r.path ? `${r.path}: ${r.message}` : r.message)).join('；');
    case 'REJECT':
    case 'WITHDRAW':
    case 'POLICY_MISMATCH':
      return event.reason;
    default:
      return '';
  }
}

async function nextDue(s: EffectScope): Promise<string> {
  if (s.dueOn) return s.dueOn;
  const [c] = await s.tx
    .select({ dueOn: clocks.dueOn })
    .from(clocks)
    .where(and(eq(clocks.caseId, s.caseRow.id), eq(clocks.status, 'running')))
    .orderBy(desc(clocks.startedAt))
    .limit(1);
  return c?.dueOn ?? '';
}
