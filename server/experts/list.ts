import { and, arrayContains, asc, eq, ilike, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema';
import type { ServiceContext, User } from '../context';
import { idOut } from '../domain/formats';
import { loadVisibleCase } from '../cases/get';
import { conflictOf, relatedTo } from '../cases/expert-candidates';

export const expertsQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  caseId: z.uuid().optional().meta({ description: 'mark the experts who would have a conflict of interest on this case' }),
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
      }),
    ),
  })
  .meta({ id: 'ExpertList' });

const LIMIT = 200;

/** Who may read the experts to assign (GET /experts and the case page's assignment form). */
export const EXPERT_LIST_READERS: readonly User['roles'][number][] = ['provincial'];

/** GET /experts: the active experts a provincial reviewer may assign, with any conflict on a case. */
export async function listExperts(ctx: ServiceContext, q: z.output<typeof expertsQuerySchema>) {
  const related = q.caseId ? await relatedTo(ctx.app.db, (await loadVisibleCase(ctx, q.caseId)).row) : null;
  const text = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await ctx.app.db
    .select({ id: users.id, name: users.name, email: users.email, affiliations: users.affiliations, organisationUscc: users.organisationUscc, organisationName: users.organisationName })
    .from(users)
    .where(and(eq(users.active, true), arrayContains(users.roles, ['expert']), text ? or(ilike(users.name, text), ilike(users.email, text)) : sql`true`))
    .orderBy(asc(users.name), asc(users.id))
    .limit(LIMIT);
  return { items: rows.map((r) => ({ id: r.id, name: r.name, email: r.email, organisation: r.organisationName, conflict: related ? conflictOf(r, related) : null })) };
}
