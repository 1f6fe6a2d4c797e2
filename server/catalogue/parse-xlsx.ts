import ExcelJS from 'exceljs';
import type { Cell, Worksheet } from 'exceljs';

/** mergedDown[r][c]: the cell shows the value of a vertical merge started above it. */
export type MergedDown = boolean[][];

export type SheetRows =
  | { ok: true; rows: (string | null)[][]; mergedDown: MergedDown }
  | { ok: false; reason: 'unreadable' | 'no_worksheet'; detail: string };

export async function readXlsxRows(buf: Buffer): Promise<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ExcelJS.Buffer);
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) return { ok: false, reason: 'no_worksheet', detail: '' };
  return { ok: true, ...sheetRows(sheet) };
}

/** Dense rows indexed from row 1, so row numbers in errors match what Excel shows. */
function sheetRows(sheet: Worksheet): { rows: (string | null)[][]; mergedDown: MergedDown } {
  const rows: (string | null)[][] = Array.from({ length: sheet.rowCount }, () => []);
  const mergedDown: MergedDown = Array.from({ length: sheet.rowCount }, () => []);
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: (string | null)[] = [];
    const copies: boolean[] = [];
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      cells[colNumber - 1] = cellText(cell);
      copies[colNumber - 1] = isCopyFromAbove(cell);
    });
    rows[rowNumber - 1] = Array.from(cells, (c) => c ?? null);
    mergedDown[rowNumber - 1] = Array.from(copies, (c) => c ?? false);
  });
  return { rows, mergedDown };
}

// Merged ranges: a category row is merged across A:D, so its copies to the right are blanked
// to leave text in exactly one cell; an 应用领域 merged down over several entries is shared by
// each of them, so copies below the master keep its value (and are flagged, so that a 序号 and
// 材料名称 merged down over several 性能要求 rows read as one entry, not as duplicates).
function cellText(cell: Cell): string | null {
  if (cell.isMerged && cell.master.address !== cell.address) {
    return cell.master.fullAddress.col === cell.fullAddress.col ? valueText(cell.master.value) : null;
  }
  return valueText(cell.value);
}

function isCopyFromAbove(cell: Cell): boolean {
  return cell.isMerged && cell.master.address !== cell.address && cell.master.fullAddress.col === cell.fullAddress.col;
}

function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return null;
  if ('richText' in value && Array.isArray(value.richText)) {
    return value.richText.map((run: unknown) => (isObject(run) && typeof run.text === 'string' ? run.text : '')).join('');
  }
  // A hyperlink's text can itself be rich text; formulas keep their cached result.
  if ('text' in value) return valueText(value.text);
  if ('result' in value) return valueText(value.result);
  if ('error' in value) return valueText(value.error);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
