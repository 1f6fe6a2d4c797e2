import { inArray, sql } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { formatYuan } from '../domain/money';
import { computeSubsidy } from '../domain/subsidy';
import { subsidyParams } from '../cases/subsidy';
import { endsOn, summary, type NoticeRowOut } from './public-columns';

type RoundRow = typeof rounds.$inferSelect;

interface CaseRowOut extends Record<string, unknown> {
  case_id: string;
  case_number: string;
  firm_name: string;
  material_name: string | null;
  entry_seq: number;
  entry_name: string;
  subsidy_fen: string | null;
  state: string;
  round_id: string;
  contract_fen: string | null;
  limit_fen: string | null;
  premium_fen: string | null;
}

// a case still in the review's last stages; one that left it (rejected on an objection upheld,
// withdrawn, lapsed) is proposed nothing
const PROPOSING_STATES: ReadonlySet<string> = new Set(['awaitingNotice', 'notice', 'objection', 'reviewApproved']);
/** Why a case on a notice gets no subsidy after all, said where its proposed figure would be: an upheld objection rejected it, or the firm withdrew it. */
const NOT_GRANTED = ['rejected', 'withdrawn'] as const;

/**
 * The subsidy a case in the notice would get: the one fixed at approval, or, while the notice runs,
 * S computed by its round's rule from the case's figures (SPEC §6) — what the public is shown to
 * object to. The per-firm cap and a pro-rata reduction, applied in approval order, may lower it later.
 */
export function proposedFen(c: Pick<CaseRowOut, 'subsidy_fen' | 'state' | 'contract_fen' | 'limit_fen' | 'premium_fen'>, round: RoundRow | undefined): bigint | null {
  if (c.subsidy_fen !== null) return BigInt(c.subsidy_fen);
  if (!round || !PROPOSING_STATES.has(c.state) || c.contract_fen === null || c.limit_fen === null || c.premium_fen === null) return null;
  try {
    return computeSubsidy({ contractFen: BigInt(c.contract_fen), liabilityLimitFen: BigInt(c.limit_fen), premiumFen: BigInt(c.premium_fen) }, subsidyParams(round)).subsidyFen;
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
           ce.seq as entry_seq, ce.name as entry_name, c.subsidy_fen::text as subsidy_fen, c.state, c.round_id,
           c.contract_amount_fen::text as contract_fen, c.liability_limit_fen::text as limit_fen, c.premium_fen::text as premium_fen
    from notice_cases nc
    join cases c on c.id = nc.case_id
    join enterprises e on e.id = c.enterprise_id
    join catalogue_entries ce on ce.id = c.catalogue_entry_id
    where nc.notice_id = ${id}
    order by c.number`)) as unknown as CaseRowOut[];
  const roundIds = [...new Set(cases.map((c) => c.round_id))];
  const roundsOf = new Map((roundIds.length === 0 ? [] : await app.db.select().from(rounds).where(inArray(rounds.id, roundIds))).map((r) => [r.id, r]));
  return {
    ...summary(notice),
    cases: cases.map((c) => ({
      caseId: c.case_id,
      caseNumber: c.case_number,
      firmName: c.firm_name,
      materialName: c.material_name ?? '',
      catalogueEntry: { seq: c.entry_seq, name: c.entry_name },
      proposedSubsidy: ((fen) => (fen === null ? null : formatYuan(fen)))(proposedFen(c, roundsOf.get(c.round_id))),
      underObjection: c.state === 'objection',
      notGranted: NOT_GRANTED.find((state) => state === c.state) ?? null,
    })),
  };
}
