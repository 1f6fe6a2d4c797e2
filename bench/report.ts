import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** One measured quantity of the app beside the same quantity of its baseline. */
export interface Row {
  metric: string;
  unit: string;
  app: number;
  baseline?: number;
  baselineName?: string;
  /** app ÷ baseline, when that quotient means something */
  ratio?: number;
  target?: string;
  met?: boolean;
}

export interface PartResult {
  part: string;
  title: string;
  rows: Row[];
  notes: string[];
  /** everything else worth keeping in the JSON: plans, settings, raw counts */
  details: Record<string, unknown>;
}

const fmt = (v: number | undefined, unit = ''): string => {
  if (v === undefined || Number.isNaN(v)) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
};

function table(headers: string[], lines: string[][]): string {
  const widths = headers.map((h, i) => Math.max([...h].length, ...lines.map((l) => [...(l[i] ?? '')].length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  return [row(headers), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...lines.map(row)].join('\n');
}

export function printPart(r: PartResult): void {
  const lines = r.rows.map((x) => [
    x.metric,
    fmt(x.app, x.unit),
    x.baseline === undefined ? '—' : `${fmt(x.baseline, x.unit)}${x.baselineName ? ` (${x.baselineName})` : ''}`,
    x.ratio === undefined ? '—' : x.ratio.toFixed(3),
    x.target ?? '',
    x.met === undefined ? '' : x.met ? 'met' : 'MISSED',
  ]);
  console.log(`\n${r.title}\n${table(['metric', 'app', 'baseline', 'ratio', 'target', ''], lines)}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** bench/results/<timestamp>.json (git-ignored). */
export async function writeResults(payload: Record<string, unknown>): Promise<string> {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  return file;
}
