import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpuMeter, summarise, type CpuUse, type Summary } from './stats';
import { benchDatabase, dropDatabase } from './support';

const run = promisify(execFile);

export interface PgbenchResult {
  tps: number;
  transactions: number;
  latency: Summary;
  command: string;
  /** during the measured run only */
  cpu: CpuUse;
}

/** Connection flags for pgbench from a postgres:// URL; the password travels in PGPASSWORD, not argv. */
function connection(url: string) {
  const u = new URL(url);
  // over the app's own transport: a Unix socket's directory in libpq's `host` parameter, else TCP
  const host = u.searchParams.get('host')?.startsWith('/') ? (u.searchParams.get('host') ?? '') : u.hostname;
  const args = ['-h', host, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const envVars = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  return { args, env: envVars, db: decodeURIComponent(u.pathname.slice(1)) };
}

/** Latencies (ms) from pgbench's per-transaction logs: "client tx latency_us script epoch us". */
async function readLogs(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const file of await readdir(dir)) {
    for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (line && Number.isFinite(us)) out.push(us / 1000);
    }
  }
  return out;
}

/**
 * The baseline of SPEC §9: pgbench's built-in simple-update script (-N) on the same server, with
 * the same number of clients, for the same duration, in a throw-away database.
 */
export async function runPgbench(options: { clients: number; seconds: number; warmupSeconds: number; scale: number }): Promise<PgbenchResult> {
  const { name, url } = await benchDatabase('pgbench', { migrate: false });
  const c = connection(url);
  const logs = await mkdtemp(path.join(os.tmpdir(), 'firstbatch-pgbench-'));
  try {
    await run('pgbench', ['-i', '-q', '-s', String(options.scale), ...c.args, c.db], { env: c.env });
    const threads = String(Math.max(1, Math.min(options.clients, os.cpus().length)));
    const common = ['-N', '-c', String(options.clients), '-j', threads, ...c.args];
    if (options.warmupSeconds > 0) await run('pgbench', [...common, '-T', String(Math.ceil(options.warmupSeconds)), c.db], { env: c.env });
    const measured = [...common, '-n', '-T', String(options.seconds), '-l', `--log-prefix=${path.join(logs, 'tx')}`, c.db];
    const meter = cpuMeter();
    const { stdout } = await run('pgbench', measured, { env: c.env, maxBuffer: 16 * 1024 * 1024 });
    const cpu = meter();
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
    const tx = /number of transactions actually processed: (\d+)/.exec(stdout)?.[1];
    if (!tps || !tx) throw new Error(`could not read pgbench's output:\n${stdout}`);
    return { tps: Number(tps), transactions: Number(tx), latency: summarise(await readLogs(logs)), command: `pgbench ${measured.join(' ').replace(logs, '<tmp>')}`, cpu };
  } finally {
    await rm(logs, { recursive: true, force: true });
    await dropDatabase(name);
  }
}

/**
 * SPEC §9's second baseline: a custom pgbench script (bench/event-script.ts) in the app's own
 * database, with the same clients and duration. `eventsPerRun` events make one script run.
 */
export async function runPgbenchScript(options: { url: string; script: string; clients: number; seconds: number; warmupSeconds: number; eventsPerRun: number }): Promise<PgbenchResult & { eventsPerSecond: number }> {
  const c = connection(options.url);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'firstbatch-pgbench-script-'));
  try {
    const file = path.join(dir, 'event.sql');
    await writeFile(file, options.script);
    const threads = String(Math.max(1, Math.min(options.clients, os.cpus().length)));
    // prepared, as the app's driver prepares every statement (db/prepared.ts)
    const common = ['-n', '-M', 'prepared', '-f', file, '-c', String(options.clients), '-j', threads, ...c.args];
    if (options.warmupSeconds > 0) await run('pgbench', [...common, '-T', String(Math.ceil(options.warmupSeconds)), c.db], { env: c.env });
    const measured = [...common, '-T', String(options.seconds), '-l', `--log-prefix=${path.join(dir, 'tx')}`, c.db];
    const meter = cpuMeter();
    const { stdout } = await run('pgbench', measured, { env: c.env, maxBuffer: 16 * 1024 * 1024 });
    const cpu = meter();
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
    const tx = /number of transactions actually processed: (\d+)/.exec(stdout)?.[1];
    const failed = /number of failed transactions: (\d+)/.exec(stdout)?.[1];
    if (!tps || !tx) throw new Error(`could not read pgbench's output:\n${stdout}`);
    if (failed && Number(failed) > 0) throw new Error(`the event script failed ${failed} times:\n${stdout}`);
    const latency = summarise((await readLogs(dir)).map((ms) => ms / options.eventsPerRun));
    return { tps: Number(tps), eventsPerSecond: Number(tps) * options.eventsPerRun, transactions: Number(tx), latency, command: `pgbench ${measured.join(' ').replaceAll(dir, '<tmp>')}`, cpu };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
