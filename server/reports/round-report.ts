import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { cases, catalogueEntries, claims, insurers, recoveries, rounds, subsidyAdjustments } from '../../db/schema';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';
import { cities } from '../domain/cities';
import { assertReportReader, PAID_STATES, stateOrder } from './access';

// SPEC §7 `GET /reports/rounds/:id`, §9 "a round report over 100,000 cases": every section is one
// GROUP BY in Postgres, so the server holds a few hundred rows whatever the round's size. The
// sections are read in one read-only snapshot, so that they add up to each other.

export interface Counts {
  cases: number;
  submitted: number;
  approved: number;
  paid: number;
  recovered: number;
}

/** Money in fen; each figure is defined in schema.ts FIGURES. */
export interface Money {
  requested: bigint;
  approved: bigint;
  reduced: bigint;
  current: bigint;
  paid: bigint;
  recovered: bigint;
}

export interface CityFigures {
  city: string;
  name: string;
  nameEn: string;
  counts: Counts;
  money: Money;
}

/** The claims section (schema.ts claimsRowSchema), in fen. */
export interface ClaimsRow {
  catalogueEntryId: string;
  entryName: string;
  insurerId: string;
  insurerName: string;
  premiumsFen: bigint;
  claims: number;
  claimsPaid: number;
  paidFen: bigint;
  lossRatio: string | null;
}

export interface RoundReport {
  round: { id: string; name: string; year: number };
  generatedAt: Date;
  totals: { counts: Counts; money: Money };
  byState: { state: string; count: number }[];
  byCity: CityFigures[];
  byStateAndCity: { state: string; city: string; count: number }[];
  reductions: { kind: 'perFirmCap' | 'proRata'; cases: number; fen: bigint }[];
  claims: ClaimsRow[];
}

/** S as calculated on approval: the stored derivation's, or (before it is stored) the current figure. */
export const calculatedFen = sql`coalesce(((${cases.subsidyDerivation}->>'subsidy')::numeric * 100)::bigint, ${cases.subsidyFen})`;
const paidState = sql`${cases.state} in (${sql.join(
  PAID_STATES.map((s) => sql`${s}`),
  sql`, `,
)})`;
// sums of bigint are numeric in Postgres: read as text, exactly, into bigint
const fenSum = (expr: ReturnType<typeof sql>, filter: ReturnType<typeof sql>) => sql<string>`coalesce(sum(${expr}) filter (where ${filter}), 0)::text`;
const countWhere = (filter: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${filter}))::int`;

export async function roundReport(ctx: ServiceContext, roundId: string): Promise<RoundReport> {
  assertReportReader(ctx);
  return ctx.app.db.transaction(
    async (tx) => {
      const [round] = await tx.select({ id: rounds.id, name: rounds.name, year: rounds.year }).from(rounds).where(eq(rounds.id, roundId));
      if (!round) throw notFound('round (批次不存在)');
      const stateCity = await countsByStateAndCity(tx, roundId);
      const byCity = await figuresByCity(tx, roundId);
      return {
        round,
        generatedAt: ctx.app.clock.now(),
        totals: { counts: sumCounts(byCity.map((c) => c.counts)), money: sumMoney(byCity.map((c) => c.money)) },
        byState: byState(stateCity),
        byCity,
        byStateAndCity: stateCity,
        reductions: await reductionsByKind(tx, roundId),
        claims: await claimsByEntryAndInsurer(tx, roundId),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * Claims per catalogue entry and insurer (SPEC §9 issue: the loss ratio): the premiums of the
 * round's approved cases, beside the claims reported under their policies and what the insurers
 * paid; loss ratio = paid ÷ premiums, four decimals, in Postgres numeric. One GROUP BY: each
 * case's claims are summed first, so a case's premium counts once however many claims it has.
 */
async function claimsByEntryAndInsurer(tx: Tx, roundId: string): Promise<ClaimsRow[]> {
  const rows = (await tx.execute(sql`
    select c.catalogue_entry_id as entry_id, e.name as entry_name, c.insurer_id, i.name as insurer_name,
           coalesce(sum(c.premium_fen), 0)::text as premiums,
           coalesce(sum(k.n), 0)::int as claims, coalesce(sum(k.paid_n), 0)::int as claims_paid,
           coalesce(sum(k.paid), 0)::text as paid,
           case when coalesce(sum(c.premium_fen), 0) = 0 then null
                else round(coalesce(sum(k.paid), 0)::numeric / sum(c.premium_fen), 4)::text end as loss_ratio
    from ${cases} c
    join ${catalogueEntries} e on e.id = c.catalogue_entry_id
    join ${insurers} i on i.id = c.insurer_id
    left join lateral (
      select count(*) as n, count(*) filter (where ${claims.state} = 'paid') as paid_n, sum(${claims.paidFen}) as paid
      from ${claims} where ${claims.caseId} = c.id
    ) k on true
    where c.round_id = ${roundId} and c.approved_at is not null
    group by c.catalogue_entry_id, e.name, c.insurer_id, i.name
    order by e.name, i.name`)) as unknown as { entry_id: string; entry_name: string; insurer_id: string; insurer_name: string; premiums: string; claims: number; claims_paid: number; paid: string; loss_ratio: string | null }[];
  return rows.map((r) => ({
    catalogueEntryId: r.entry_id,
    entryName: r.entry_name,
    insurerId: r.insurer_id,
    insurerName: r.insurer_name,
    premiumsFen: BigInt(r.premiums),
    claims: r.claims,
    claimsPaid: r.claims_paid,
    paidFen: BigInt(r.paid),
    lossRatio: r.loss_ratio,
  }));
}

async function countsByStateAndCity(tx: Tx, roundId: string) {
  const rows = await tx
    .select({ state: cases.state, city: cases.city, count: sql<number>`count(*)::int` })
    .from(cases)
    .where(eq(cases.roundId, roundId))
    .groupBy(cases.state, cases.city);
  return rows.sort((a, b) => stateOrder(a.state) - stateOrder(b.state) || a.state.localeCompare(b.state) || a.city.localeCompare(b.city));
}

function byState(rows: { state: string; count: number }[]) {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.state, (totals.get(r.state) ?? 0) + r.count);
  return [...totals].map(([state, count]) => ({ state, count }));
}

async function figuresByCity(tx: Tx, roundId: string): Promise<CityFigures[]> {
  const submitted = sql`${cases.submittedAt} is not null`;
  const approved = sql`${cases.approvedAt} is not null`;
  const recorded = sql`${recoveries.amountFen} is not null`;
  const rows = await tx
    .select({
      city: cases.city,
      cases: sql<number>`count(*)::int`,
      submitted: countWhere(submitted),
      approved: countWhere(approved),
      paid: countWhere(sql`${approved} and ${paidState}`),
      recovered: countWhere(recorded),
      requested: fenSum(sql`${cases.premiumFen}`, submitted),
      approvedFen: fenSum(calculatedFen, approved),
      currentFen: fenSum(sql`${cases.subsidyFen}`, approved),
      paidFen: fenSum(sql`${cases.subsidyFen}`, sql`${approved} and ${paidState}`),
      recoveredFen: fenSum(sql`${recoveries.amountFen}`, recorded),
    })
    .from(cases)
    .leftJoin(recoveries, eq(recoveries.caseId, cases.id))
    .where(eq(cases.roundId, roundId))
    .groupBy(cases.city);
  const found = new Map(rows.map((r) => [r.city, r]));
  // every city of the province, a row of zeros where it has no case; then any other code found
  const codes = [...cities.map((c) => c.code as string), ...[...found.keys()].filter((code) => !cities.some((c) => c.code === code)).sort()];
  return codes.map((code) => {
    const r = found.get(code);
    const city = cities.find((c) => c.code === code);
    const approvedFen = BigInt(r?.approvedFen ?? '0');
    const currentFen = BigInt(r?.currentFen ?? '0');
    return {
      city: code,
      name: city?.name ?? code,
      nameEn: city?.nameEn ?? code,
      counts: { cases: r?.cases ?? 0, submitted: r?.submitted ?? 0, approved: r?.approved ?? 0, paid: r?.paid ?? 0, recovered: r?.recovered ?? 0 },
      money: {
        requested: BigInt(r?.requested ?? '0'),
        approved: approvedFen,
        reduced: approvedFen - currentFen,
        current: currentFen,
        paid: BigInt(r?.paidFen ?? '0'),
        recovered: BigInt(r?.recoveredFen ?? '0'),
      },
    };
  });
}

async function reductionsByKind(tx: Tx, roundId: string): Promise<RoundReport['reductions']> {
  const rows = await tx
    .select({
      kind: subsidyAdjustments.kind,
      cases: sql<number>`count(distinct ${subsidyAdjustments.caseId})::int`,
      fen: sql<string>`sum(${subsidyAdjustments.beforeFen} - ${subsidyAdjustments.afterFen})::text`,
    })
    .from(subsidyAdjustments)
    .innerJoin(cases, eq(cases.id, subsidyAdjustments.caseId))
    .where(and(eq(cases.roundId, roundId), isNotNull(cases.approvedAt)))
    .groupBy(subsidyAdjustments.kind)
    .orderBy(subsidyAdjustments.kind);
  return rows.map((r) => ({ kind: r.kind, cases: r.cases, fen: BigInt(r.fen) }));
}

function sumCounts(parts: Counts[]): Counts {
  const total: Counts = { cases: 0, submitted: 0, approved: 0, paid: 0, recovered: 0 };
  for (const p of parts) {
    total.cases += p.cases;
    total.submitted += p.submitted;
    total.approved += p.approved;
    total.paid += p.paid;
    total.recovered += p.recovered;
  }
  return total;
}

function sumMoney(parts: Money[]): Money {
  const total: Money = { requested: 0n, approved: 0n, reduced: 0n, current: 0n, paid: 0n, recovered: 0n };
  for (const p of parts) {
    total.requested += p.requested;
    total.approved += p.approved;
    total.reduced += p.reduced;
    total.current += p.current;
    total.paid += p.paid;
    total.recovered += p.recovered;
  }
  return total;
}
