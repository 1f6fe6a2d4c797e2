import type postgres from 'postgres';
import { cityByCode } from '../domain/cities';
import type { SubsidyFlag } from '../domain/subsidy';
import { stateName } from './access';
import { shanghaiWallClock, yuanNumber, type ColumnKind } from './xlsx';

// One approved case as a row of the cases export: the case, its inputs, each value of the §6
// derivation as calculated, each adjustment's total, and the subsidy now.

/** A row of caseLinesQuery, as postgres.js reads it (bigint columns as bigint, jsonb parsed). */
export interface CaseLineRow {
  number: string;
  firm: string;
  uscc: string;
  city: string;
  entry_seq: number;
  entry: string;
  state: string;
  /** ISO 8601 in UTC: drizzle's driver leaves timestamps as text on the shared client */
  approved_at: string;
  premium_fen: bigint | null;
  contract_amount_fen: bigint | null;
  liability_limit_fen: bigint | null;
  subsidised_limit_fen: bigint | null;
  eligible_premium_fen: bigint | null;
  calculated_fen: bigint | null;
  cap_fen: bigint;
  pro_rata_fen: bigint;
  subsidy_fen: bigint | null;
  recovered_fen: bigint | null;
  flags: SubsidyFlag[];
  rule_version: string | null;
}

export const CASE_COLUMNS: readonly { header: string; kind: ColumnKind; width: number }[] = [
  { header: '申请编号 Case number', kind: 'text', width: 18 },
  { header: '申报企业 Firm', kind: 'text', width: 28 },
  { header: '统一社会信用代码 USCC', kind: 'text', width: 22 },
  { header: '城市代码 City code', kind: 'text', width: 10 },
  { header: '城市 City', kind: 'text', width: 10 },
  { header: '目录序号 Entry no.', kind: 'count', width: 8 },
  { header: '目录条目 Catalogue entry', kind: 'text', width: 32 },
  { header: '状态 State', kind: 'text', width: 14 },
  { header: '状态名称 State name', kind: 'text', width: 16 },
  { header: '批准时间（北京时间） Approved at (Beijing time)', kind: 'instant', width: 20 },
  { header: '保费 P Premium', kind: 'money', width: 16 },
  { header: '合同金额 C Contract amount', kind: 'money', width: 18 },
  { header: '责任限额 L Liability limit', kind: 'money', width: 18 },
  { header: "补偿责任限额 L′ Subsidised limit", kind: 'money', width: 18 },
  { header: '可补偿保费 E Eligible premium', kind: 'money', width: 16 },
  { header: '核定补偿 S Subsidy as calculated', kind: 'money', width: 16 },
  { header: '单户上限核减 Per-firm cap', kind: 'money', width: 14 },
  { header: '按比例核减 Pro-rata reduction', kind: 'money', width: 14 },
  { header: '当前补偿 Current subsidy', kind: 'money', width: 16 },
  { header: '追回金额 Recovered', kind: 'money', width: 14 },
  { header: '标记 Flags', kind: 'text', width: 30 },
  { header: '规则版本 Rule version', kind: 'text', width: 12 },
];

const FLAG_NAMES: Record<SubsidyFlag, string> = {
  premium_rate_above_cap: '费率超过上限 premium rate above the cap',
  limit_capped_by_multiple: '限额按合同金额倍数封顶 limit capped by the contract multiple',
  limit_capped_by_absolute: '限额按绝对上限封顶 limit capped by the absolute limit',
};

const money = (fen: bigint | null): number | null => (fen === null ? null : yuanNumber(fen));

/** The cells of one row, in CASE_COLUMNS order: money and counts as numbers, never text. */
export function caseLine(r: CaseLineRow): unknown[] {
  return [
    r.number,
    r.firm,
    r.uscc,
    r.city,
    cityByCode(r.city)?.name ?? r.city,
    r.entry_seq,
    r.entry,
    r.state,
    stateName(r.state).zh,
    shanghaiWallClock(new Date(r.approved_at)),
    money(r.premium_fen),
    money(r.contract_amount_fen),
    money(r.liability_limit_fen),
    money(r.subsidised_limit_fen),
    money(r.eligible_premium_fen),
    money(r.calculated_fen),
    money(r.cap_fen),
    money(r.pro_rata_fen),
    money(r.subsidy_fen),
    money(r.recovered_fen),
    r.flags.map((f) => FLAG_NAMES[f] ?? f).join('；'),
    r.rule_version,
  ];
}

/**
 * The approved cases of a round in approval order (the order of the per-firm cap and the pro-rata
 * reduction, SPEC §6), walking the index cases_approved_idx. The derivation stores L′, E and S as
 * yuan text; they are read back as fen exactly in numeric. `round` is the SQL that names the round
 * (a parameter here; bench/round-report.ts copies the same rows out with COPY, which takes none).
 */
export const caseLinesSelect = (round: string): string => `
    select c.number, e.name as firm, e.uscc, c.city, ce.seq as entry_seq, ce.name as entry, c.state,
      to_char(c.approved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as approved_at,
      c.premium_fen, c.contract_amount_fen, c.liability_limit_fen,
      ((c.subsidy_derivation->>'subsidisedLimit')::numeric * 100)::bigint as subsidised_limit_fen,
      ((c.subsidy_derivation->>'eligiblePremium')::numeric * 100)::bigint as eligible_premium_fen,
      coalesce(((c.subsidy_derivation->>'subsidy')::numeric * 100)::bigint, c.subsidy_fen) as calculated_fen,
      coalesce(a.cap_fen, 0)::bigint as cap_fen, coalesce(a.pro_rata_fen, 0)::bigint as pro_rata_fen,
      c.subsidy_fen, r.amount_fen as recovered_fen,
      coalesce(c.subsidy_derivation->'flags', '[]') as flags, c.subsidy_derivation->>'ruleVersion' as rule_version
    from cases c
    join enterprises e on e.id = c.enterprise_id
    join catalogue_entries ce on ce.id = c.catalogue_entry_id
    left join recoveries r on r.case_id = c.id
    left join lateral (
      select sum(x.before_fen - x.after_fen) filter (where x.kind = 'perFirmCap') as cap_fen,
        sum(x.before_fen - x.after_fen) filter (where x.kind = 'proRata') as pro_rata_fen
      from subsidy_adjustments x where x.case_id = c.id
    ) a on true
    where c.round_id = ${round} and c.approved_at is not null
    order by c.approved_at, c.number`;

export function caseLinesQuery(sql: postgres.Sql | postgres.TransactionSql, roundId: string) {
  return sql.unsafe<CaseLineRow[]>(caseLinesSelect('$1::uuid'), [roundId], { prepare: true });
}
