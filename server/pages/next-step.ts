import { inboxTasks } from '../../workflows/case/chart';
import type { Locale, Messages } from './i18n';

/**
 * What happens next to a case in a state, and who does it: the task the chart declares on that
 * state (workflows/case/*.ts `meta.task`), the same one that puts the case in someone's inbox.
 */
export function nextStep(state: string, locale: Locale, t: Messages): string | null {
  const task = inboxTasks.find((k) => k.primary === state);
  if (!task) return null;
  const who = t.roles[task.role];
  return locale === 'zh' ? `${task.label.zh}（${who}）` : `${task.label.en} (${who})`;
}
