import { CsvError, parse } from 'csv-parse/sync';

export type CsvRows = { ok: true; rows: string[][] } | { ok: false; rowNumber: number; detail: string };

// Excel on Chinese Windows saves "CSV" as GB18030 (code page 936) unless told UTF-8, and as
// UTF-16LE with tabs for "Unicode text". A strict UTF-8 decode that fails is the cheap tell for
// the first; the BOM tells the second.
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const utf8 = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(utf8);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/** Comma unless the line holding the header uses tabs or semicolons (Excel's other exports). */
function delimiterOf(text: string): string {
  const lines = text.split('\n', 50);
  const headerLine = lines.find((line) => line.includes('序号')) ?? lines[0] ?? '';
  const count = (d: string): number => headerLine.split(d).length - 1;
  const best = ['\t', ';'].find((d) => count(d) > count(','));
  return best ?? ',';
}

export function readCsvRows(text: string): CsvRows {
  try {
    const rows: string[][] = parse(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: true,
    });
    return { ok: true, rows };
  } catch (error) {
    if (error instanceof CsvError) {
      // csv-parse counts physical lines, which is what a text editor shows for a broken quote.
      const line = error.lines;
      return { ok: false, rowNumber: typeof line === 'number' ? line : 0, detail: error.message };
    }
    throw error;
  }
}
