import os from 'node:os';
import { diagnoseEvents } from './events-diagnose';
import { forkLoad, makeClients } from './events-load';
import { captureEventSql } from './capture';
import { pgbenchScript } from './event-script';
import { runPgbench, runPgbenchScript } from './pgbench';
import { profiled } from './profile';
import type { PartResult } from './report';
import { cpuMeter, summarise } from './stats';
import { benchDatabase, startBenchApp, step, type BenchApp, type BenchConfig } from './support';
import { makeBenchWorld } from './world';

async function counts(bench: BenchApp): Promise<Record<string, number>> {
  const [row] = await bench.app.database.sql<Record<string, string>[]>`
    select (select count(*) from history) as history, (select count(*) from outbox) as outbox, (select count(*) from timers) as timers,
           (select count(*) from email_deliveries) as deliveries, (select count(*) from clock_events) as "clockEvents"`;
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

const perUnit = (ms: number, n: number) => (n > 0 ? (ms / n).toFixed(2) : '?');

/** SPEC §9: POST /cases/:id/events end to end at 8 clients, against pgbench -N on the same server. */
export async function benchEvents(config: BenchConfig): Promise<PartResult> {
  step('events: database, world and cases');
  const { url } = await benchDatabase('events');
  const bench = await startBenchApp(config, url);
  const world = await makeBenchWorld(bench.app.db, bench.url);
  const perClient = Math.max(1, Math.floor(config.BENCH_EVENT_CASES / config.BENCH_CLIENTS));
  const clients = await makeClients(world, config, perClient);
  const pgOptions = { seconds: config.BENCH_SECONDS, warmupSeconds: config.BENCH_WARMUP_SECONDS, scale: config.BENCH_PGBENCH_SCALE };

  step(`events: pgbench -N, ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s`);
  const pg = await runPgbench({ ...pgOptions, clients: config.BENCH_CLIENTS });

  step(`events: ${config.BENCH_CLIENTS} clients × ${perClient} cases, ${config.BENCH_WARMUP_SECONDS} s warm-up + ${config.BENCH_SECONDS} s`);
  const before = await counts(bench);
  const meter = cpuMeter();
  const plan = { baseUrl: bench.url, warmupMs: config.BENCH_WARMUP_SECONDS * 1000, durationMs: config.BENCH_SECONDS * 1000, clients };
  const load = await profiled(config.BENCH_PROFILE === '1', 'events', () => forkLoad(plan));
  const cpu = meter();
  const after = await counts(bench);

  step('events: 1 client alone, pgbench -N -c 1, the price of one statement, GET /healthz');
  const d = await diagnoseEvents(bench, load.final, config.BENCH_SECONDS, config.BENCH_PGBENCH_SCALE);

  step(`events: the app's own SQL of a RETURN and a RESUBMIT as a pgbench script, ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s`);
  const captured = await captureEventSql(bench, world, config, config.BENCH_CLIENTS);
  const script = pgbenchScript(captured);
  await bench.close();
  const own = await runPgbenchScript({ ...pgOptions, url, script: script.script, clients: config.BENCH_CLIENTS, eventsPerRun: captured.events.length });

  const lat = summarise(load.latencies);
  const rate = load.latencies.length / (load.measuredMs / 1000);
  const one = summarise(d.serial?.latencies ?? []);
  const oneRate = (d.serial?.latencies.length ?? 0) / d.serialSeconds;
  const events = (after.history ?? 0) - (before.history ?? 0);
  const written = Object.keys(after).map((k) => `${k} ${perUnit((after[k] ?? 0) - (before[k] ?? 0), events)}`);
  return {
    part: 'events',
    title: `1. POST /cases/:id/events — ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s (baseline: pgbench -N, same clients and duration)`,
    rows: [
      { metric: 'throughput', unit: '/s', app: rate, baseline: pg.tps, baselineName: 'tps', ratio: rate / pg.tps, target: 'ratio ≥ 0.2', met: rate / pg.tps >= 0.2 },
      { metric: 'throughput, beside its own SQL', unit: '/s', app: rate, baseline: own.eventsPerSecond, baselineName: 'events, pgbench script', ratio: rate / own.eventsPerSecond, target: 'ratio ≥ 0.5', met: rate / own.eventsPerSecond >= 0.5 },
      { metric: 'latency p50', unit: 'ms', app: lat.p50, baseline: pg.latency.p50 },
      { metric: 'latency p95', unit: 'ms', app: lat.p95, baseline: pg.latency.p95 },
      { metric: 'latency p99', unit: 'ms', app: lat.p99, baseline: pg.latency.p99, target: '< 50 ms', met: lat.p99 < 50 },
      { metric: 'latency p99, its own SQL', unit: 'ms', app: lat.p99, baseline: own.latency.p99, baselineName: 'per event, pgbench script' },
      { metric: 'latency max', unit: 'ms', app: lat.max, baseline: pg.latency.max },
      { metric: '1 client: throughput', unit: '/s', app: oneRate, baseline: d.pgSerial.tps, baselineName: 'tps', ratio: oneRate / d.pgSerial.tps },
      { metric: '1 client: latency p50', unit: 'ms', app: one.p50, baseline: d.pgSerial.latency.p50 },
      { metric: '1 client: latency p99', unit: 'ms', app: one.p99, baseline: d.pgSerial.latency.p99 },
      { metric: `GET /healthz, ${config.BENCH_CLIENTS} clients`, unit: '/s', app: d.floor.rate },
      { metric: 'SQL statements per event', unit: '', app: d.statementsPerEvent, baseline: 5, baselineName: 'pgbench -N script', ratio: d.statementsPerEvent / 5 },
      { metric: 'one indexed select, drizzle p50', unit: 'ms', app: d.drizzleSelect.p50, baseline: d.preparedSelect.p50, baselineName: 'prepared', ratio: d.drizzleSelect.p50 / d.preparedSelect.p50 },
    ],
    notes: [
      `events by type: ${JSON.stringify(load.byType)}; refused: ${load.errors + (d.serial?.errors ?? 0)}${load.errorSamples.length ? ` — ${load.errorSamples.join(' | ')}` : ''}`,
      `CPU, app run: server process ${cpu.processPct} % of one core, machine ${cpu.machinePct} % of ${os.cpus().length} cores — per event ${perUnit(cpu.processMs, events)} ms of server CPU (${perUnit(cpu.processSystemMs, events)} ms of it in the kernel), ${perUnit(cpu.machineMs, events)} ms of machine CPU`,
      `CPU, pgbench run: machine ${pg.cpu.machinePct} % — per transaction ${perUnit(pg.cpu.machineMs, pg.transactions)} ms of machine CPU`,
      `CPU, the app's SQL as a pgbench script: machine ${own.cpu.machinePct} % — per event ${perUnit(own.cpu.machineMs, own.transactions * captured.events.length)} ms of machine CPU; the app's ${script.statements} statements of a ${captured.events.map((e) => e.name).join(' + ')} (${captured.events.map((e) => e.statements.length).join(' + ')}), plus one per event choosing ids`,
      `rows written per event (warm-up included): ${written.join(', ')}`,
    ],
    details: {
      app: { events: load.latencies.length, latency: lat, byType: load.byType, errors: load.errors, errorSamples: load.errorSamples, cpu },
      pgbench: pg,
      pgbenchScript: { ...own, statements: script.statements, script: script.script },
      diagnosis: {
        serial: { latency: one, rate: oneRate, byType: d.serial?.byType, seconds: d.serialSeconds },
        pgSerial: d.pgSerial,
        statementsPerEvent: d.statementsPerEvent,
        drizzleSelect: d.drizzleSelect,
        preparedSelect: d.preparedSelect,
        floor: d.floor,
      },
      casesPerClient: perClient,
      rows: { before, after },
    },
  };
}
