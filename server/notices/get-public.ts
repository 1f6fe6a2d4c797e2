import { sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { formatYuan } from '../domain/money';
import { endsOn, summary, type NoticeRowOut } from './public-columns';

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
