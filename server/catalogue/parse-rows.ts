import { applyCategoryRow, INITIAL_CATEGORY_STATE, type CategoryState } from './parse-categories';
import { continueEntry, readContinuation } from './parse-continuation';
import { readEntry } from './parse-entry';
import { COLUMN, fileErrors, rowErrors } from './parse-errors';
import { classifyRow, firstDataRow, normaliseCell, OFFICIAL_COLUMNS, readHeader, type Columns } from './parse-layout';
import type { CategoryPath, ParsedEntry, ParseResult, RowError } from './parse-types';

interface Walk {
  cols: Columns;
  state: CategoryState;
  entries: ParsedEntry[];
  errors: RowError[];
  categories: CategoryPath[];
  seqRows: Map<number, number>;
  warned: Set<'uncategorised' | 'noTop'>;
  /** The entry a continuation row would extend; 'failed' when that row was refused (already reported). */
  previous: ParsedEntry | 'failed' | null;
}

/**
 * The format-independent core: rows as the spreadsheet shows them (index 0 = row 1), cells as
 * text. Every problem is reported with its row and parsing goes on, so one upload shows all.
 */
export function parseRows(rows: (string | null)[][], mergedDown: readonly (readonly boolean[])[] = []): ParseResult {
  const cells = rows.map((row) => row.map(normaliseCell));
  const headerIndex = cells.findIndex((row) => readHeader(row) !== null);
  const walk: Walk = {
    cols: OFFICIAL_COLUMNS,
    state: INITIAL_CATEGORY_STATE,
    entries: [],
    errors: [],
    categories: [],
    seqRows: new Map(),
    warned: new Set(),
    previous: null,
  };
  let start: number;
  if (headerIndex === -1) {
    walk.errors.push(fileErrors.missingHeader());
    start = firstDataRow(cells);
  } else {
    walk.cols = readHeader(cells[headerIndex] ?? []) ?? OFFICIAL_COLUMNS;
    start = headerIndex + 1;
    checkHeaderColumns(walk, headerIndex + 1);
  }
  cells.slice(start).forEach((row, offset) => walkRow(walk, row, start + offset + 1, mergedDown[start + offset] ?? []));
  if (walk.entries.length === 0 && !walk.errors.some((e) => e.severity === 'error')) {
    walk.errors.push(fileErrors.noEntries());
  }
  const title = titleOf(cells.slice(0, headerIndex === -1 ? start : headerIndex));
  return { entries: walk.entries, errors: walk.errors, categories: walk.categories, title };
}

export function hasBlockingErrors(result: ParseResult): boolean {
  return result.errors.some((e) => e.severity === 'error');
}

function checkHeaderColumns(walk: Walk, rowNumber: number): void {
  if (walk.cols.requirements === null) walk.errors.push(fileErrors.missingColumn(rowNumber, COLUMN.requirements));
  if (walk.cols.field === null) walk.errors.push(fileErrors.missingColumn(rowNumber, COLUMN.field));
}

function walkRow(walk: Walk, cells: string[], rowNumber: number, copies: readonly boolean[]): void {
  const row = classifyRow(cells, walk.cols);
  if (row.kind === 'category') {
    walk.previous = null;
    walkCategory(walk, row.text, rowNumber);
  } else if (row.kind === 'entry') {
    const { previous } = walk;
    const more = previous === null ? null : readContinuation(cells, walk.cols, copies);
    if (more === null) walkEntry(walk, cells, rowNumber);
    else if (previous !== null && previous !== 'failed') walk.errors = continueEntry(previous, more, walk.errors);
  }
}

function walkCategory(walk: Walk, text: string, rowNumber: number): void {
  const step = applyCategoryRow(walk.state, text);
  walk.state = step.state;
  if (step.tooDeep) walk.errors.push(rowErrors.categoryTooDeep(rowNumber, text));
  const { top, major, sub } = step.state;
  if (top !== null) {
    walk.categories.push({ top, major, sub });
  } else if (!walk.warned.has('noTop')) {
    // CategoryPath needs a top; a file without top rows still imports, its entries keep major/sub.
    walk.warned.add('noTop');
    walk.errors.push(rowErrors.categoryWithoutTop(rowNumber));
  }
}

function walkEntry(walk: Walk, cells: string[], rowNumber: number): void {
  const read = readEntry(cells, walk.cols, rowNumber);
  walk.previous = 'failed';
  walk.errors.push(...read.errors);
  if (read.seq !== null) {
    const firstRow = walk.seqRows.get(read.seq);
    if (firstRow !== undefined) {
      walk.errors.push(rowErrors.duplicateSeq(rowNumber, read.seq, firstRow));
      return;
    }
    walk.seqRows.set(read.seq, rowNumber);
  }
  if (read.fields === null) return;
  const { top, major, sub } = walk.state;
  if (top === null && major === null && sub === null && !walk.warned.has('uncategorised')) {
    // Allowed (a partial sheet is still useful to preview) but worth one warning, not one per row.
    walk.warned.add('uncategorised');
    walk.errors.push(rowErrors.entryWithoutCategory(rowNumber));
  }
  const entry = { rowNumber, ...read.fields, topCategory: top, majorCategory: major, subCategory: sub };
  walk.entries.push(entry);
  walk.previous = entry;
}

function titleOf(preamble: readonly string[][]): string | null {
  for (const row of preamble) {
    const text = row.find((cell) => cell !== '');
    if (text !== undefined) return text.replace(/\s+/g, ' ');
  }
  return null;
}
