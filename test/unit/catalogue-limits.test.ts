import { randomInt } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, parseEditionFile } from '../../server/catalogue/parse';
import { checkZipBudget, MAX_PART_BYTES } from '../../server/catalogue/zip-guard';

const MB = 1024 * 1024;

/** A ZIP of deflated parts with truthful central-directory sizes. */
function zipOf(parts: { name: string; raw: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const data = deflateRawSync(part.raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(part.raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(part.raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}

/** Digits that deflate only about 2:1, like a real sheet's numbers. */
function variedDigits(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = 0x30 + randomInt(10);
  return buf;
}

function csvOf(count: number): Buffer {
  const rows = ['序号,材料名称,性能要求,应用领域', '一、先进基础材料,,,'];
  for (let i = 1; i <= count; i++) rows.push(`${i},材料${i},强度≥${i}MPa,领域${i}`);
  return Buffer.from(rows.join('\n'));
}

describe('the size limits of an edition file', () => {
  it(`accepts exactly ${MAX_ENTRIES} entries and refuses one more`, async () => {
    const atLimit = await parseEditionFile(csvOf(MAX_ENTRIES), 'edition.csv');
    expect(atLimit.errors).toEqual([]);
    expect(atLimit.entries).toHaveLength(MAX_ENTRIES);
    const over = await parseEditionFile(csvOf(MAX_ENTRIES + 1), 'edition.csv');
    expect(over.entries).toEqual([]);
    expect(over.errors.map((e) => e.code)).toEqual(['catalogue.too_many_entries']);
  });

  it('measures each part against the per-part limit on its own, not the running total', () => {
    const part = 5 * MB;
    expect(2 * part).toBeGreaterThan(MAX_PART_BYTES);
    const zip = zipOf([
      { name: 'xl/worksheets/sheet1.xml', raw: variedDigits(part) },
      { name: 'xl/worksheets/sheet2.xml', raw: variedDigits(part) },
    ]);
    expect(checkZipBudget(zip)).toEqual({ ok: true });
  });

  it('accepts a small part compressed far beyond 200:1 (styles, empty rows)', () => {
    const raw = Buffer.alloc(900 * 1024, 0x20);
    const zip = zipOf([{ name: 'xl/styles.xml', raw }]);
    expect(raw.length / deflateRawSync(raw).length).toBeGreaterThan(200);
    expect(checkZipBudget(zip)).toEqual({ ok: true });
  });
});
