import type { DbOrTx } from '../../db/client';
import { taskClaims } from '../../db/schema';
import { inboxTasks } from '../../workflows/case/chart';
import type { Api, ApiResponse } from './http';

/**
 * Every task in the caller's inbox, page after page. A provincial reviewer's inbox on the shared
 * test database holds the cases of every earlier run, soon more than a page of 100: a case looked
 * for on the first page alone is found or not by where its random id sorts. A batch's or a claim's
 * task has no case: its caseId is null.
 */
export async function wholeInbox<T extends { caseId: string | null }>(api: Api, token: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page++) {
    const res: ApiResponse<{ items: T[]; nextCursor: string | null }> = await api.get<{ items: T[]; nextCursor: string | null }>(`/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token);
    if (res.status !== 200) throw new Error(`GET /tasks answered ${res.status}`);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error('the inbox has more than 500 pages');
}

/**
 * A finance user's hold on a case waiting for its disbursement batch, as one taken before that task
 * was done only on the new-batch form (server/tasks/claim.ts): such a hold stays until the case
 * moves on, and its holder may give it back.
 */
export async function batchTaskHeldBefore(db: DbOrTx, caseId: string, userId: string): Promise<void> {
  const task = inboxTasks.find((t) => t.role === 'finance' && t.via === 'batch');
  if (!task) throw new Error('the chart has no finance task done on the new-batch form');
  await db.insert(taskClaims).values({ caseId, role: 'finance', userId, task: task.path.join('.'), claimedAt: new Date() });
}
