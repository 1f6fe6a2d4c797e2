import type postgres from 'postgres';
import { cities } from '../server/domain/cities';
import { computeSubsidy, toDerivationJson } from '../server/domain/subsidy';
import { caseLinesSelect } from '../server/reports/case-line';
import type { PartResult } from './report';
import { msSince } from './stats';
import { benchDatabase, startBenchApp, step, type BenchConfig } from './support';
import { makeBenchWorld, type BenchWorld } from './world';

// SPEC §9 "a round report over 100,000 cases: under 10 s, memory flat (streamed)". The export is
// taken twice, of a round of N approved cases and of one of N/10: streamed, its peak memory is the
// same for both. Baseline: the same rows copied out by COPY … TO STDOUT through postgres.js, read
// and thrown away, in the same process — what reading the round costs before any spreadsheet.

// States of the approved cases, in tenths
const STATES = ['calculated', 'calculated', 'calculated', 'batched', 'paymentApproved', 'paid', 'paid', 'paid', 'recovery', 'recovered'];

/** `n` approved cases in a round of their own: copies of one submitted through the API, over a firm per city. */
async function seedRound(world: BenchWorld, sql: postgres.Sql, firms: Awaited<ReturnType<BenchWorld['firmIn']>>[], template: string, n: number, recoverer: string): Promise<string> {
  const [round] = await sql<{ id: string }[]>`
    insert into rounds (name, year, edition_id, opens_at, closes_at, insurance_starts_on, insurance_ends_on, insurer_ids, required_documents, clock_lengths)
    select name || '-' || ${n}, year, edition_id, opens_at, closes_at, insurance_starts_on, insurance_ends_on, insurer_ids, required_documents, clock_lengths
    from rounds where id = ${world.round.id} returning id`;
  if (!round) throw new Error('no round');
  const d = computeSubsidy({ contractFen: 1_000_000_000n, liabilityLimitFen: 6_000_000_000n, premiumFen: 150_000_000n }, { rateBp: 8000, premiumRateCapBp: 300, limitMultiple: 5, absoluteLimitFen: 50_000_000_000n });
  // one statement over the whole round: longer than a request's statement timeout on a busy machine
  await sql.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    await insertApprovedCases(tx, round.id, firms, template, n, recoverer, d);
  });
  return round.id;
}

async function insertApprovedCases(
  sql: postgres.TransactionSql,
  roundId: string,
  firms: Awaited<ReturnType<BenchWorld['firmIn']>>[],
  template: string,
  n: number,
  recoverer: string,
  d: ReturnType<typeof computeSubsidy>,
): Promise<void> {
  const s = String(d.subsidyFen);
  await sql`
    with c as (
      insert into cases (id, number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract,
        contract_amount_fen, policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, version,
        created_by, created_at, updated_at, submitted_at, approved_at, subsidy_fen, subsidy_derivation)
      select g.id, 'ZJ2026-R' || ${String(n)} || '-' || lpad(g.n::text, 7, '0'), ${roundId}, f.enterprise_id, f.city, t.catalogue_entry_id, t.material,
        t.user_unit, t.contract, 1000000000, jsonb_set(t.policy, '{number}', to_jsonb('PICC-R-' || g.id::text)), t.insurer_id, 6000000000, 150000000,
        (${STATES}::text[])[1 + g.n % ${STATES.length}], t.machine_version, jsonb_set(t.snapshot, '{context,caseId}', to_jsonb(g.id::text)), t.version, f.user_id,
        now() - interval '60 days', now(), now() - interval '59 days', now() - make_interval(secs => g.n),
        -- every seventh case trimmed by the per-firm cap to half
        case when g.n % 7 = 0 then ${s}::bigint / 2 else ${s}::bigint end, ${JSON.stringify(toDerivationJson(d))}::jsonb
      from (select gen_random_uuid() as id, x as n, 1 + x % ${firms.length} as firm from generate_series(1, ${n}::int) x) g
      join cases t on t.id = ${template}
      join (
        select * from unnest(${firms.map((f) => f.enterprise.id)}::uuid[], ${firms.map((f) => f.enterprise.city)}::text[], ${firms.map((f) => f.user.id)}::uuid[])
          with ordinality as x(enterprise_id, city, user_id, k)
      ) f on f.k = g.firm
      returning id, state, subsidy_fen, approved_at
    ), a as (
      insert into subsidy_adjustments (case_id, kind, before_fen, after_fen, basis, at)
      select id, 'perFirmCap', ${s}::bigint, subsidy_fen, '{}', approved_at from c where subsidy_fen < ${s}::bigint
    )
    insert into recoveries (case_id, reason, started_by, started_at, banned_until, amount_fen, reference)
    select id, '伪造保费发票', ${recoverer}, now(), current_date + 1095, case when state = 'recovered' then subsidy_fen end, case when state = 'recovered' then 'BACK' end
    from c where state in ('recovery', 'recovered')`;
}

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 2 ** 20;

interface Measured {
  ms: number;
  /** CPU time of this process (every thread, the compressor's included) */
  cpuMs: number;
  bytes: number;
  /** peak RSS above the start, as the process grew (GC slack included) */
  rssMiB: number;
  /** peak of heap in use + buffers outside it, after a full GC, above the same at the start; null without --expose-gc */
  liveMiB: number | null;
}

/**
 * Runs `fn` while sampling this process's memory. Timed runs only read RSS every 10 ms; a `live`
 * run forces a full GC every 250 ms first, so that what it reads is what is held, not garbage not
 * yet collected — that is what "flat" is about, and it costs the run its timing.
 */
async function measured(fn: () => Promise<number>, live = false): Promise<Measured> {
  const held = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  if (live) gc?.();
  const start = { rss: process.memoryUsage().rss, held: held() };
  let rss = start.rss;
  let peak = start.held;
  const timer = setInterval(
    () => {
      if (live) {
        gc?.();
        peak = Math.max(peak, held());
      }
      rss = Math.max(rss, process.memoryUsage().rss);
    },
    live ? 250 : 10,
  );
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  try {
    const bytes = await fn();
    const cpu = process.cpuUsage(cpu0);
    return { ms: msSince(t0), cpuMs: (cpu.user + cpu.system) / 1000, bytes, rssMiB: (rss - start.rss) / MiB, liveMiB: live && gc ? (peak - start.held) / MiB : null };
  } finally {
    clearInterval(timer);
  }
}

/** Reads a response to its end, keeping nothing but the count of bytes. */
async function drain(res: Response): Promise<number> {
  if (res.status !== 200 || !res.body) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).length;
  return bytes;
}

export async function benchRoundReport(config: BenchConfig): Promise<PartResult> {
  const n = config.BENCH_REPORT_CASES;
  const small = Math.max(1, Math.round(n / 10));
  step('report: database, template case and firms');
  const { url } = await benchDatabase('report');
  const bench = await startBenchApp(config, url);
  const sql = bench.app.database.sql;
  const world = await makeBenchWorld(bench.app.db, bench.url);
  const firms = [];
  for (const city of cities) firms.push(await world.firmIn(city.code));
  const first = firms[0];
  if (!first) throw new Error('no firm');
  const { id: template } = await world.draftCase(first.user);
  await world.send(template, first.user.token, { type: 'SUBMIT' });
  const finance = await world.person(['finance']);
  const provincial = await world.person(['provincial']);

  step(`report: inserting ${n} + ${small} approved cases`);
  const s0 = process.hrtime.bigint();
  const big = await seedRound(world, sql, firms, template, n, provincial.id);
  const little = await seedRound(world, sql, firms, template, small, provincial.id);
  await sql`analyze cases, subsidy_adjustments, recoveries`;
  const seedSeconds = msSince(s0) / 1000;

  const get = (path: string) => fetch(`${bench.url}/api/v1${path}`, { headers: { authorization: `Bearer ${finance.token}` } });
  const exportOf = (round: string) => async () => drain(await get(`/reports/rounds/${round}/cases.xlsx`));
  const copyOf = (round: string) => async () => {
    let bytes = 0;
    // a uuid of our own making: COPY takes no parameters
    const stream = await sql.unsafe(`copy (${caseLinesSelect(`'${round}'::uuid`)}) to stdout`).readable();
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return bytes;
  };
  step('report: JSON and summary workbook, the cases export and its COPY baseline, timed');
  const json = await measured(async () => (await (await get(`/reports/rounds/${big}`)).arrayBuffer()).byteLength);
  const aggregate = await measured(async () => (await sql`select count(*), sum(premium_fen), sum(subsidy_fen) from cases where round_id = ${big}`).length);
  const summary = await measured(async () => drain(await get(`/reports/rounds/${big}.xlsx`)));
  const exportBig = await measured(exportOf(big));
  const copy = await measured(copyOf(big));
  step(`report: the export of ${small} and ${n} rows again, and COPY, for the memory they hold${gc ? '' : ' (skipped: run node with --expose-gc)'}`);
  const live = gc ? { small: await measured(exportOf(little), true), big: await measured(exportOf(big), true), copy: await measured(copyOf(big), true) } : null;
  await bench.close();

  // holding the rows would cost at least their XML, about 0.5 KiB a row: some 40 MiB more for N than for N/10
  const grew = live ? (live.big.liveMiB ?? 0) - (live.small.liveMiB ?? 0) : 0;
  const liveRows = live
    ? [
        { metric: `cases.xlsx: memory held, ${n} vs ${small} rows`, unit: 'MiB', app: live.big.liveMiB ?? NaN, baseline: live.small.liveMiB ?? NaN, baselineName: `${small} rows`, target: 'flat: < 16 MiB more', met: grew < 16 },
        { metric: `cases.xlsx, ${n} rows: memory held`, unit: 'MiB', app: live.big.liveMiB ?? NaN, baseline: live.copy.liveMiB ?? NaN, baselineName: 'COPY' },
      ]
    : [];
  return {
    part: 'report',
    title: `5. Round report — ${n} approved cases (and a round of ${small}); baselines: one aggregate pass, COPY of the export's rows`,
    rows: [
      { metric: 'GET /reports/rounds/:id (JSON)', unit: 'ms', app: json.ms, baseline: aggregate.ms, baselineName: 'one aggregate', ratio: json.ms / aggregate.ms, target: '< 10 s', met: json.ms < 10_000 },
      { metric: 'GET /reports/rounds/:id.xlsx', unit: 'ms', app: summary.ms, baseline: aggregate.ms, baselineName: 'one aggregate', ratio: summary.ms / aggregate.ms, target: '< 10 s', met: summary.ms < 10_000 },
      { metric: `cases.xlsx, ${n} rows`, unit: 'ms', app: exportBig.ms, baseline: copy.ms, baselineName: 'COPY', ratio: exportBig.ms / copy.ms, target: '< 10 s', met: exportBig.ms < 10_000 },
      { metric: `cases.xlsx, ${n} rows: CPU`, unit: 'ms', app: exportBig.cpuMs, baseline: copy.cpuMs, baselineName: 'COPY', ratio: exportBig.cpuMs / copy.cpuMs },
      { metric: `cases.xlsx, ${n} rows: peak RSS growth`, unit: 'MiB', app: exportBig.rssMiB, baseline: copy.rssMiB, baselineName: 'COPY' },
      ...liveRows,
    ],
    notes: [
      `inserted ${n + small} approved cases in ${seedSeconds.toFixed(1)} s`,
      'CPU is the whole process, every thread: on a machine others share, it is the time the export needs, where its wall time is what it got',
      `workbook ${(exportBig.bytes / MiB).toFixed(1)} MiB for ${n} rows; COPY text ${(copy.bytes / MiB).toFixed(1)} MiB`,
      'memory is this process, server and reader together: RSS growth includes garbage not yet collected; "memory held" is heap in use + buffers after a full GC every 250 ms, its peak above the start',
    ],
    details: { n, small, seedSeconds, json, aggregate, summary, exportBig, copy, live },
  };
}
