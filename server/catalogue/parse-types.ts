export const TOP_CATEGORIES = ['先进基础材料', '关键战略材料', '前沿新材料'] as const;
export type TopCategory = (typeof TOP_CATEGORIES)[number];

export interface ParsedEntry {
  /** 1-based row as the spreadsheet program shows it (CSV: record number, blank lines counted). */
  rowNumber: number;
  seq: number;
  name: string;
  requirements: string;
  applicationField: string;
  topCategory: string | null;
  majorCategory: string | null;
  subCategory: string | null;
}

/**
 * 'error' rows make the file unfit for import; 'warning' rows are imported as read but the
 * administrator should look at them. rowNumber 0 means the whole file (no header, unreadable).
 */
export type Severity = 'error' | 'warning';

export interface RowError {
  rowNumber: number;
  column?: string;
  code: string;
  severity: Severity;
  message: { zh: string; en: string };
}

export interface CategoryPath {
  top: string;
  major: string | null;
  sub: string | null;
}

export interface ParseResult {
  entries: ParsedEntry[];
  errors: RowError[];
  /** One path per category row, in file order. */
  categories: CategoryPath[];
  /** First text found above the header row (the document title), if any. */
  title: string | null;
}
