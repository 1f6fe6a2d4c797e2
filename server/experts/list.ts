import { and, arrayContains, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema';
import type { ServiceContext, User } from '../context';
import { idOut } from '../domain/formats';
import { containsPattern } from '../domain/text';
import { loadVisibleCase } from '../cases/get';
import { conflictOf, relatedTo, REVIEWED, reviewersOf } from '../cases/expert-candidates';
import { contextOf, ownDecline } from '../../workflows/case/expert-guards';
import type { Assignment } from '../../workflows/case/types';

export const expertsQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  caseId: z.uuid().optional().meta({ description: 'mark the experts who would have a conflict of interest on this case, or declined it earlier' }),
});

export const expertListSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        id: idOut('the expert'),
        name: z.string(),
        email: z.string(),
        organisation: z.string().nullable().meta({ description: 'the organisation the expert works for' }),
        conflict: z.string().nullable().meta({ description: 'with caseId: the conflict of interest the system sees, else null' }),
        declined: z
          .strictObject({
            conflictOfInterest: z.boolean().meta({ description: 'they declared a conflict of interest: they cannot be assigned to this case again (ASSIGN_EXPERTS naming them answers 422); false: they may be assigned again once replaced (422 before)' }),
            reason: z.string().meta({ description: 'the reason they gave, as they wrote it' }),
          })
          .nullable()
          .meta({ description: 'with caseId: the expert declined this case earlier (a declared conflict of interest before any other decline), else null' }),
      }),
    ),
  })
  .meta({ id: 'ExpertList' });

const LIMIT = 200;

/** Who may read the experts to assign (GET /experts and the case page's assignment form). */
export const EXPERT_LIST_READERS: readonly User['roles'][number][] = ['provincial'];

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GET /experts: the active experts a provincial reviewer may assign, with any conflict on a case;
 * with `ids` (the case page only), those of them instead of a search.
 */
export async function listExperts(ctx: ServiceContext, q: z.output<typeof expertsQuerySchema> & { ids?: readonly string[] }) {
  const row = q.caseId ? (await loadVisibleCase(ctx, q.caseId)).row : null;
  const related = row ? await relatedTo(ctx.app.db, row) : null;
  const assignments = row ? (contextOf(row.snapshot).experts ?? []) : [];
  // those who decided the case, and the reader who would assign its experts, cannot score it
  const reviewers = row ? reviewersOf(contextOf(row.snapshot), ctx.user.id) : new Set<string>();
  const text = q.q ? containsPattern(q.q) : null;
  // the experts a refused form had ticked, whatever the search: shown again so that none is lost
  const ticked = (q.ids ?? []).filter((id) => UUID_TEXT.test(id)).slice(0, LIMIT);
  const matches = ticked.length > 0 ? inArray(users.id, ticked) : text ? or(ilike(users.name, text), ilike(users.email, text)) : sql`true`;
  const rows = await ctx.app.db
    .select({ id: users.id, name: users.name, email: users.email, affiliations: users.affiliations, organisationUscc: users.organisationUscc, organisationName: users.organisationName })
    .from(users)
    .where(and(eq(users.active, true), arrayContains(users.roles, ['expert']), matches))
    .orderBy(asc(users.name), asc(users.id))
    .limit(LIMIT);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      organisation: r.organisationName,
      conflict: related ? (reviewers.has(r.id) ? REVIEWED : conflictOf(r, related)) : null,
      declined: declineOf(assignments, r.id),
    })),
  };
}

function declineOf(assignments: readonly Assignment[], expertId: string) {
  const a = ownDecline(assignments, expertId);
  return a ? { conflictOfInterest: a.conflict === 'declared', reason: a.note ?? '' } : null;
}

/**
 * The names of the experts on a case's panel, by their ids, for whoever may read the experts to
 * assign: whatever the candidate list (searched, and capped at its first 200 by name) holds, and
 * whether they are still active.
 */
export async function panelNamesOf(ctx: ServiceContext, expertIds: readonly string[]): Promise<Map<string, string>> {
  if (expertIds.length === 0) return new Map();
  const rows = await ctx.app.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...new Set(expertIds)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}
