import { and, eq, or, sql } from 'drizzle-orm';
import { taskClaims, users } from '../../db/schema';
import type { Tx } from '../../db/client';
import type { ServiceContext } from '../context';
import { AppError, notFound } from '../errors';
import type { Role } from '../http/roles';
import { loadVisibleCase } from '../cases/get';
import { taskPath, taskRole, taskVia, waitingFor } from './list';

/** The roles whose people share an inbox (one city's, the province's, one insurer's, finance) and so take and give back tasks. */
export const CLAIMER_ROLES = ['municipal', 'provincial', 'insurer', 'finance'] as const satisfies readonly Role[];

/** Why a task done on another page is not taken: whoever makes the notice or the batch does the task of each of its cases. */
const DONE_ELSEWHERE = {
  notice: { en: 'this task is done by publishing a public notice on the notices page, not taken', zh: '此任务在公示发布页面办理，无需领取' },
  batch: { en: 'this task is done by putting the case into a disbursement batch on the money page, not taken', zh: '此任务在拨付批次页面办理，无需领取' },
} as const;

/**
 * POST /tasks/:caseId/claim: the caller takes a case waiting in their inbox, so that the other
 * reviewers of the same role see who has it. Taking it again is a no-op; taking one somebody else
 * holds is refused with their name. The case row is locked, so two claims never both win. A task
 * done on another page is not taken: the notice publishing page (发布公示, `via: 'notice'`) and the
 * new-batch form (纳入拨付批次, `via: 'batch'`) take several cases of the round at once, and
 * whoever makes the notice or the batch does the task of each.
 */
export async function claimTask(ctx: ServiceContext, caseId: string) {
  return ctx.app.db.transaction(async (tx) => {
    const waiting = waitingFor(ctx.user, ctx.app.clock.now());
    const rows = waiting.length
      ? ((await tx.execute(sql`select cases.id, ${taskPath(waiting)} as task, ${taskRole(waiting)} as role, ${taskVia(waiting)} as via from cases
          where cases.id = ${caseId} and (${or(...waiting.map((w) => w.when))}) for update of cases`)) as unknown as { task: string; role: string; via: string | null }[])
      : [];
    const waitingCase = rows[0];
    if (!waitingCase) {
      await loadVisibleCase(ctx, caseId, tx);
      throw new AppError('conflict', 'this case is not waiting for you now; nothing to take (此申请当前不在您的待办中)', [
        { path: 'task', message: 'this case is not waiting for you now; nothing to take', messageZh: '此申请当前不在您的待办中' },
      ]);
    }
    const elsewhere = waitingCase.via === 'notice' || waitingCase.via === 'batch' ? DONE_ELSEWHERE[waitingCase.via] : undefined;
    if (elsewhere) throw new AppError('conflict', `${elsewhere.en} (${elsewhere.zh})`, [{ path: 'task', message: elsewhere.en, messageZh: elsewhere.zh }]);
    const role = waitingCase.role as (typeof taskClaims.$inferSelect)['role'];
    const [held] = await tx
      .select({ userId: taskClaims.userId, name: users.name })
      .from(taskClaims)
      .innerJoin(users, eq(users.id, taskClaims.userId))
      .where(and(eq(taskClaims.caseId, caseId), eq(taskClaims.role, role)));
    if (held && held.userId !== ctx.user.id) {
      throw new AppError(
        'conflict',
        `${held.name} has taken this task; ask them to release it (${held.name} 已领取此任务，请其先释放)`,
        [{ path: 'task', message: `${held.name} has taken this task; ask them to release it`, messageZh: `${held.name} 已领取此任务，请其先释放` }],
        { claimedBy: { id: held.userId, name: held.name } },
      );
    }
    const claimedAt = ctx.app.clock.now();
    await tx
      .insert(taskClaims)
      .values({ caseId, role, userId: ctx.user.id, task: waitingCase.task, claimedAt })
      .onConflictDoUpdate({ target: [taskClaims.caseId, taskClaims.role], set: { userId: ctx.user.id, task: waitingCase.task, claimedAt } });
    return { caseId, role, claimedBy: { id: ctx.user.id, name: ctx.user.name, at: claimedAt.toISOString(), mine: true } };
  });
}

/**
 * Gives back every task a person holds: when they are deactivated or their roles or scope change,
 * the others of the shared inbox would otherwise be refused the case by a claim nobody can release.
 */
export async function releaseTasksOf(tx: Tx, userId: string): Promise<void> {
  await tx.delete(taskClaims).where(eq(taskClaims.userId, userId));
}

/** DELETE /tasks/:caseId/claim: the caller gives back a task they hold. */
export async function releaseTask(ctx: ServiceContext, caseId: string): Promise<void> {
  await loadVisibleCase(ctx, caseId);
  const released = await ctx.app.db
    .delete(taskClaims)
    .where(and(eq(taskClaims.caseId, caseId), eq(taskClaims.userId, ctx.user.id)))
    .returning({ caseId: taskClaims.caseId });
  if (released.length === 0) throw notFound('task claim');
}

/** Who holds the task a case waits in for the caller, as the case page shows it beside the decisions. */
export interface CaseTaskHolder {
  /** where the task is done when not on the case (a notice, a batch): not taken */
  via: string | null;
  claimedBy: { id: string; name: string; at: string; mine: boolean } | null;
}

/**
 * The task the case waits in for one of the caller's shared inboxes (the inbox's own conditions,
 * list.ts `waitingFor`), and who has taken it; null when the case waits for none of them.
 */
export async function caseTaskHolder(ctx: ServiceContext, caseId: string): Promise<CaseTaskHolder | null> {
  const waiting = waitingFor(ctx.user, ctx.app.clock.now()).filter((w) => (CLAIMER_ROLES as readonly string[]).includes(w.role));
  if (waiting.length === 0) return null;
  const role = taskRole(waiting);
  const rows = (await ctx.app.db.execute(sql`select ${taskVia(waiting)} as via, claim.user_id, claimer.name, claim.claimed_at from cases
      left join task_claims claim on claim.case_id = cases.id and claim.role = ${role}
      left join users claimer on claimer.id = claim.user_id
      where cases.id = ${caseId} and (${or(...waiting.map((w) => w.when))})`)) as unknown as { via: string | null; user_id: string | null; name: string | null; claimed_at: Date | string | null }[];
  const row = rows[0];
  if (!row) return null;
  const claimedBy = row.user_id ? { id: row.user_id, name: row.name ?? '', at: new Date(row.claimed_at ?? 0).toISOString(), mine: row.user_id === ctx.user.id } : null;
  return { via: row.via, claimedBy };
}
