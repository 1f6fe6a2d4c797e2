import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { env } from '../server/env';
import { createQueues, producerConnection } from '../server/jobs/queues';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { startSink } from './email';
import { forkLoad, makeClients } from './events-load';
import type { ClientPlan } from './events-client';
import { runPgbench } from './pgbench';
import type { PartResult } from './report';
import postgres from 'postgres';
import { pgConnection } from '../db/url';
import { processesCpuMeter, serverTreeCpuMeter, summarise } from './stats';
import { benchDatabase, onCleanup, startBenchApp, step, type BenchConfig } from './support';
import { makeBenchWorld } from './world';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm start` as shipped — server/main.ts with its workers and its default (info) logging — run as
 * 1, 2 and 4 processes on one port (WEB_CONCURRENCY), under the events part's RETURN/RESUBMIT load,
 * beside pgbench -N in the same run (SPEC §9; docs/SCALING.md).
 */
export async function benchScale(config: BenchConfig): Promise<PartResult> {
  step('scale: database, world and cases');
  const { url } = await benchDatabase('scale');
  const bench = await startBenchApp(config, url);
  const world = await makeBenchWorld(bench.app.db, bench.url);
  const perClient = Math.max(1, Math.floor(config.BENCH_EVENT_CASES / config.BENCH_CLIENTS));
  let clients: ClientPlan[] = await makeClients(world, config, perClient);
  await bench.close();

  step(`scale: pgbench -N, ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s`);
  const pg = await runPgbench({ clients: config.BENCH_CLIENTS, seconds: config.BENCH_SECONDS, warmupSeconds: config.BENCH_WARMUP_SECONDS, scale: config.BENCH_PGBENCH_SCALE });

  // the servers' queues live under a prefix of their own, emptied at the end
  const queuePrefix = `{bench-scale-${randomUUID().slice(0, 8)}}`;
  onCleanup(async () => {
    const redis = producerConnection(env.REDIS_URL);
    const queues = createQueues(redis, queuePrefix);
    for (const q of [queues.notifications, queues.deadlines]) await q.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([queues.notifications.close(), queues.deadlines.close()]);
    redis.disconnect();
  });
  const admin = postgres(pgConnection(url).url, { host: pgConnection(url).host, max: 1, onnotice: () => undefined });
  onCleanup(() => admin.end());
  const backendsOf = async () => (await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`).map((r) => r.pid);
  // a mail server for the workers to send to, as a deployment has one; or, with BENCH_SCALE_SMTP=none,
  // a port where nothing listens, as on a fresh machine
  const sink = await startSink();
  const smtpUrl = config.BENCH_SCALE_SMTP === 'none' ? `smtp://127.0.0.1:${await closedPort()}` : sink.url;
  const rows: PartResult['rows'] = [];
  const details: Record<string, unknown> = { pgbench: pg };
  for (const processes of config.BENCH_SCALE_PROCESSES.split(',').map(Number)) {
    step(`scale: npm start with ${processes} process(es), ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s`);
    const port = await closedPort();
    const server = await startServer({ databaseUrl: url, port, processes, queuePrefix, smtpUrl, profile: config.BENCH_PROFILE === '1' });
    try {
      // CPU per event, which the machine's other load does not inflate: the server's processes, and
      // the Postgres backends serving this database (pg_stat_activity), over the whole load
      const nodeCpu = await serverTreeCpuMeter(server.pid ?? 0);
      const pgCpu = await processesCpuMeter(backendsOf);
      const load = await forkLoad({ baseUrl: `http://127.0.0.1:${port}`, warmupMs: config.BENCH_WARMUP_SECONDS * 1000, durationMs: config.BENCH_SECONDS * 1000, clients });
      const cpuPerEvent = { node: (await nodeCpu()) / load.completed, postgres: (await pgCpu()) / load.completed };
      clients = load.final;
      const rate = load.latencies.length / (load.measuredMs / 1000);
      const lat = summarise(load.latencies);
      rows.push({ metric: `${processes} process${processes > 1 ? 'es' : ''}: CPU per event, server (Postgres)`, unit: 'ms', app: cpuPerEvent.node, baseline: cpuPerEvent.postgres, baselineName: 'Postgres' });
      rows.push({ metric: `${processes} process${processes > 1 ? 'es' : ''}: throughput`, unit: '/s', app: rate, baseline: pg.tps, baselineName: 'tps', ratio: rate / pg.tps, target: 'ratio ≥ 0.2', met: rate / pg.tps >= 0.2 });
      rows.push({ metric: `${processes} process${processes > 1 ? 'es' : ''}: latency p99`, unit: 'ms', app: lat.p99, baseline: pg.latency.p99, target: '< 50 ms', met: lat.p99 < 50 });
      details[`processes${processes}`] = { rate, latency: lat, cpuPerEvent, errors: load.errors, errorSamples: load.errorSamples, byType: load.byType };
    } finally {
      await stopServer(server);
    }
  }
  return {
    part: 'scale',
    title: `5. npm start as shipped (workers, info logging) as 1, 2, 4 processes — ${config.BENCH_CLIENTS} clients, ${config.BENCH_SECONDS} s (baseline: pgbench -N)`,
    rows,
    notes: [config.BENCH_SCALE_SMTP === 'none' ? 'no SMTP server listening (BENCH_SCALE_SMTP=none): the emails wait and are retried' : `emails sent to a local sink meanwhile: ${sink.received()}`, 'each process has its own pool (POOL_SIZE) and its own workers; the machine has as many cores as the header says, shared with Postgres'],
    details,
  };
}

async function startServer(o: { databaseUrl: string; port: number; processes: number; queuePrefix: string; smtpUrl: string; profile: boolean }): Promise<ChildProcess> {
  const { databaseUrl, port, processes, queuePrefix, smtpUrl } = o;
  // with BENCH_PROFILE=1 every process of the server writes a CPU profile when it stops
  const profile = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench', 'results', `scale-${processes}`)}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), WEB_CONCURRENCY: String(processes), QUEUE_PREFIX: queuePrefix, SMTP_URL: smtpUrl, LOG_LEVEL: 'info' },
    // the request log is written as a user would get it, and thrown away here
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  onCleanup(() => stopServer(child));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error('the server did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** A loopback port nothing listens on: one the system just gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
