import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseEditionFileOffThread } from '../../server/catalogue/parse-off-thread';

const demo = new URL('../../seeds/data/catalogue-demo.xlsx', import.meta.url);

describe('a reader that runs out of its heap', () => {
  it('answers that the file is too large to read, and the next reader works', async () => {
    const buf = await readFile(demo);
    // a 1 MB heap runs out as the worker starts; any point of running out is answered alike
    const result = await parseEditionFileOffThread(buf, 'catalogue-demo.xlsx', undefined, 1);
    expect(result.entries).toEqual([]);
    expect(result.errors.map((e) => e.code)).toEqual(['catalogue.file_too_large_unpacked']);
    expect(result.errors[0]?.message.en).toContain('more than 1 MB to read');
    expect((await parseEditionFileOffThread(buf, 'catalogue-demo.xlsx')).entries.length).toBeGreaterThan(20);
  });
});
