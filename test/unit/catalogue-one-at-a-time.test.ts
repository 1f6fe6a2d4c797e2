import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueWorkbook } from '../../seeds/data/make-catalogue-xlsx';
import { parseEditionFileOffThread } from '../../server/catalogue/parse-off-thread';

// Each reader is a worker thread, that is one more thread of this process while it runs (Linux).
const threads = (): number => readdirSync('/proc/self/task').length;

async function workbook(entries: number): Promise<Buffer> {
  const rows = [['序号', '材料名称', '性能要求', '应用领域'], ['一、先进基础材料', '', '', ''], ['（一）先进化工材料', '', '', '']];
  for (let i = 1; i <= entries; i++) rows.push([String(i), `材料${i}号高性能聚合物`, `拉伸强度≥${i} MPa，断裂伸长率≥20%`, '电子信息']);
  return catalogueWorkbook(rows);
}

/** A reader answers before its worker has exited: wait until the thread count holds still. */
async function settled(): Promise<void> {
  let last = threads();
  for (let still = 0; still < 10; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = threads();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/** Threads this process has beyond `before`, sampled every 10 ms while `work` runs. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; extra: number[] }> {
  await settled();
  const before = threads();
  const extra: number[] = [];
  const sampler = setInterval(() => extra.push(threads() - before), 10);
  try {
    return { result: await work(), extra };
  } finally {
    clearInterval(sampler);
  }
}

/** The value seen most often among the samples that saw a reader at all. */
function mostOften(samples: number[]): number {
  const counts = new Map<number, number>();
  for (const n of samples.filter((s) => s > 0)) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

describe('reading edition files off the main thread', () => {
  it('reads two files sent at once one after the other, never both at the same time', async () => {
    const buf = await workbook(3_000);
    // the first worker of a process starts threads that stay; then what one reader costs, alone
    await parseEditionFileOffThread(buf, 'first.xlsx');
    const alone = await sampled(() => parseEditionFileOffThread(buf, 'alone.xlsx'));
    const perReader = mostOften(alone.extra);
    expect(perReader).toBeGreaterThan(0);
    const pair = await sampled(() => Promise.all([parseEditionFileOffThread(buf, 'a.xlsx'), parseEditionFileOffThread(buf, 'b.xlsx')]));
    expect(pair.result.map((r) => r.entries.length)).toEqual([3_000, 3_000]);
    const reading = pair.extra.filter((n) => n >= perReader).length;
    expect(reading).toBeGreaterThan(20);
    // one reader hands over to the next: the samples that catch both are the few around the
    // handover (more on a loaded machine, where a worker takes longer to exit), never the bulk
    // that two readers running side by side would show
    expect(pair.extra.filter((n) => n > perReader).length).toBeLessThanOrEqual(Math.max(3, Math.floor(reading * 0.15)));
    // four reads of 3,000 rows: slow on a loaded machine, and what is measured here is not time
  }, 120_000);
});
