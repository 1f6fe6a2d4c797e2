import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context';
import { badRequest, notFound } from '../errors';
import { formatYuan } from '../domain/money';

// What anyone may read of a notice (SPEC §2, "public"): the firm, the material, the catalogue
// entry, the proposed subsidy and the period — never a person's name, email, phone or bank account.
// Each query names its columns, so that a new personal column cannot leak by being added.

export const publicNoticesQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// the deadline is the notice's clock (a calendar correction recounts it), else as announced
const endsOn = sql`coalesce((select due_on::text from clocks k where k.owner_kind = 'notice' and k.owner_id = n.id and k.kind = 'noticePeriod' order by k.started_at desc limit 1), n.closes_on::text)`;

interface NoticeRowOut extends Record<string, unknown> {
  id: string;
  number: string;
  state: 'open' | 'closed';
  opened_at: Date | string;
  starts_on: string;
  ends_on: string;
  case_count: number;
}

const summary = (r: NoticeRowOut) => ({
  id: r.id,
  number: r.number,
  state: r.state,
  publishedAt: new Date(r.opened_at).toISOString(),
  startsOn: r.starts_on,
  endsOn: r.ends_on,
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

interface CaseRowOut extends Record<string, unknown> {
  case_id: string;
  case_number: string;
  firm_name: string;
  material_name: string | null;
  entry_seq: number;
  entry_name: string;
  subsidy_fen: string | null;
  state: string;
}

/** GET /public/notices/:id: one notice and its cases. */
export async function getPublicNotice(app: AppContext, id: string) {
  const [notice] = (await app.db.execute(sql`
    select n.id, n.number, n.state, n.opened_at, n.starts_on::text as starts_on, ${endsOn} as ends_on, 0 as case_count
    from notices n where n.id = ${id} and n.state in ('open', 'closed')`)) as unknown as NoticeRowOut[];
  if (!notice) throw notFound('notice');
  const cases = (await app.db.execute(sql`
    select c.id as case_id, c.number as case_number, e.name as firm_name, c.material->>'name' as material_name,
           ce.seq as entry_seq, ce.name as entry_name, c.subsidy_fen::text as subsidy_fen, c.state
    from notice_cases nc
    join cases c on c.id = nc.case_id
    join enterprises e on e.id = c.enterprise_id
    join catalogue_entries ce on ce.id = c.catalogue_entry_id
    where nc.notice_id = ${id}
    order by c.number`)) as unknown as CaseRowOut[];
  return {
    ...summary(notice),
    cases: cases.map((c) => ({
      caseId: c.case_id,
      caseNumber: c.case_number,
      firmName: c.firm_name,
      materialName: c.material_name ?? '',
      catalogueEntry: { seq: c.entry_seq, name: c.entry_name },
      proposedSubsidy: c.subsidy_fen === null ? null : formatYuan(BigInt(c.subsidy_fen)),
      underObjection: c.state === 'objection',
    })),
  };
}

function decode(s: string): { at: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as { at?: unknown; id?: unknown };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at)) || typeof c.id !== 'string' || !uuid.test(c.id)) throw new Error('shape');
    return { at: c.at, id: c.id };
  } catch {
    throw badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '无效的分页游标' }]);
  }
}
