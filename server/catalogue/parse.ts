// Reader for catalogue editions in the official spreadsheet layout
// (《浙江省重点新材料首批次应用示范指导目录》: 序号 | 材料名称 | 性能要求 | 应用领域, category rows
// between entries). parseRows is the core; CSV and XLSX only turn bytes into rows of text.
import { fileErrors } from './parse-errors';
import { decodeText, readCsvRows } from './parse-csv';
import { parseRows } from './parse-rows';
import { readXlsxRows } from './parse-xlsx';
import { checkZipBudget } from './zip-guard';
import type { ParseResult, RowError } from './parse-types';

export type { CategoryPath, ParsedEntry, ParseResult, RowError, Severity } from './parse-types';
export { TOP_CATEGORIES } from './parse-types';
export { hasBlockingErrors, parseRows } from './parse-rows';

const failed = (error: RowError): ParseResult => ({ entries: [], errors: [error], categories: [], title: null });

/** UTF-8 with or without BOM, GB18030 (Excel's default on Chinese Windows), or UTF-16 with BOM. */
export async function parseCsv(buf: Buffer): Promise<ParseResult> {
  if (buf.length === 0) return failed(fileErrors.empty());
  const read = readCsvRows(decodeText(buf));
  return read.ok ? parseRows(read.rows) : failed(fileErrors.csvSyntax(read.rowNumber, read.detail));
}

/** First worksheet only: the official files carry the catalogue on one sheet. */
export async function parseXlsx(buf: Buffer): Promise<ParseResult> {
  // Before exceljs sees the bytes: it would inflate every part into memory, however large.
  const zip = checkZipBudget(buf);
  if (!zip.ok) return failed(zip.reason === 'too_large' ? fileErrors.tooLargeUnpacked(zip.detail) : fileErrors.unreadable(zip.detail));
  const read = await readXlsxRows(buf);
  if (read.ok) return parseRows(read.rows, read.mergedDown);
  return failed(read.reason === 'no_worksheet' ? fileErrors.noWorksheet() : fileErrors.unreadable(read.detail));
}

type Format = 'xlsx' | 'csv' | { unsupported: string };

// Uploads are named by people: a workbook saved as 'catalogue.csv' or a CSV named '.xlsx' both
// happen, so the bytes decide. The name and declared type only sharpen the refusal message.
export function detectFormat(buf: Buffer, filename: string, contentType?: string): Format {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => buf[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'xlsx';
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return { unsupported: `${filename}: Excel 97-2003 (.xls)` };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { unsupported: `${filename}: PDF` };
  const isUtf16 = starts(0xff, 0xfe) || starts(0xfe, 0xff);
  if (!isUtf16 && buf.subarray(0, 4096).includes(0)) {
    return { unsupported: `${filename}${contentType ? ` (${contentType})` : ''}: binary` };
  }
  return 'csv';
}

// The largest official edition (Zhejiang 2025) has 445 entries; ten times that is still an edition,
// beyond it a mistake or an attack, and a single import must stay a few quick inserts.
export const MAX_ENTRIES = 5_000;

export async function parseEditionFile(buf: Buffer, filename: string, contentType?: string): Promise<ParseResult> {
  if (buf.length === 0) return failed(fileErrors.empty());
  const format = detectFormat(buf, filename, contentType);
  if (typeof format !== 'string') return failed(fileErrors.unsupported(format.unsupported));
  const parsed = format === 'xlsx' ? await parseXlsx(buf) : await parseCsv(buf);
  return parsed.entries.length > MAX_ENTRIES ? failed(fileErrors.tooManyEntries(parsed.entries.length, MAX_ENTRIES)) : parsed;
}
