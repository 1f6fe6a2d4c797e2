import { shanghaiDate } from '../calendar/dates';
import { and, desc, eq, ilike, inArray, isNotNull, not, or, sql, type SQL } from 'drizzle-orm';
import { cases, enterprises } from '../../db/schema';
import type { ServiceContext, User } from '../context';
import { cityByCode } from '../domain/cities';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { containsPattern } from '../domain/text';
import { seenInAnyRole, visibleCases } from '../cases/visibility';
import { DEAD_STATES } from '../../workflows/case/chart';
import { profileGaps } from './present';
import type { EnterpriseListQuery } from './list-schema';

/** Staff who may list firms: those who read a firm's profile (canSeeEnterprise) beyond their own firm. */
export const ENTERPRISE_LIST_READERS: readonly User['roles'][number][] = ['municipal', 'provincial'];

/**
 * The SQL twin of `canSeeEnterprise` (get.ts), for the list: a municipal reviewer the firms of
 * their city, the province every firm; no other role sees any.
 */
export function visibleEnterprises(user: User): SQL {
  return seenInAnyRole(user, (role) => {
    if (role === 'municipal') return user.city ? eq(enterprises.city, user.city) : undefined;
    if (role === 'provincial') return sql`true`;
    return undefined;
  });
}

/** The firm's name or USCC holds the text (the name under a pg_trgm index, migration 0025; firms are few). */
const matching = (q: string) => or(ilike(enterprises.name, containsPattern(q)), ilike(enterprises.uscc, containsPattern(q)));

// live as the duplicate and renewal rules count it (workflows/case/chart.ts DEAD_STATES)
const live = and(isNotNull(cases.submittedAt), not(inArray(cases.state, [...DEAD_STATES])));

/**
 * GET /enterprises: the firms the caller may read, newest registered first, keyset-paginated on
 * (created_at, id), each with whether its profile is complete (the /firm page's check) and how many
 * of its applications the caller sees, and how many of those are live.
 */
export async function listEnterprises(ctx: ServiceContext, q: EnterpriseListQuery) {
  const where: (SQL | undefined)[] = [visibleEnterprises(ctx.user)];
  if (q.q) where.push(matching(q.q));
  if (q.cursor) where.push(afterCursor(q.cursor, enterprises.createdAt, enterprises.id));
  const rows = await ctx.app.db
    .select({
      id: enterprises.id,
      name: enterprises.name,
      uscc: enterprises.uscc,
      city: enterprises.city,
      bankName: enterprises.bankName,
      bankAccount: enterprises.bankAccount,
      bannedUntil: enterprises.bannedUntil,
      applications: sql<number>`count(${cases.id})::int`,
      liveApplications: sql<number>`(count(${cases.id}) filter (where ${live}))::int`,
      createdAt: enterprises.createdAt,
      cursorKey: cursorTime(enterprises.createdAt),
    })
    .from(enterprises)
    // the counts of the caller's own list of cases (GET /cases): a reviewer sees no drafts
    .leftJoin(cases, and(eq(cases.enterpriseId, enterprises.id), visibleCases(ctx.user)))
    .where(and(...where))
    .groupBy(enterprises.id)
    .orderBy(desc(enterprises.createdAt), desc(enterprises.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const today = shanghaiDate(ctx.app.clock.now());
  return {
    items: page.map((r) => {
      const missing = profileGaps(r);
      return {
        id: r.id,
        name: r.name,
        uscc: r.uscc,
        city: r.city,
        cityName: cityByCode(r.city)?.name ?? null,
        profileComplete: missing.length === 0,
        missing,
        applications: r.applications,
        liveApplications: r.liveApplications,
        // a ban over is no ban (the rule of server/cases/rules/eligibility.ts)
        bannedUntil: r.bannedUntil !== null && r.bannedUntil >= today ? r.bannedUntil : null,
        createdAt: r.createdAt.toISOString(),
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorKey, id: last.id }) : null,
  };
}
