// The pages where a task is done when that is not the case page: the inbox links there, and so does
// the case page for the person whose task it is.

/**
 * Where a task is done when that is not the case page: a case waiting for a disbursement batch goes
 * into one on the new-batch form of /money, its round chosen; one awaiting the public notice onto a
 * notice on the publishing page, its round chosen and the case ticked; a pro-rata proposal is
 * approved on its own page.
 */
export function whereDone(task: { via: 'notice' | 'batch' | null; roundId: string; caseId: string | null; proRataId?: string | null }): string | null {
  if (task.proRataId) return `/money/rounds/${task.roundId}/pro-rata/${task.proRataId}`;
  if (task.via === 'batch') return `/money?${new URLSearchParams({ roundId: task.roundId }).toString()}#create-batch`;
  if (task.via === 'notice') return `/review/notices?${new URLSearchParams({ roundId: task.roundId, caseId: task.caseId ?? '' }).toString()}#awaiting`;
  return null;
}
