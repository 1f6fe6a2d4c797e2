import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { badRequest } from '../errors';
import { isCalendarInstant, UUID } from '../domain/keyset';
import { endsOn, summary, type NoticeRowOut } from './public-columns';

export const publicNoticesQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** GET /public/notices: open and closed notices, newest first. */
export async function listPublicNotices(app: AppContext, q: z.output<typeof publicNoticesQuerySchema>) {
  const after = q.cursor ? decode(q.cursor) : null;
  const rows = (await app.db.execute(sql`
    select n.id, n.number, n.state, n.opened_at, n.starts_on::text as starts_on, ${endsOn} as ends_on,
           (select count(*)::int from notice_cases nc where nc.notice_id = n.id) as case_count
    from notices n
    where n.state in ('open', 'closed')
      ${after ? sql`and (n.opened_at, n.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by n.opened_at desc, n.id desc
    limit ${q.limit + 1}`)) as unknown as NoticeRowOut[];
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...summary(r), caseCount: r.case_count })),
    nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify({ at: new Date(last.opened_at).toISOString(), id: last.id })).toString('base64url') : null,
  };
}

function decode(s: string): { at: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as { at?: unknown; id?: unknown };
    // the instant as toISOString() writes it, and a real one: Date.parse takes "March 7" and 30 February
    if (typeof c.at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(c.at) || !isCalendarInstant(c.at) || typeof c.id !== 'string' || !UUID.test(c.id)) throw new Error('shape');
    return { at: c.at, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '无效的分页游标' }]);
  }
}
