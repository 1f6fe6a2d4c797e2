import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogueWorkbook } from '../../seeds/data/make-catalogue-xlsx';
import { MAX_ENTRIES, parseEditionFile } from '../../server/catalogue/parse';
import { parseEditionFileOffThread } from '../../server/catalogue/parse-off-thread';

const demo = new URL('../../seeds/data/catalogue-demo.xlsx', import.meta.url);

async function largeWorkbook(entries: number): Promise<Buffer> {
  const rows = [['序号', '材料名称', '性能要求', '应用领域'], ['一、先进基础材料', '', '', ''], ['（一）先进化工材料', '', '', '']];
  for (let i = 1; i <= entries; i++) rows.push([String(i), `材料${i}号高性能聚合物`, `拉伸强度≥${i} MPa，断裂伸长率≥20%`, '电子信息']);
  return catalogueWorkbook(rows);
}

describe('reading an edition file in a worker thread', () => {
  it('reads the demo workbook exactly as the parser does in the calling thread', async () => {
    const buf = await readFile(demo);
    const offThread = await parseEditionFileOffThread(buf, 'catalogue-demo.xlsx');
    expect(offThread.entries.length).toBeGreaterThan(20);
    expect(offThread).toEqual(await parseEditionFile(buf, 'catalogue-demo.xlsx'));
  });

  it('keeps the event loop turning while it reads a large workbook, and refuses more entries than any edition has', async () => {
    const buf = await largeWorkbook(12_000);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const result = await parseEditionFileOffThread(buf, 'large.xlsx');
    const took = performance.now() - started;
    delay.disable();
    expect(result.entries).toEqual([]);
    expect(result.errors.map((e) => e.code)).toEqual(['catalogue.too_many_entries']);
    expect(result.errors[0]?.message.en).toContain(`12000 entries, more than the ${MAX_ENTRIES} allowed`);
    // read in this thread, the longest stall is a fifth to a third of the whole read
    expect(delay.max / 1e6).toBeLessThan(took / 10);
  });
});
