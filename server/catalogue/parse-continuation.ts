import { rowErrors } from './parse-errors';
import { cellAt, type Columns } from './parse-layout';
import type { ParsedEntry, RowError } from './parse-types';

export interface Continuation {
  requirements: string;
  applicationField: string;
}

/**
 * Real editions merge 序号 and 材料名称 down over two or three rows, each adding a line of 性能要求
 * (sometimes of 应用领域). Exported to CSV those rows have both cells empty; read from XLSX both
 * are copies of the merge. Copies are known from the merge itself, not guessed from equal text:
 * a repeated 序号 typed by hand must still be reported as a duplicate.
 */
export function readContinuation(cells: readonly string[], cols: Columns, copies: readonly boolean[]): Continuation | null {
  if (cellAt(cells, cols.width) !== '') return null; // a shifted row; readEntry reports it
  const own = (col: number | null): string => (col === null || copies[col] === true ? '' : cellAt(cells, col));
  if (own(cols.seq) !== '' || own(cols.name) !== '') return null;
  return { requirements: own(cols.requirements), applicationField: own(cols.field) };
}

/** Appends in place and drops the 'empty' warning of a field the continuation filled in. */
export function continueEntry(entry: ParsedEntry, more: Continuation, errors: RowError[]): RowError[] {
  const filled: string[] = [];
  if (entry.requirements === '' && more.requirements !== '') filled.push(rowErrors.missingRequirements(0).code);
  if (entry.applicationField === '' && more.applicationField !== '') filled.push(rowErrors.missingField(0).code);
  entry.requirements = appendLine(entry.requirements, more.requirements);
  entry.applicationField = appendLine(entry.applicationField, more.applicationField);
  return errors.filter((e) => e.rowNumber !== entry.rowNumber || !filled.includes(e.code));
}

function appendLine(text: string, line: string): string {
  if (line === '') return text;
  return text === '' ? line : `${text}\n${line}`;
}
