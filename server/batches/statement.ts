import { and, eq, ne } from 'drizzle-orm';
import { CsvError, parse } from 'csv-parse/sync';
import { payments } from '../../db/schema';
import type { ServiceContext } from '../context';
import { AppError, badRequest, unprocessable } from '../errors';
import { formatYuan, isYuanString, parseYuan } from '../domain/money';
import { decodeText } from '../catalogue/parse-csv';
import { withoutInvisible } from '../domain/text';
import { loadVisibleBatch } from './get';
import { assertBatchPayer } from './access';
import { statementColumns, statementColumnsMissing, type StatementColumns } from './statement-columns';

/** At most this many lines in one statement file (the route also caps its size). */
const MAX_LINES = 20_000;
/** The header is looked for in this many first lines. */
const HEADER_WITHIN = 10;

type Invalid = { line: number; message: string; messageZh: string };

/**
 * POST /disbursements/:id/statement: reads the bank's statement (CSV) against the batch's payments
 * and reports what matches, what the batch does not know, what differs in amount, what is listed
 * twice and what is missing. It changes nothing: SETTLE records outcomes.
 */
export async function matchStatement(ctx: ServiceContext, batchId: string, body: Buffer | undefined) {
  const { row } = await loadVisibleBatch(ctx, batchId);
  assertBatchPayer(ctx.user);
  if (!takesStatement(row.state)) throw statementRefused(row.number, row.state);
  const { columns, lines } = headerOf(readCsv(body));
  const batchPayments = await ctx.app.db
    .select({ id: payments.id, caseId: payments.caseId, amountFen: payments.amountFen, status: payments.status })
    .from(payments)
    .where(and(eq(payments.batchId, row.id), ne(payments.status, 'cancelled')));
  const byId = new Map(batchPayments.map((p) => [p.id, p]));

  const report = { batchId: row.id, lines: 0, matched: [] as Matched[], unknown: [] as Unknown[], wrongAmount: [] as Wrong[], duplicates: [] as Dup[], invalid: [] as Invalid[] };
  const seen = new Set<string>();
  for (const { line, cells } of lines) {
    if (cells.every((c) => c.trim() === '')) continue;
    report.lines++;
    const read = readLine(cells, columns, line);
    if ('message' in read) {
      report.invalid.push(read);
      continue;
    }
    const payment = byId.get(read.paymentId);
    if (!payment) {
      report.unknown.push({ line, paymentId: read.paymentId, amount: read.amountFen === null ? null : formatYuan(read.amountFen) });
    } else if (seen.has(payment.id)) {
      report.duplicates.push({ line, paymentId: payment.id });
    } else if (read.amountFen !== payment.amountFen) {
      seen.add(payment.id);
      report.wrongAmount.push({ line, paymentId: payment.id, expected: formatYuan(payment.amountFen), stated: formatYuan(read.amountFen ?? 0n) });
    } else {
      seen.add(payment.id);
      report.matched.push({ line, paymentId: payment.id, caseId: payment.caseId, amount: formatYuan(payment.amountFen), reference: read.reference, date: read.date, status: payment.status });
    }
  }
  const missing = batchPayments.filter((p) => !seen.has(p.id)).map((p) => ({ paymentId: p.id, caseId: p.caseId, amount: formatYuan(p.amountFen), status: p.status }));
  return { ...report, missing };
}

/**
 * A statement is checked to record what the bank paid: only an approved batch has payments left to
 * record. Before approval there is no bank file to pay from; a settled batch has every payment
 * recorded, and a cancelled one orders nothing.
 */
export const takesStatement = (state: string): boolean => state === 'approved';

const refusal: Record<string, { en: string; zh: string }> = {
  draft: { en: 'it has not been submitted and approved yet, so the bank has not been asked to pay', zh: '批次尚未提交审批，银行尚未付款' },
  submitted: { en: 'it awaits approval, so the bank has not been asked to pay', zh: '批次正在等待审批，银行尚未付款' },
  settled: { en: 'every payment of it is recorded already', zh: '批次已办结，每笔付款均已登记' },
  cancelled: { en: 'it was cancelled and orders no payment', zh: '批次已取消，不再拨付' },
};

/** 409 naming the batch's state and why a statement has nothing to check there. */
function statementRefused(number: string, state: string): AppError {
  const why = refusal[state] ?? { en: `it is ${state}`, zh: `批次状态为 ${state}` };
  const message = `a statement is checked against an approved batch with payments to record; batch ${number} is ${state}: ${why.en}`;
  return new AppError('conflict', message, [{ path: 'state', code: 'statement.batchNotApproved', message, messageZh: `对账单只能用于已批准、尚有付款待登记的拨付批次；批次 ${number}：${why.zh}` }]);
}

type Matched = { line: number; paymentId: string; caseId: string; amount: string; reference: string | null; date: string | null; status: 'pending' | 'paid' | 'failed' | 'cancelled' };
type Unknown = { line: number; paymentId: string; amount: string | null };
type Wrong = { line: number; paymentId: string; expected: string; stated: string };
type Dup = { line: number; paymentId: string };

/** Banks put a title and the account above the header: it is the first of the first lines that names both needed columns. */
function headerOf(records: { line: number; cells: string[] }[]): { columns: StatementColumns; lines: typeof records } {
  let first: unknown = null;
  for (const [i, record] of records.slice(0, HEADER_WITHIN).entries()) {
    try {
      return { columns: statementColumns(record.cells), lines: records.slice(i + 1) };
    } catch (err) {
      first ??= err;
    }
  }
  throw first ?? statementColumnsMissing();
}

function readCsv(body: Buffer | undefined): { line: number; cells: string[] }[] {
  if (!body || body.length === 0) throw badRequest('send the bank statement as the request body (text/csv)', [{ path: 'body', message: 'the statement is empty', messageZh: '对账单内容为空' }]);
  const text = decodeText(body);
  try {
    // `info` gives each record the physical line it ends on, which is what a text editor shows
    const records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, delimiter: delimiterOf(text) }) as unknown as { record: string[]; info: { lines: number } }[];
    if (records.length > MAX_LINES + 1) throw unprocessable('the statement is too long', [{ path: 'body', message: `at most ${MAX_LINES} lines to a statement`, messageZh: `对账单最多 ${MAX_LINES} 行` }]);
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = typeof err.lines === 'number' ? err.lines : 0;
    throw unprocessable('the statement is not a readable CSV file', [{ path: 'body', message: `line ${line}: ${err.message}`, messageZh: `第 ${line} 行无法读取（CSV 格式错误）` }]);
  }
}

/** Comma unless the header line uses tabs or semicolons (banks' other exports). */
function delimiterOf(text: string): string {
  const header = text.split('\n', 1)[0] ?? '';
  const count = (d: string) => header.split(d).length - 1;
  return ['\t', ';'].find((d) => count(d) > count(',')) ?? ',';
}

type Read = { paymentId: string; amountFen: bigint | null; reference: string | null; date: string | null } | Invalid;

function readLine(cells: readonly string[], columns: StatementColumns, line: number): Read {
  const cell = (i: number | null) => (i === null ? '' : (cells[i] ?? '').trim());
  // a payment id has no spaces: what prints nothing (a zero-width space, a no-break space a spreadsheet kept) is no part of it
  const paymentId = withoutInvisible(cell(columns.paymentId).normalize('NFKC')).toUpperCase();
  if (paymentId === '') return { line, message: 'no payment id', messageZh: '缺少付款编号' };
  const amountText = cell(columns.amount);
  const amountFen = statementAmount(amountText);
  if (amountFen === undefined) return { line, message: `the amount ${JSON.stringify(amountText)} is not a sum in yuan`, messageZh: `金额“${amountText}”不是有效的金额` };
  const dateText = cell(columns.date);
  const date = dateText === '' ? null : statementDate(dateText);
  if (date === undefined) return { line, message: `the date ${JSON.stringify(dateText)} is not a date`, messageZh: `日期“${dateText}”不是有效日期` };
  // a bank's reference is printed text: control characters a file may carry (a NUL, a stray tab) are no part of it
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is dropped
  const reference = cell(columns.reference).replace(/[\u0000-\u001f\u007f]/g, '');
  return { paymentId, amountFen, reference: reference || null, date };
}

/**
 * A statement's amount in fen: "1,000,000.00", "¥24000", or a debit shown as "-24000.00" (an
 * outgoing payment on the payer's account); undefined when it is no amount at all.
 */
export function statementAmount(text: string): bigint | undefined {
  const plain = text.normalize('NFKC').replace(/¥|元|RMB|CNY/gi, '').trim();
  const unsigned = plain.startsWith('-') ? plain.slice(1).trim() : plain;
  // commas only as thousands separators: "24 000,00" is not read as 2,400,000
  if (unsigned.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(unsigned)) return undefined;
  const digits = unsigned.replace(/,/g, '');
  return isYuanString(digits) ? parseYuan(digits) : undefined;
}

/** 2026-12-01, 2026/12/01, 2026.12.01, 20261201 or 2026年12月1日 → 2026-12-01; undefined when no real date. */
export function statementDate(text: string): string | undefined {
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(text.normalize('NFKC').trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}
