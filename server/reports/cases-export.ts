import type { Writable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import type { AppContext, ServiceContext } from '../context';
import { notFound, tooManyRequests } from '../errors';
import { drained, ended, StreamClosed } from '../streams';
import { assertReportReader } from './access';
import { caseLine, caseLinesQuery, CASE_COLUMNS } from './case-line';
import { columnStyle, styleHeader, workbookFileName } from './xlsx';

// GET /reports/rounds/:id/cases.xlsx: one row per approved case (SPEC §9: 100,000 cases, memory
// flat). Rows come from a server-side cursor a batch at a time and leave through exceljs's
// streaming writer; the next batch is read only once the zip has compressed the last and the
// reader has taken it, so a slow compressor or a slow download holds a batch or two, not the round.

const BATCH = 500;
// about two batches of sheet XML waiting for the compressor: enough to keep it busy, never the round
const ZIP_BACKLOG_BYTES = 1 << 20;
const ZIP_STALL_MS = 60_000;
// One read of a whole round, with the download as slow as its reader: longer than a request's
// statement timeout (db/client.ts), still bounded.
const EXPORT_STATEMENT_TIMEOUT_MS = 10 * 60_000;
// Each export holds a pooled connection for as long as its download lasts: a few at a time per
// process, so that slow downloads never take the pool from everyone else (SPEC §9).
const EXPORTS_AT_ONCE = 2;
const running = new WeakMap<AppContext, number>();

export interface CasesExport {
  fileName: string;
  /** how many case rows were written */
  rows: number;
}

/**
 * Writes the workbook to the stream `open` hands over, asked for only when the first rows are in
 * hand: a refusal or a database error before that is still a problem answer; after it, the error
 * is thrown with the stream left unfinished, for the caller to cut.
 */
export async function exportApprovedCases(ctx: ServiceContext, roundId: string, open: (fileName: string) => Writable): Promise<CasesExport> {
  assertReportReader(ctx);
  const [round] = await ctx.app.db.select({ name: rounds.name }).from(rounds).where(eq(rounds.id, roundId));
  if (!round) throw notFound('round (批次不存在)');
  const fileName = workbookFileName(round.name, '已批准申请明细');
  const busy = running.get(ctx.app) ?? 0;
  if (busy >= EXPORTS_AT_ONCE) {
    throw tooManyRequests(`other case exports are running; try again in a minute (其他导出正在进行，请稍后再试)`, 30);
  }
  running.set(ctx.app, busy + 1);
  try {
    let sheet: SheetWriter | undefined;
    let rows = 0;
    await ctx.app.database.sql.begin('read only', async (tx) => {
      await tx`select set_config('statement_timeout', ${String(EXPORT_STATEMENT_TIMEOUT_MS)}, true)`;
      // the iterator, not the callback: postgres.js does not wait for a callback on the last batch
      for await (const batch of caseLinesQuery(tx, roundId).cursor(BATCH)) {
        sheet ??= new SheetWriter(open(fileName));
        for (const row of batch) sheet.add(caseLine(row));
        rows += batch.length;
        await sheet.caughtUp();
      }
    });
    await (sheet ?? new SheetWriter(open(fileName))).finish();
    return { fileName, rows };
  } finally {
    running.set(ctx.app, (running.get(ctx.app) ?? 1) - 1);
  }
}

interface SheetStream {
  buffers: { length: number }[];
  pipes: { _writableState?: { length: number }; writableLength?: number }[];
}

class SheetWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  // exceljs keys a cell's style by object identity before it renders the style to find its index:
  // one object per column spares that rendering for each of the round's cells
  private readonly styles = CASE_COLUMNS.map((c) => columnStyle(c.kind));

  constructor(readonly out: Writable) {
    // inline strings: shared strings would keep every distinct text in memory until the end
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'firstbatch';
    this.sheet = this.workbook.addWorksheet('已批准申请 Approved cases', { views: [{ state: 'frozen', ySplit: 1 }] });
    this.sheet.columns = CASE_COLUMNS.map((c, i) => ({ header: c.header, width: c.width, style: this.styles[i] }));
    const header = this.sheet.getRow(1);
    styleHeader(header);
    header.commit();
  }

  add(values: unknown[]): void {
    const row = this.sheet.addRow(values);
    this.styles.forEach((style, i) => {
      row.getCell(i + 1).style = style;
    });
    row.commit();
  }

  /**
   * What exceljs has written for the zip that the zip has not compressed yet. Its sheet stream
   * (lib/utils/stream-buf.js) ignores backpressure: it keeps 64 KiB buffers until the zip takes
   * the entry, then writes them into the entry's input (archiver's PassThrough) whatever that
   * holds. Internals, read here only: if they change, the export fails loudly in its tests rather
   * than silently stop being flat.
   */
  private zipBacklog(): number {
    const stream = (this.sheet as unknown as { stream?: SheetStream }).stream;
    if (!stream || !Array.isArray(stream.buffers) || !Array.isArray(stream.pipes)) throw new Error('exceljs sheet stream internals changed: cannot see the zip backlog');
    return stream.pipes.reduce((sum, p) => {
      const pending = p._writableState?.length ?? p.writableLength;
      if (typeof pending !== 'number') throw new Error('exceljs sheet stream internals changed: cannot see what the zip holds');
      return sum + pending;
    }, stream.buffers.reduce((sum, b) => sum + b.length, 0));
  }

  /** Waits until the zip has compressed all but ZIP_BACKLOG_BYTES, and the reader has taken what it compressed. */
  async caughtUp(): Promise<void> {
    const giveUpAt = Date.now() + ZIP_STALL_MS;
    for (let wait = 1; this.zipBacklog() > ZIP_BACKLOG_BYTES; wait = Math.min(wait * 2, 20)) {
      await setTimeout(wait);
      if (this.out.destroyed) throw new StreamClosed();
      if (Date.now() > giveUpAt) throw new Error(`the workbook's zip took nothing for ${ZIP_STALL_MS} ms`);
    }
    await drained(this.out);
  }

  async finish(): Promise<void> {
    this.sheet.commit();
    // the commit resolves on the stream's 'finish' only: a reader gone before it ends the wait
    await Promise.all([this.workbook.commit(), ended(this.out)]);
  }
}
