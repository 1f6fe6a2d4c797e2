import { and, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { ServiceContext } from '../../context';
import { badRequest } from '../../errors';
import { afterCursor, cursorTime, encodeCursor, UUID } from '../../domain/keyset';
import { requireUserAdmin } from './access';
import { userView } from './present';
import type { UserListQuery } from './schema';
import { containsPattern } from '../../domain/text';

// `q` is matched literally: % and _ are text here, not patterns

type Sort = NonNullable<UserListQuery['sort']>;

// The sort key of each order, as text, then the name within it: status reads invited (1), active
// (2), deactivated (3), as userView names them.
const sortKey: Record<Sort, SQL<string>> = {
  name: sql<string>`${users.name}`,
  role: sql<string>`array_to_string(${users.roles}, ',') || ' ' || ${users.name}`,
  status: sql<string>`(case when not ${users.active} then '3' when ${users.passwordHash} is null then '1' else '2' end) || ' ' || ${users.name}`,
};

// as userView names them: an invitation not accepted yet is an active account without a password
const statusIs: Record<NonNullable<UserListQuery['status']>, SQL | undefined> = {
  invited: and(eq(users.active, true), isNull(users.passwordHash)),
  active: and(eq(users.active, true), isNotNull(users.passwordHash)),
  deactivated: eq(users.active, false),
};

const encodeSorted = (c: { s: Sort; k: string; id: string }) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeSorted(cursor: string, sort: Sort): { k: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { s?: unknown; k?: unknown; id?: unknown } | null;
    if (c?.s !== sort || typeof c.k !== 'string' || typeof c.id !== 'string' || !UUID.test(c.id)) throw new Error('shape');
    return { k: c.k, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out for this order', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);
  }
}

/** Accounts newest first (or by name, role or status), by role, by a piece of name or email, by active or status; keyset-paginated. */
export async function listUsers(ctx: ServiceContext, q: UserListQuery) {
  requireUserAdmin(ctx);
  const where: (SQL | undefined)[] = [];
  if (q.role) where.push(sql`${q.role} = any(${users.roles})`);
  if (q.q) where.push(or(ilike(users.name, containsPattern(q.q)), ilike(users.email, containsPattern(q.q))));
  if (q.active) where.push(eq(users.active, q.active === 'true'));
  if (q.status) where.push(statusIs[q.status]);
  if (q.sort) return sortedPage(ctx, q, q.sort, where);
  if (q.cursor) where.push(afterCursor(q.cursor, users.createdAt, users.id));
  const rows = await ctx.app.db
    .select({ user: users, cursorTime: cursorTime(users.createdAt) })
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => userView(r.user)),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorTime, id: last.user.id }) : null,
  };
}

async function sortedPage(ctx: ServiceContext, q: UserListQuery, sort: Sort, where: (SQL | undefined)[]) {
  const key = sortKey[sort];
  if (q.cursor) {
    const c = decodeSorted(q.cursor, sort);
    where.push(sql`(${key}, ${users.id}) > (${c.k}, ${c.id}::uuid)`);
  }
  const rows = await ctx.app.db
    .select({ user: users, key })
    .from(users)
    .where(and(...where))
    .orderBy(key, users.id)
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => userView(r.user)),
    nextCursor: rows.length > q.limit && last ? encodeSorted({ s: sort, k: last.key, id: last.user.id }) : null,
  };
}
