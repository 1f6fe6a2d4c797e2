import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarise(sample: readonly number[]): Summary {
  const mean = sample.reduce((a, b) => a + b, 0) / Math.max(1, sample.length);
  return { n: sample.length, p50: percentile(sample, 50), p95: percentile(sample, 95), p99: percentile(sample, 99), max: sample.reduce((a, b) => Math.max(a, b), -Infinity), mean };
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading), with microsecond resolution. */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Times `n` sequential runs of `fn`, after `warmup` untimed ones; with `budgetMs`, at least 100 runs. */
export async function timeEach(n: number, fn: () => Promise<unknown>, options: { warmup?: number; budgetMs?: number } = {}): Promise<number[]> {
  const warmup = options.warmup ?? Math.min(20, n);
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  // a slow query may stop early, once it has enough samples, so that the run stays within minutes
  const stopAt = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < n && (i < 100 || performance.now() < stopAt); i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(msSince(t));
  }
  return out;
}

/**
 * CPU use between start and stop: this process (100 % = one core), the whole machine (100 % = every
 * core), and both in CPU-milliseconds, so that a part can divide them by the work it did.
 */
export function cpuMeter() {
  const sample = () => os.cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0) }), { idle: 0, total: 0 });
  const t0 = process.hrtime.bigint();
  const p0 = process.cpuUsage();
  const m0 = sample();
  return () => {
    const wallMs = msSince(t0);
    const p = process.cpuUsage(p0);
    const m1 = sample();
    const total = m1.total - m0.total;
    const busy = total - (m1.idle - m0.idle);
    const processMs = (p.user + p.system) / 1000;
    return {
      wallMs,
      processMs,
      processSystemMs: p.system / 1000,
      processPct: Math.round((processMs / wallMs) * 100),
      machineMs: busy,
      machinePct: total > 0 ? Math.round((busy / total) * 100) : Number.NaN,
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    };
  };
}
export type CpuUse = ReturnType<ReturnType<typeof cpuMeter>>;

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Actual Rows'?: number; Plans?: PlanNode[] };

/** "Limit (21 rows) → Index Scan using cases_city_state_idx (21 rows); 0.08 ms", from EXPLAIN (ANALYZE, FORMAT JSON) rows. */
export function planSummary(rows: readonly Record<string, unknown>[]): string {
  const plan = (rows[0]?.['QUERY PLAN'] as { Plan: PlanNode; 'Execution Time': number }[] | undefined)?.[0];
  if (!plan) return 'no plan';
  const walk = (n: PlanNode): string[] => [`${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} (${n['Actual Rows'] ?? '?'} rows)`, ...(n.Plans ?? []).flatMap(walk)];
  return `${walk(plan.Plan).join(' → ')}; executed in ${plan['Execution Time'].toFixed(2)} ms`;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process, in ms (Linux /proc; NaN where there is none or it is gone). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** The process and every process below it (a cluster's primary and its server processes). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/**
 * CPU time the given processes spend from now until the meter is read, in ms: a measure of work
 * done that the machine's other load does not inflate the way it does elapsed time. The processes
 * are listed again when it is read: one started meanwhile counts from its start, one that ended
 * meanwhile drops out (read it while they run).
 */
export async function processesCpuMeter(pids: () => number[] | Promise<number[]>): Promise<() => Promise<number>> {
  const start = new Map((await pids()).map((pid) => [pid, processCpuMs(pid)]));
  return async () => {
    let ms = 0;
    for (const pid of await pids()) {
      const now = processCpuMs(pid);
      const before = start.get(pid) ?? 0;
      if (Number.isFinite(now) && Number.isFinite(before)) ms += now - before;
    }
    return ms;
  };
}

export const serverTreeCpuMeter = (root: number) => processesCpuMeter(() => processTree(root));
