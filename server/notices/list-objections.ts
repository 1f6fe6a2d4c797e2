import { asc, eq } from 'drizzle-orm';
import { notices, objections } from '../../db/schema';
import type { ServiceContext, User } from '../context';
import { loadVisibleCase } from '../cases/get';

/** Who reads objections with their personal data (GET /cases/:id/objections, the case and notice pages). */
export const OBJECTION_READERS: readonly User['roles'][number][] = ['provincial'];

/**
 * GET /cases/:id/objections: the objections filed against a case, oldest first, with who filed
 * them and how to reach them — personal data, so for provincial reviewers only (the route's
 * roles), who resolve them (SPEC §2) and must read them to do so.
 */
export async function listObjections(ctx: ServiceContext, caseId: string) {
  await loadVisibleCase(ctx, caseId);
  const rows = await ctx.app.db
    .select({ objection: objections, noticeNumber: notices.number })
    .from(objections)
    .innerJoin(notices, eq(notices.id, objections.noticeId))
    .where(eq(objections.caseId, caseId))
    .orderBy(asc(objections.createdAt), asc(objections.id));
  return {
    items: rows.map(({ objection: o, noticeNumber }) => ({
      id: o.id,
      noticeId: o.noticeId,
      noticeNumber,
      name: o.name,
      contact: o.contact,
      reason: o.reason,
      status: o.status,
      receivedAt: o.createdAt.toISOString(),
      resolution: o.resolvedAt ? { reason: o.resolutionReason ?? '', by: o.resolvedBy, at: o.resolvedAt.toISOString() } : null,
    })),
  };
}
