// Regenerates catalogue-demo.xlsx from catalogue-demo.csv (the CSV is the source of truth):
//   npx tsx seeds/data/make-catalogue-xlsx.ts
// The workbook mimics the official files: title and category rows merged across A:D, 序号 as
// numbers, wrapped text. It deliberately reads the CSV as raw rows, not through the catalogue
// parser, so that the parser's CSV and XLSX paths can be checked against each other.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const COLUMNS = 4;
// Fixed so that regenerating an unchanged CSV yields identical parts once unzipped; the zip's own
// entry timestamps still change, so the binary differs byte-wise from run to run.
const STAMP = new Date('2026-01-01T00:00:00Z');

type Kind = 'blank' | 'merged' | 'header' | 'entry';

function kindOf(row: readonly string[], seenHeader: boolean): Kind {
  const filled = row.filter((cell) => cell.trim() !== '');
  if (filled.length === 0) return 'blank';
  if (!seenHeader && row[0]?.trim() === '序号') return 'header';
  return filled.length === 1 ? 'merged' : 'entry';
}

export async function catalogueWorkbook(rows: readonly string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'firstbatch demo seed';
  workbook.created = STAMP;
  workbook.modified = STAMP;
  const sheet = workbook.addWorksheet('目录');
  sheet.columns = [{ width: 6 }, { width: 36 }, { width: 72 }, { width: 36 }];
  let seenHeader = false;
  rows.forEach((cells, index) => {
    const kind = kindOf(cells, seenHeader);
    seenHeader ||= kind === 'header';
    writeRow(sheet, index + 1, cells, kind);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function writeRow(sheet: ExcelJS.Worksheet, rowNumber: number, cells: readonly string[], kind: Kind): void {
  if (kind === 'blank') return;
  const row = sheet.getRow(rowNumber);
  if (kind === 'merged') {
    row.getCell(1).value = cells.find((cell) => cell.trim() !== '') ?? '';
    row.font = { bold: true };
    sheet.mergeCells(rowNumber, 1, rowNumber, COLUMNS);
    return;
  }
  cells.slice(0, COLUMNS).forEach((text, i) => {
    const cell = row.getCell(i + 1);
    cell.value = kind === 'entry' && i === 0 && /^\d+$/.test(text) ? Number(text) : text;
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
  });
  if (kind === 'header') row.font = { bold: true };
}

async function main(): Promise<void> {
  const csv = await readFile(here('./catalogue-demo.csv'));
  const rows: string[][] = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: false });
  await writeFile(here('./catalogue-demo.xlsx'), await catalogueWorkbook(rows));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
