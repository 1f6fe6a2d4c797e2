import type { StateValue } from 'xstate';
import { activePaths, inboxTasks } from '../../workflows/case/chart';
import type { CaseView } from '../cases/present';
import type { Locale, Messages } from './i18n';

type Task = (typeof inboxTasks)[number];
// a task there only while something went wrong on the way (a late expert) is not the step's own next one
const stepTasks = inboxTasks.filter((k) => k.onlyWhile === undefined);

const said = (task: Task | undefined, locale: Locale, t: Messages): string | null => {
  if (!task) return null;
  const who = t.roles[task.role];
  return locale === 'zh' ? `${task.label.zh}（${who}）` : `${task.label.en} (${who})`;
};

/**
 * What happens next to a case in a state, and who does it: the task the chart declares on that
 * state (workflows/case/*.ts `meta.task`), the same one that puts the case in someone's inbox.
 * A state of steps (expert: assigning, reviewing) says its first step's; nextStepOnCase knows the step.
 */
export function nextStep(state: string, locale: Locale, t: Messages): string | null {
  return said(
    stepTasks.find((k) => k.primary === state),
    locale,
    t,
  );
}

/** The task of the step the case is in: the deepest active state of its primary state that declares one. */
function taskNow(view: Pick<CaseView, 'state' | 'stateValue'>): Task | undefined {
  const active = new Set(activePaths(view.stateValue as StateValue));
  return stepTasks.filter((k) => k.primary === view.state && active.has(k.path.join('.'))).sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * The next step as the reader of the case page has it. An expert on the case is told their own
 * part, from what the machine lets them do now (the guards of ACCEPT_ASSIGNMENT and SCORE, in
 * `allowedEvents`) and from their assignment: once they have scored while the experts' step goes
 * on, they wait for the others, counted as the quorum counts them (the scored assignments).
 * Everyone else reads the task of the step the case is in.
 */
export function nextStepOnCase(view: Pick<CaseView, 'state' | 'stateValue' | 'allowedEvents' | 'experts'>, quorum: number | null, locale: Locale, t: Messages): string | null {
  const task = taskNow(view) ?? stepTasks.find((k) => k.primary === view.state);
  const own = view.experts.find((a) => a.mine);
  if (own) {
    const e = t.cases.expertNext;
    if (view.allowedEvents.includes('SCORE')) return e.score;
    if (view.allowedEvents.includes('ACCEPT_ASSIGNMENT')) return e.accept;
    if (own.status === 'scored' && task?.role === 'expert') return e.waiting(view.experts.filter((a) => a.status === 'scored').length, quorum);
  }
  return said(task, locale, t);
}
