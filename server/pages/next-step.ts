import type { StateValue } from 'xstate';
import { activePaths, inboxTasks } from '../../workflows/case/chart';
import type { CaseView } from '../cases/present';
import type { Locale, Messages } from './i18n';
import type { CaseEventType } from '../../workflows/case/events';
import { cityByCode } from '../domain/cities';
import { date } from './format';

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
 * The reader's own task in the states the case is in, when they can act on it now: the insurer's
 * check of the policy runs beside the review, and is the insurer's next step, not the reviewer's.
 */
function ownTask(view: Pick<CaseView, 'stateValue' | 'allowedEvents'>, roles: readonly string[]): Task | undefined {
  if (view.allowedEvents.length === 0) return undefined;
  const active = new Set(activePaths(view.stateValue as StateValue));
  return stepTasks.filter((k) => roles.includes(k.role) && active.has(k.path.join('.'))).sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * The next step as the reader of the case page has it. An expert on the case is told their own
 * part, from what the machine lets them do now (the guards of ACCEPT_ASSIGNMENT and SCORE, in
 * `allowedEvents`) and from their assignment: once they have scored while the experts' step goes
 * on, they wait for the others, counted as the quorum counts them (the scored assignments).
 * A reader with a task of their own in the states the case is in (`roles`) reads theirs; everyone
 * else reads the task of the step the case is in.
 */
export function nextStepOnCase(
  view: Pick<CaseView, 'state' | 'stateValue' | 'allowedEvents' | 'experts'>,
  quorum: number | null,
  locale: Locale,
  t: Messages,
  roles: readonly string[] = [],
): string | null {
  const task = taskNow(view) ?? stepTasks.find((k) => k.primary === view.state);
  const own = view.experts.find((a) => a.mine);
  if (own) {
    const e = t.cases.expertNext;
    if (view.allowedEvents.includes('SCORE')) return e.score;
    if (view.allowedEvents.includes('ACCEPT_ASSIGNMENT')) return e.accept;
    if (own.status === 'scored' && task?.role === 'expert') return e.waiting(view.experts.filter((a) => a.status === 'scored').length, quorum);
  }
  return said(ownTask(view, roles) ?? task, locale, t);
}

/**
 * What a step just did and what comes next, for the page the person lands on after it: the case's
 * new state's task — the reader's own when they have one, else who is to act, with the city of a
 * municipal step — and the deadline of that task's clock (SPEC §4: to the end of its day, Beijing
 * time), said as every day deadline is (server/domain/date-words.ts).
 */
export function doneMessage(
  view: Pick<CaseView, 'state' | 'stateValue' | 'allowedEvents' | 'experts' | 'city' | 'clocks'>,
  type: CaseEventType,
  quorum: number | null,
  locale: Locale,
  t: Messages,
  roles: readonly string[] = [],
): string {
  const d = t.casePage;
  // a resolved objection is said by where it left the case: rejected, back in its notice, or approved
  const what = (type === 'RESOLVE_OBJECTION' ? d.objectionResolved[view.state] : undefined) ?? d.doneWhat[type] ?? d.doneGeneric(t.events[type]);
  // an expert's own part (accept, then score, then wait for the others) is told as the header tells it
  if (view.experts.some((a) => a.mine)) {
    const next = nextStepOnCase(view, quorum, locale, t, roles);
    // their own deadline: one who is also a provincial reviewer sees every expert's (present.ts), the earliest maybe another's
    return d.doneSaid(what, next === null ? null : d.doneNext(next), view.allowedEvents.length > 0 ? dueOf(view, 'expertReview', locale, ownId(view)) : null);
  }
  const mine = ownTask(view, roles);
  const task = mine ?? taskNow(view) ?? stepTasks.find((k) => k.primary === view.state);
  if (!task) return d.doneSaid(what, null, null);
  const city = cityByCode(view.city);
  const next = mine ? d.doneYours(task.label[locale]) : d.waitingFor(task.role, task.label[locale], city ? (locale === 'zh' ? city.name : city.nameEn) : null);
  return d.doneSaid(what, next, task.urgentBy ? dueOf(view, task.urgentBy, locale) : null);
}

/** The reader's own id as their assignment on the panel names it, or undefined. */
const ownId = (view: Pick<CaseView, 'experts'>) => view.experts.find((a) => a.mine)?.expertId ?? undefined;

/** The day a running clock of the kind runs out: the assignee's own, or the earliest (there is one per expert). */
function dueOf(view: Pick<CaseView, 'clocks'>, kind: string, locale: Locale, assignee?: string): string | null {
  const due = view.clocks
    .filter((c) => c.kind === kind && c.status === 'running' && (assignee === undefined || c.assigneeId === assignee))
    .map((c) => c.dueOn)
    .sort()[0];
  return due ? date(due, locale) : null;
}
