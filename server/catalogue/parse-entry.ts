import { rowErrors } from './parse-errors';
import { cellAt, isPositiveInteger, MAX_SEQ, type Columns } from './parse-layout';
import type { RowError } from './parse-types';

export const MAX_NAME_LENGTH = 200;

export interface EntryFields {
  seq: number;
  name: string;
  requirements: string;
  applicationField: string;
}

export interface EntryRead {
  fields: EntryFields | null;
  /** The 序号 when it was a valid integer, even if the row failed otherwise: duplicates still count. */
  seq: number | null;
  errors: RowError[];
}

// Excel users break long names with Alt+Enter; between two CJK characters that break is not a space.
const CJK = '[\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]';
const CJK_BREAK = new RegExp(`(?<=${CJK})\\s*\\n\\s*(?=${CJK})`, 'g');

function cleanName(text: string): string {
  return text.replace(CJK_BREAK, '').replace(/\s+/g, ' ').trim();
}

function seqError(seqText: string, rowNumber: number): RowError {
  const tooLarge = /^\d+$/.test(seqText) && Number(seqText) > MAX_SEQ;
  return tooLarge ? rowErrors.seqTooLarge(rowNumber, seqText, MAX_SEQ) : rowErrors.invalidSeq(rowNumber, seqText);
}

export function readEntry(cells: readonly string[], cols: Columns, rowNumber: number): EntryRead {
  // Past the header's width, a value right next to the last column means the row slid sideways,
  // so none of its cells can be trusted; stray notes further out are only ignored.
  if (cellAt(cells, cols.width) !== '') {
    return { fields: null, seq: null, errors: [rowErrors.extraCells(rowNumber, cols.width)] };
  }
  const errors: RowError[] = [];
  const seqText = cellAt(cells, cols.seq);
  const seq = isPositiveInteger(seqText) ? Number(seqText) : null;
  if (seq === null) errors.push(seqError(seqText, rowNumber));
  const name = cleanName(cellAt(cells, cols.name));
  if (name === '') errors.push(rowErrors.missingName(rowNumber));
  if ([...name].length > MAX_NAME_LENGTH) errors.push(rowErrors.nameTooLong(rowNumber, MAX_NAME_LENGTH));
  if (errors.length > 0 || seq === null) return { fields: null, seq, errors };

  const requirements = cellAt(cells, cols.requirements);
  const applicationField = cellAt(cells, cols.field);
  if (requirements === '') errors.push(rowErrors.missingRequirements(rowNumber));
  if (applicationField === '') errors.push(rowErrors.missingField(rowNumber));
  return { fields: { seq, name, requirements, applicationField }, seq, errors };
}
