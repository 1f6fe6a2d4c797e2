import type postgres from 'postgres';
import { seedListCases } from './list-seed';
import type { PartResult, Row } from './report';
import { msSince, planSummary, summarise, timeEach } from './stats';
import { benchDatabase, startBenchApp, step, type BenchConfig } from './support';
import { makeBenchWorld } from './world';

const CITY = '330100';
const STATE = 'municipal';

interface Page {
  items: unknown[];
  nextCursor: string | null;
}

interface Filter {
  /** a municipal reviewer of CITY sees its submitted cases; a provincial reviewer every submitted case */
  as: 'municipal' | 'provincial';
  state?: string;
  after?: { t: string; id: string };
}

/** The SQL of server/cases/list.ts (with visibility.ts), written out by hand. */
function rawList(sql: postgres.Sql, filter: Filter, explain = false) {
  return sql`
    ${explain ? sql`explain (analyze, format json)` : sql``}
    select id, number, state, version, city, round_id, enterprise_id, material, contract_amount_fen, created_at, submitted_at,
      to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_time
    from cases
    where submitted_at is not null ${filter.as === 'municipal' ? sql`and city = ${CITY}` : sql``}
      ${filter.state ? sql`and state = ${filter.state} and city = ${CITY}` : sql``}
      ${filter.after ? sql`and (created_at, id) < (${filter.after.t}::timestamptz, ${filter.after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit 21`;
}

/** SPEC §9: the case list over 100,000 cases, against the same SQL run raw through the driver. */
export async function benchList(config: BenchConfig): Promise<PartResult> {
  step('list: database and template cases');
  const { url } = await benchDatabase('list');
  const bench = await startBenchApp(config, url);
  const world = await makeBenchWorld(bench.app.db, bench.url);
  const t0 = process.hrtime.bigint();
  await seedListCases(world, bench.app.database.sql, config.BENCH_CASES);
  const seedSeconds = msSince(t0) / 1000;
  const reviewer = await world.reviewerIn(CITY);
  const sql = bench.app.database.sql;

  const provincial = await world.person(['provincial']);
  const tokens = { municipal: reviewer.token, provincial: provincial.token };
  const get = async (path: string, as: Filter['as'] = 'municipal'): Promise<Page> => {
    const res = await fetch(`${bench.url}/api/v1${path}`, { headers: { authorization: `Bearer ${tokens[as]}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Page;
  };
  const first = `/cases?state=${STATE}&city=${CITY}`;
  let deep = first;
  let depth = 1;
  for (; depth < config.BENCH_DEEP_PAGE; depth++) {
    const page = await get(deep);
    if (!page.nextCursor) break;
    deep = `${first}&cursor=${page.nextCursor}`;
  }
  const cursor = new URLSearchParams(deep.split('?')[1]).get('cursor');
  const after = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { t: string; id: string }) : undefined;
  const [matching] = await sql<{ n: string }[]>`select count(*) as n from cases where submitted_at is not null and city = ${CITY} and state = ${STATE}`;

  const variants: { name: string; path: string; filter: Filter }[] = [
    { name: 'first page', path: first, filter: { as: 'municipal', state: STATE } },
    { name: `page ${depth} (cursor)`, path: deep, filter: { as: 'municipal', state: STATE, after } },
    // beyond the brief: the unfiltered lists each reviewer opens first
    { name: 'municipal, no filter', path: '/cases', filter: { as: 'municipal' } },
    { name: 'provincial, no filter', path: '/cases', filter: { as: 'provincial' } },
  ];
  const rows: Row[] = [];
  const details: Record<string, unknown> = { cases: config.BENCH_CASES, matching: Number(matching?.n ?? 0), depth, seedSeconds, requests: config.BENCH_LIST_REQUESTS };
  for (const v of variants) {
    step(`list: ${v.name} × ${config.BENCH_LIST_REQUESTS}`);
    const app = summarise(await timeEach(config.BENCH_LIST_REQUESTS, () => get(v.path, v.filter.as), { budgetMs: 15_000 }));
    const raw = summarise(await timeEach(config.BENCH_LIST_REQUESTS, () => rawList(sql, v.filter), { budgetMs: 15_000 }));
    rows.push(
      { metric: `${v.name} p50`, unit: 'ms', app: app.p50, baseline: raw.p50, baselineName: 'raw SQL', ratio: app.p50 / raw.p50 },
      { metric: `${v.name} p99`, unit: 'ms', app: app.p99, baseline: raw.p99, baselineName: 'raw SQL', ratio: app.p99 / raw.p99, target: '< 50 ms', met: app.p99 < 50 },
    );
    details[v.name] = { path: v.path, app, raw, plan: planSummary(await rawList(sql, v.filter, true)) };
  }
  await bench.close();
  return {
    part: 'list',
    title: `2. GET /cases over ${config.BENCH_CASES} cases, as a municipal reviewer of ${CITY} and a provincial reviewer (baseline: the same query through the postgres driver)`,
    rows,
    notes: [
      `${details.matching as number} cases match state=${STATE}&city=${CITY}; up to ${config.BENCH_LIST_REQUESTS} sequential requests per variant (at least 100, at most ~15 s each: ${variants.map((v) => (details[v.name] as { app: { n: number } }).app.n).join(', ')}); bulk insert took ${seedSeconds.toFixed(1)} s`,
      ...variants.map((v) => `plan, ${v.name}: ${(details[v.name] as { plan: string }).plan}`),
    ],
    details,
  };
}
