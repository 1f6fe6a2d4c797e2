import { isNumberingToken, readLabel, topCategoryOf } from './parse-categories';

export interface Columns {
  seq: number;
  name: number;
  requirements: number | null;
  field: number | null;
  /** Cells at or past this index lie outside the header. */
  width: number;
}

export const OFFICIAL_COLUMNS: Columns = { seq: 0, name: 1, requirements: 2, field: 3, width: 4 };

export type RowKind =
  | { kind: 'blank' }
  | { kind: 'skip' }
  | { kind: 'category'; text: string }
  | { kind: 'entry' };

// Full-width digits and letters (序号 '１２', '１．高性能树脂', 'ＫｒＦ') fold to ASCII, as NFKC
// would. NFKC itself is not applied: it also rewrites the content of 性能要求 and names
// (10⁻⁴ → 10-4, m² → m2, ℃ → °C, （BPEF） → (BPEF), ① → 1), changing what they say. The
// numbering patterns already accept full-width punctuation.
const FULL_WIDTH_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g;
const foldWidth = (char: string): string => char.normalize('NFKC');

/** Trims, unifies line breaks, folds full-width digits and letters, and turns the no-break and ideographic spaces Excel keeps into plain ones. */
export function normaliseCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value
    .replace(FULL_WIDTH_ALNUM, foldWidth)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u3000\ufeff]/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

const compact = (text: string): string => text.replace(/\s+/g, '');

/** Header cells are matched loosely: editions say 性能要求, 主要性能指标 or 性能指标; 应用领域 or 应用范围. */
export function readHeader(cells: readonly string[]): Columns | null {
  const labels = cells.map(compact);
  const seq = labels.indexOf('序号');
  const name = labels.findIndex((l) => l.includes('名称'));
  if (seq === -1 || name === -1) return null;
  const other = (i: number): boolean => i !== seq && i !== name;
  const requirements = labels.findIndex((l, i) => other(i) && /性能|指标|要求/.test(l));
  const field = labels.findIndex((l, i) => other(i) && /应用|领域/.test(l));
  const width = labels.reduce((last, l, i) => (l === '' ? last : i + 1), 0);
  return { seq, name, requirements: requirements === -1 ? null : requirements, field: field === -1 ? null : field, width };
}

/** catalogue_entries.seq is a Postgres integer. */
export const MAX_SEQ = 2147483647;

export function isPositiveInteger(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) > 0 && Number(text) <= MAX_SEQ;
}

export function cellAt(cells: readonly string[], index: number | null): string {
  return index === null ? '' : (cells[index] ?? '');
}

// A category row carries text in exactly one cell. Excel exports of merged rows sometimes repeat
// the text in every cell of the merge, and some editions put the numbering ('一') in the 序号
// column and the name beside it: both still count as one category text.
export function classifyRow(cells: readonly string[], cols: Columns): RowKind {
  const filled = cells.map((text, index) => ({ text, index })).filter((c) => c.text !== '');
  const first = filled[0];
  if (first === undefined) return { kind: 'blank' };
  if (readHeader(cells) !== null) return { kind: 'skip' }; // header repeated on every printed page
  const seqText = cellAt(cells, cols.seq);
  if (isPositiveInteger(seqText)) return { kind: 'entry' };
  if (cellAt(cells, cols.requirements) !== '' || cellAt(cells, cols.field) !== '') return { kind: 'entry' };
  if (new Set(filled.map((c) => c.text)).size === 1) {
    return /^(注|备注|说明)\s*[:：]/.test(first.text) ? { kind: 'skip' } : { kind: 'category', text: first.text };
  }
  const nameText = cellAt(cells, cols.name);
  if (filled.length === 2 && seqText !== '' && nameText !== '' && isNumberingToken(seqText)) {
    return { kind: 'category', text: `${seqText} ${nameText}` };
  }
  return { kind: 'entry' };
}

/**
 * Without a header we cannot tell a title from a category by position, so leading rows are
 * skipped until one that is unmistakably data: an entry with an integer 序号, a top category,
 * or a numbered category.
 */
export function firstDataRow(rows: readonly (readonly string[])[]): number {
  const index = rows.findIndex((cells) => {
    const row = classifyRow(cells, OFFICIAL_COLUMNS);
    if (row.kind === 'entry') return isPositiveInteger(cellAt(cells, OFFICIAL_COLUMNS.seq));
    if (row.kind !== 'category') return false;
    const label = readLabel(row.text);
    return label.style !== 'none' || topCategoryOf(label.name) !== null;
  });
  return index === -1 ? rows.length : index;
}
