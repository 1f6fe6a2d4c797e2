import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { hasBlockingErrors, parseCsv, parseEditionFile, parseRows, parseXlsx, type ParseResult } from '../../server/catalogue/parse';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const SMALL_CSV = path('../fixtures/catalogue/small.csv');
const DEMO_CSV = path('../../seeds/data/catalogue-demo.csv');
const DEMO_XLSX = path('../../seeds/data/catalogue-demo.xlsx');

const codes = (result: ParseResult): string[] => result.errors.map((e) => `${e.rowNumber}:${e.code}`);
const seqs = (result: ParseResult): number[] => result.entries.map((e) => e.seq);

// The XLSX twin of small.csv, laid out like the official files: single-text rows merged across
// to column D from the cell that holds the text, 序号 as numbers, one name in rich text.
async function smallXlsx(): Promise<Buffer> {
  const rows: string[][] = parse(await readFile(SMALL_CSV), { relax_column_count: true, skip_empty_lines: false });
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('目录');
  rows.forEach((cells, index) => {
    const rowNumber = index + 1;
    const filled = cells.filter((c) => c !== '');
    if (filled.length === 1) {
      const col = cells.findIndex((c) => c !== '') + 1;
      sheet.getCell(rowNumber, col).value = filled[0] ?? null;
      sheet.mergeCells(rowNumber, col, rowNumber, 4);
      return;
    }
    cells.forEach((text, i) => {
      if (text !== '') sheet.getCell(rowNumber, i + 1).value = i === 0 && /^\d+$/.test(text) ? Number(text) : text;
    });
  });
  sheet.getCell('B7').value = { richText: [{ text: '正畸模型', font: { bold: true } }, { text: '树脂' }] };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('catalogue edition files', () => {
  it('keeps the hierarchy of top, major and sub categories', async () => {
    const result = await parseCsv(await readFile(SMALL_CSV));
    const pathOf = (seq: number) => {
      const entry = result.entries.find((e) => e.seq === seq);
      return [entry?.topCategory, entry?.majorCategory, entry?.subCategory];
    };
    expect(pathOf(1)).toEqual(['先进基础材料', '先进化工材料', '高性能树脂']);
    expect(pathOf(3)).toEqual(['先进基础材料', '先进化工材料', '膜材料']);
    expect(pathOf(4)).toEqual(['关键战略材料', '电子化学品', null]);
    expect(result.categories).toEqual([
      { top: '先进基础材料', major: null, sub: null },
      { top: '先进基础材料', major: '先进化工材料', sub: null },
      { top: '先进基础材料', major: '先进化工材料', sub: '高性能树脂' },
      { top: '先进基础材料', major: '先进化工材料', sub: '膜材料' },
      { top: '关键战略材料', major: null, sub: null },
      { top: '关键战略材料', major: '电子化学品', sub: null },
    ]);
  });

  it('skips blank lines and title rows, keeping spreadsheet row numbers', async () => {
    const result = await parseCsv(await readFile(SMALL_CSV));
    expect(result.title).toBe('重点新材料首批次应用示范指导目录（测试夹具）');
    expect(result.entries.map((e) => e.rowNumber)).toEqual([7, 8, 10, 14, 16]);
    expect(result.entries[2]?.requirements).toBe('透光率≥92%\n雾度≤0.5%');
  });

  it('reports a malformed row with its row number and keeps parsing', async () => {
    const result = await parseCsv(await readFile(SMALL_CSV));
    expect(codes(result)).toEqual(['15:catalogue.extra_cells']);
    expect(seqs(result)).toEqual([1, 2, 3, 4, 6]);
    expect(hasBlockingErrors(result)).toBe(true);
  });

  it('reads the XLSX twin of a CSV (merged category rows, numeric 序号, rich text) to the same result', async () => {
    const fromCsv = await parseCsv(await readFile(SMALL_CSV));
    const fromXlsx = await parseXlsx(await smallXlsx());
    expect(fromXlsx).toEqual(fromCsv);
  });

  it('parses the demo CSV and XLSX to the same 40+ entries under all three top categories', async () => {
    const csv = await parseEditionFile(await readFile(DEMO_CSV), 'catalogue-demo.csv');
    const xlsx = await parseEditionFile(await readFile(DEMO_XLSX), 'catalogue-demo.xlsx');
    expect(csv.errors).toEqual([]);
    expect(csv.entries.length).toBeGreaterThanOrEqual(40);
    expect(xlsx).toEqual(csv);
    expect(csv.title).toContain('演示数据');
    expect(new Set(csv.entries.map((e) => e.topCategory))).toEqual(new Set(['先进基础材料', '关键战略材料', '前沿新材料']));
    const names = csv.entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['9,9-二[(4-羟乙氧基)苯基]芴（BPEF）', '高离子电导率β"-Al2O3电解质材料', '超纯氨']));
    expect(seqs(csv)).toEqual(csv.entries.map((_, i) => i + 1));
  });

  it('handles a UTF-8 byte order mark and GB18030-encoded files', async () => {
    const plain = await readFile(SMALL_CSV);
    const withBom = await parseCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]));
    expect(withBom).toEqual(await parseCsv(plain));
    const gb = await parseCsv(await readFile(path('../fixtures/catalogue/small-gb18030.csv')));
    expect(gb.errors).toEqual([]);
    expect(gb.entries.map((e) => [e.name, e.majorCategory])).toEqual([['正畸模型树脂', '先进化工材料'], ['超纯氨', '先进化工材料']]);
  });

  it('detects XLSX by content even when named .csv, and refuses legacy .xls', async () => {
    const xlsx = await parseEditionFile(await smallXlsx(), 'catalogue.csv', 'text/csv');
    expect(seqs(xlsx)).toEqual([1, 2, 3, 4, 6]);
    const csvNamedXlsx = await parseEditionFile(await readFile(SMALL_CSV), 'catalogue.xlsx');
    expect(seqs(csvNamedXlsx)).toEqual([1, 2, 3, 4, 6]);
    const xls = await parseEditionFile(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls');
    expect(codes(xls)).toEqual(['0:catalogue.unsupported_format']);
  });
});

const HEADER = ['序号', '材料名称', '性能要求', '应用领域'];
const entry = (seq: string, name: string): string[] => [seq, name, '纯度≥99.9%', '集成电路'];

describe('catalogue rows', () => {
  it('reports each bad entry with its row and column and keeps the good ones', () => {
    const result = parseRows([
      HEADER,
      ['先进基础材料', null, null, null],
      entry('1', '超纯氨'),
      entry('2', ''),
      entry('x', '超纯四氯化硅'),
      entry('0', '电子级氢氟酸'),
      entry('1', '集成电路用抛光液'),
      entry('3', '长'.repeat(201)),
      entry('4', '光刻胶'),
    ]);
    expect(seqs(result)).toEqual([1, 4]);
    expect(result.errors.map((e) => [e.rowNumber, e.column, e.code])).toEqual([
      [4, '材料名称', 'catalogue.missing_name'],
      [5, '序号', 'catalogue.invalid_seq'],
      [6, '序号', 'catalogue.invalid_seq'],
      [7, '序号', 'catalogue.duplicate_seq'],
      [8, '材料名称', 'catalogue.name_too_long'],
    ]);
  });

  it('keeps entries that precede every category with empty categories and one warning', () => {
    const result = parseRows([HEADER, entry('1', '超纯氨'), entry('2', '光刻胶'), ['关键战略材料'], entry('3', '电子气体')]);
    expect(result.entries.map((e) => e.topCategory)).toEqual([null, null, '关键战略材料']);
    expect(result.errors.map((e) => [e.rowNumber, e.code, e.severity])).toEqual([[2, 'catalogue.entry_without_category', 'warning']]);
    expect(hasBlockingErrors(result)).toBe(false);
  });

  it('reads the numbering one level deeper when the top category is numbered too', () => {
    const result = parseRows([
      HEADER,
      ['三、前沿新材料'],
      ['（一）石墨烯材料'],
      ['1．导热材料'],
      entry('1', '石墨烯导热膜'),
      ['（二）增材制造材料'],
      entry('2', '医用增材制造钛合金粉末'),
    ]);
    expect(result.entries.map((e) => [e.topCategory, e.majorCategory, e.subCategory])).toEqual([
      ['前沿新材料', '石墨烯材料', '导热材料'],
      ['前沿新材料', '增材制造材料', null],
    ]);
  });

  it('joins a numbering in the 序号 column with the name beside it into one category', () => {
    const result = parseRows([HEADER, ['', '先进基础材料'], ['一', '先进化工材料'], ['（一）', '高性能树脂'], entry('1', '正畸模型树脂')]);
    expect(result.entries[0]).toMatchObject({ topCategory: '先进基础材料', majorCategory: '先进化工材料', subCategory: '高性能树脂' });
  });

  it('reports a missing header and still reads the rows in the official column order', () => {
    const result = parseRows([['某目录'], ['先进基础材料'], ['一、先进化工材料'], entry('1', '超纯氨')]);
    expect(codes(result)).toEqual(['0:catalogue.missing_header']);
    expect(result.title).toBe('某目录');
    expect(result.entries[0]).toMatchObject({ seq: 1, name: '超纯氨', majorCategory: '先进化工材料' });
  });

  it('shares a 应用领域 merged down over several entries with each of them', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('目录');
    sheet.addRows([HEADER, ['先进基础材料'], [1, '超纯氨', '纯度≥99.99999%', 'LED外延'], [2, '超纯四氯化硅', '纯度≥99.9999%']]);
    sheet.mergeCells('A2:D2');
    sheet.mergeCells('D3:D4');
    const result = await parseXlsx(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(result.entries.map((e) => e.applicationField)).toEqual(['LED外延', 'LED外延']);
    expect(result.errors).toEqual([]);
  });
});

// One deflated part of zeros (~1000:1) whose central directory declares `declared` bytes.
function zipBomb(zeros: number, declared: number): Buffer {
  return zipOfOnePart(Buffer.alloc(zeros), declared);
}

function zipOfOnePart(raw: Buffer, declared: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = deflateRawSync(raw);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, eocd]);
}

describe('workbooks that unpack too large', () => {
  const MB = 1024 * 1024;

  it('refuses a workbook whose central directory declares a 3.9 GB sheet, before exceljs reads it', async () => {
    const started = Date.now();
    const result = await parseEditionFile(zipBomb(60 * MB, 3_900_000_000), 'bomb.xlsx');
    expect(codes(result)).toEqual(['0:catalogue.file_too_large_unpacked']);
    expect(result.errors[0]?.message.zh).toContain('24 MB');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a sheet that unpacks past 8 MB even when it compresses no better than text does', async () => {
    // 9 MB of varied digits: about 2:1, far from any bomb ratio, but too much for exceljs's objects
    const digits = Buffer.from(Array.from({ length: 9 * MB }, (_, i) => 48 + ((i * 7919) % 97) % 10));
    const result = await parseXlsx(zipOfOnePart(digits, digits.length));
    expect(codes(result)).toEqual(['0:catalogue.file_too_large_unpacked']);
    expect(result.errors[0]?.message.en).toContain('sheet1.xml unpacks to more than 8 MB');
  });

  it('refuses a part compressed more than 200:1 even under the 24 MB budget', async () => {
    const result = await parseXlsx(zipBomb(7 * MB, 7 * MB));
    expect(codes(result)).toEqual(['0:catalogue.file_too_large_unpacked']);
    expect(result.errors[0]?.message.en).toMatch(/sheet1\.xml is compressed \d+:1/);
  });

  it('refuses a part that inflates past the size its central directory declares', async () => {
    const result = await parseXlsx(zipBomb(60 * MB, 2 * MB));
    expect(codes(result)).toEqual(['0:catalogue.file_too_large_unpacked']);
    expect(result.errors[0]?.message.en).toContain('more than its declared');
  });

  it('refuses a ZIP whose central directory cannot be read', async () => {
    const truncated = zipBomb(1024, 1024).subarray(0, 60);
    const result = await parseEditionFile(truncated, 'broken.xlsx');
    expect(codes(result)).toEqual(['0:catalogue.unreadable_file']);
    expect(result.errors[0]?.message.en).toContain('central directory');
  });
});

describe('entries spanning several rows', () => {
  it('appends CSV rows with an empty 序号 and 材料名称 to the entry above', async () => {
    const csv = [
      HEADER.join(','),
      '先进基础材料,,,',
      '1,超纯氨,纯度≥99.99999%,集成电路',
      ',,金属杂质≤100ppt,LED外延',
      ',,颗粒≤5个/mL,',
      '2,KrF光刻胶,,集成电路',
      ',,分辨率≤0.15μm,',
      ',KrF光刻胶,感度≤30mJ/cm²,集成电路',
      '关键战略材料,,,',
      ',,孤立的要求,集成电路',
    ].join('\n');
    const result = await parseCsv(Buffer.from(csv));
    expect(result.entries.map((e) => [e.seq, e.requirements, e.applicationField])).toEqual([
      [1, '纯度≥99.99999%\n金属杂质≤100ppt\n颗粒≤5个/mL', '集成电路\nLED外延'],
      [2, '分辨率≤0.15μm', '集成电路'],
    ]);
    expect(codes(result)).toEqual(['8:catalogue.invalid_seq', '10:catalogue.invalid_seq', '10:catalogue.missing_name']);
  });

  it('reads 序号 and 材料名称 merged down in XLSX as one entry, and still reports a 序号 typed twice', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('目录');
    sheet.addRows([
      HEADER,
      ['先进基础材料'],
      [1, '超纯氨', '纯度≥99.99999%', '集成电路'],
      [null, null, '金属杂质≤100ppt'],
      [null, null, '颗粒≤5个/mL'],
      [2, 'KrF光刻胶', '分辨率≤0.15μm', '集成电路'],
      [null, null, '感度≤30mJ/cm²', '平板显示'],
      [2, 'KrF光刻胶', '分辨率≤0.13μm', '集成电路'],
    ]);
    sheet.mergeCells('A2:D2');
    for (const range of ['A3:A5', 'B3:B5', 'D3:D5', 'A6:A7', 'B6:B7']) sheet.mergeCells(range);
    const result = await parseXlsx(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(result.entries.map((e) => [e.rowNumber, e.seq, e.name, e.requirements, e.applicationField])).toEqual([
      [3, 1, '超纯氨', '纯度≥99.99999%\n金属杂质≤100ppt\n颗粒≤5个/mL', '集成电路'],
      [6, 2, 'KrF光刻胶', '分辨率≤0.15μm\n感度≤30mJ/cm²', '集成电路\n平板显示'],
    ]);
    expect(codes(result)).toEqual(['8:catalogue.duplicate_seq']);
  });
});

describe('full-width characters and 序号 range', () => {
  it('reads full-width digits and letters as ASCII, keeping full-width punctuation and symbols in the text', () => {
    const result = parseRows([
      HEADER,
      ['先进基础材料'],
      ['一、先进化工材料'],
      ['１．高性能树脂'],
      ['１２', 'ＫｒＦ光刻胶（高感度）', '体积电阻率≥1.0×10¹⁶Ω·m，耐温200℃', '集成电路'],
    ]);
    expect(result.errors).toEqual([]);
    expect(result.entries).toEqual([expect.objectContaining({
      seq: 12,
      name: 'KrF光刻胶（高感度）',
      requirements: '体积电阻率≥1.0×10¹⁶Ω·m，耐温200℃',
      subCategory: '高性能树脂',
    })]);
    expect(result.categories.at(-1)).toEqual({ top: '先进基础材料', major: '先进化工材料', sub: '高性能树脂' });
  });

  it('refuses a 序号 above the integer column\'s 2147483647 on its row', () => {
    const result = parseRows([HEADER, ['先进基础材料'], entry('2147483647', '超纯氨'), entry('2147483648', '光刻胶'), entry('99999999999999999999', '电子气体')]);
    expect(seqs(result)).toEqual([2147483647]);
    expect(result.errors.map((e) => [e.rowNumber, e.column, e.code])).toEqual([
      [4, '序号', 'catalogue.invalid_seq'],
      [5, '序号', 'catalogue.invalid_seq'],
    ]);
    expect(result.errors[0]?.message.zh).toContain('2147483647');
  });
});
