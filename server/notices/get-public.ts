import { sql } from 'drizzle-orm';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { formatYuan } from '../domain/money';
import { computeSubsidy } from '../domain/subsidy';
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
  contract_fen: string | null;
  limit_fen: string | null;
  premium_fen: string | null;
  rate_bp: number;
  premium_rate_cap_bp: number | null;
  limit_multiple: number | null;
  absolute_limit_fen: string | null;
}

/**
 * The subsidy a case in the notice would get: the one fixed at approval, or, while the notice runs,
 * S computed by the round's rule from the case's figures (SPEC §6) — what the public is shown to
 * object to. The per-firm cap and a pro-rata reduction, applied in approval order, may lower it later.
 */
const PROPOSING_STATES: ReadonlySet<string> = new Set(['awaitingNotice', 'notice', 'objection', 'reviewApproved']);

function proposedFen(c: CaseRowOut): bigint | null {
  if (c.subsidy_fen !== null) return BigInt(c.subsidy_fen);
  // a case that left the review (rejected on an objection upheld, withdrawn, lapsed) is proposed nothing
  if (!PROPOSING_STATES.has(c.state)) return null;
  if (c.contract_fen === null || c.limit_fen === null || c.premium_fen === null) return null;
  try {
    return computeSubsidy(
      { contractFen: BigInt(c.contract_fen), liabilityLimitFen: BigInt(c.limit_fen), premiumFen: BigInt(c.premium_fen) },
      { rateBp: c.rate_bp, premiumRateCapBp: c.premium_rate_cap_bp, limitMultiple: c.limit_multiple, absoluteLimitFen: c.absolute_limit_fen === null ? null : BigInt(c.absolute_limit_fen) },
    ).subsidyFen;
  } catch {
    // figures the rule refuses (none pass review): nothing to propose
    return null;
  }
}

/** GET /public/notices/:id: one notice and its cases. */
export async function getPublicNotice(app: AppContext, id: string) {
  const [notice] = (await app.db.execute(sql`
    select n.id, n.number, n.state, n.opened_at, n.starts_on::text as starts_on, ${endsOn} as ends_on, 0 as case_count
    from notices n where n.id = ${id} and n.state in ('open', 'closed')`)) as unknown as NoticeRowOut[];
  if (!notice) throw notFound('notice');
  const cases = (await app.db.execute(sql`
    select c.id as case_id, c.number as case_number, e.name as firm_name, c.material->>'name' as material_name,
           ce.seq as entry_seq, ce.name as entry_name, c.subsidy_fen::text as subsidy_fen, c.state,
           c.contract_amount_fen::text as contract_fen, c.liability_limit_fen::text as limit_fen, c.premium_fen::text as premium_fen,
           r.rate_bp, r.premium_rate_cap_bp, r.limit_multiple, r.absolute_limit_fen::text as absolute_limit_fen
    from notice_cases nc
    join cases c on c.id = nc.case_id
    join rounds r on r.id = c.round_id
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
      proposedSubsidy: ((fen) => (fen === null ? null : formatYuan(fen)))(proposedFen(c)),
      underObjection: c.state === 'objection',
    })),
  };
}
