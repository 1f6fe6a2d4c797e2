import { and, asc, eq, ne } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { cases, payments } from '../../db/schema';
import type { ServiceContext } from '../context';
import { conflict } from '../errors';
import { formatYuan } from '../domain/money';
import { loadVisibleBatch } from './get';
import { assertBatchPayer } from './access';

// The bank payment file (SPEC §7): one row per payment — payment id, case number, payee, bank,
// account, amount — for a batch approved (or settled, to print again). CSV for any bank system,
// XLSX for people: there the amount is a number and the account text, so nothing is rounded or
// shown as 6.22E+18.

export interface BankFileRow {
  paymentId: string;
  caseNumber: string;
  payee: string;
  bankName: string;
  bankAccount: string;
  amountFen: bigint;
}

const HEADER = ['付款编号 Payment ID', '申请编号 Case number', '收款人 Payee', '开户银行 Bank', '银行账号 Account', '金额（元） Amount (yuan)'];

/** A batch has a bank file once approved, settled ones too (to print again); a statement is checked while approved only (statement.ts). */
export const hasBankFile = (state: string): boolean => state === 'approved' || state === 'settled';

/** The batch's number and the rows of its bank file; 409 before approval. */
export async function bankFileRows(ctx: ServiceContext, batchId: string): Promise<{ number: string; rows: BankFileRow[] }> {
  const { row } = await loadVisibleBatch(ctx, batchId);
  assertBatchPayer(ctx.user);
  if (!hasBankFile(row.state)) {
    throw conflict(`the bank file is made for an approved batch; batch ${row.number} is ${row.state}`);
  }
  const rows = await ctx.app.db
    .select({ paymentId: payments.id, caseNumber: cases.number, payee: payments.payee, bankName: payments.bankName, bankAccount: payments.bankAccount, amountFen: payments.amountFen })
    .from(payments)
    .innerJoin(cases, eq(cases.id, payments.caseId))
    .where(and(eq(payments.batchId, row.id), ne(payments.status, 'cancelled')))
    .orderBy(asc(payments.seq));
  return { number: row.number, rows };
}

/**
 * A text cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return before
 * one) gets a leading apostrophe (OWASP, "CSV injection"); then RFC 4180 quoting.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** UTF-8 with a BOM (Excel on Chinese Windows reads it as UTF-8 then), CRLF line ends, amounts as yuan with two decimals. */
export function bankFileCsv(rows: readonly BankFileRow[]): Buffer {
  const lines = [HEADER, ...rows.map((r) => [r.paymentId, r.caseNumber, r.payee, r.bankName, r.bankAccount, formatYuan(r.amountFen)])];
  return Buffer.from(`\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** The amount as a spreadsheet number, read from the exact yuan string: "1000000.00" → 1000000. */
export const yuanNumber = (fen: bigint): number => Number(formatYuan(fen));

export async function bankFileXlsx(number: string, rows: readonly BankFileRow[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'firstbatch';
  const sheet = book.addWorksheet(number);
  sheet.columns = [
    { header: HEADER[0], key: 'paymentId', width: 26 },
    { header: HEADER[1], key: 'caseNumber', width: 18 },
    { header: HEADER[2], key: 'payee', width: 36 },
    { header: HEADER[3], key: 'bankName', width: 30 },
    { header: HEADER[4], key: 'bankAccount', width: 28, style: { numFmt: '@' } },
    { header: HEADER[5], key: 'amount', width: 20, style: { numFmt: '#,##0.00' } },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    sheet.addRow({ paymentId: r.paymentId, caseNumber: r.caseNumber, payee: r.payee, bankName: r.bankName, bankAccount: r.bankAccount, amount: yuanNumber(r.amountFen) });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
