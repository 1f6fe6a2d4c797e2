// What the report workbooks share: money as numbers built exactly from fen, its number format,
// the header style, and a file name from the round's name.
import type { Column, Row } from 'exceljs';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Money cells are numbers (finance sums them), shown with thousands separators and the fen. */
export const MONEY_FORMAT = '#,##0.00';
export const COUNT_FORMAT = '#,##0';
export const INSTANT_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Yuan as a spreadsheet number: the double nearest the exact amount, read from the decimal text of
 * the fen as formatYuan writes it, so that a cell and the JSON's string never disagree.
 */
export function yuanNumber(fen: bigint): number {
  const abs = fen < 0n ? -fen : fen;
  const n = Number(`${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`);
  return fen < 0n ? -n : n;
}

/**
 * A spreadsheet has no time zone: an instant is written as the wall-clock time in Asia/Shanghai,
 * which keeps UTC+8 all year (no daylight saving since 1991).
 */
export function shanghaiWallClock(at: Date): Date {
  return new Date(at.getTime() + 8 * 3600_000);
}

export function styleHeader(row: Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
}

export type ColumnKind = 'text' | 'money' | 'count' | 'instant';

export function columnStyle(kind: ColumnKind): Partial<Column['style']> {
  if (kind === 'money') return { numFmt: MONEY_FORMAT };
  if (kind === 'count') return { numFmt: COUNT_FORMAT };
  if (kind === 'instant') return { numFmt: INSTANT_FORMAT };
  return {};
}

/** "<round name>-<what>.xlsx" without the characters file systems refuse. */
export function workbookFileName(roundName: string, what: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const safe = roundName.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').trim().slice(0, 120) || 'round';
  return `${safe}-${what}.xlsx`;
}
