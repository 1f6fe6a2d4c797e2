import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { ServiceContext } from '../../context';
import { afterCursor, cursorTime, encodeCursor } from '../../domain/keyset';
import { requireUserAdmin } from './access';
import { userView } from './present';
import type { UserListQuery } from './schema';

// `q` is matched literally: % and _ are text here, not patterns
const literal = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Accounts newest first, by role, by a piece of name or email, by active; keyset-paginated. */
export async function listUsers(ctx: ServiceContext, q: UserListQuery) {
  requireUserAdmin(ctx);
  const where: (SQL | undefined)[] = [];
  if (q.role) where.push(sql`${q.role} = any(${users.roles})`);
  if (q.q) where.push(or(ilike(users.name, literal(q.q)), ilike(users.email, literal(q.q))));
  if (q.active) where.push(eq(users.active, q.active === 'true'));
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
