import { describe, expect, it } from 'vitest';
import { bankFileCsv, csvCell, yuanNumber } from '../../server/batches/export';
import { statementAmount, statementDate } from '../../server/batches/statement';
import { statementColumns } from '../../server/batches/statement-columns';
import { AppError } from '../../server/errors';

// The bank payment file and the bank statement's reading, pure (SPEC §7 "Money routes in detail").

describe('a CSV cell of the bank file', () => {
  it('defuses text a spreadsheet would run as a formula with a leading apostrophe', () => {
    for (const [raw, out] of [
      ['=1+1', "'=1+1"],
      ['+86 571', "'+86 571"],
      ['-5', "'-5"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\t=1', "'\t=1"],
      ['\r=1', `"'\r=1"`],
    ]) {
      expect(csvCell(raw ?? ''), JSON.stringify(raw)).toBe(out);
    }
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says, and leaves plain text alone', () => {
    expect(csvCell('杭州新材料有限公司')).toBe('杭州新材料有限公司');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('1202000000000000001')).toBe('1202000000000000001');
    expect(csvCell('')).toBe('');
  });

  it('writes the file with a BOM, CRLF line ends and yuan amounts with two decimals', () => {
    const csv = bankFileCsv([{ paymentId: 'PAY-PB2026-0001-0001', caseNumber: 'ZJ2026-000001', payee: '甲公司', bankName: '工行', bankAccount: '6222', amountFen: 100_000_005n }]);
    expect(csv.toString('utf8')).toBe(
      '\uFEFF付款编号 Payment ID,申请编号 Case number,收款人 Payee,开户银行 Bank,银行账号 Account,金额（元） Amount (yuan)\r\nPAY-PB2026-0001-0001,ZJ2026-000001,甲公司,工行,6222,1000000.05\r\n',
    );
  });
});

describe('an XLSX amount', () => {
  it('is the number the exact yuan string names, never fen divided in floating point', () => {
    expect(yuanNumber(100_000_000n)).toBe(1000000);
    expect(yuanNumber(2_400_000n)).toBe(24000);
    expect(yuanNumber(1n)).toBe(0.01);
    expect(yuanNumber(123_456_789n)).toBe(1234567.89);
    // 0.07 × 100 is 7.000000000000001 in floating point; the string is read once
    expect(yuanNumber(7n)).toBe(0.07);
    expect(yuanNumber(100_000_000_000_001n)).toBe(1000000000000.01);
  });
});

describe('a bank statement', () => {
  it('reads amounts as banks write them, to the fen, and refuses what is no amount', () => {
    expect(statementAmount('1000000.00')).toBe(100_000_000n);
    expect(statementAmount('1,000,000.00')).toBe(100_000_000n);
    expect(statementAmount('-24,000.00')).toBe(2_400_000n);
    expect(statementAmount('￥24000')).toBe(2_400_000n);
    expect(statementAmount('24000.5 元')).toBe(2_400_050n);
    for (const bad of ['', '一百万', '24000.001', '1e6', '--5', '24 000,00', '24000,00', '1,00,000.00', '1 000']) expect(statementAmount(bad), bad).toBeUndefined();
  });

  it('reads dates in the usual layouts, and refuses days that do not exist', () => {
    for (const d of ['2026-12-01', '2026/12/01', '2026.12.01', '20261201', '2026年12月1日', '2026-12-1']) expect(statementDate(d), d).toBe('2026-12-01');
    for (const bad of ['2026-02-30', '2026-13-01', '12/01/2026', 'tomorrow', '']) expect(statementDate(bad), bad).toBeUndefined();
  });

  it('finds its columns by Chinese or English headers, our own bilingual ones included', () => {
    expect(statementColumns(['Payment ID', 'Amount', 'Reference', 'Date'])).toEqual({ paymentId: 0, amount: 1, reference: 2, date: 3 });
    expect(statementColumns(['交易日期', '银行流水号', '付款编号', '交易金额（元）'])).toEqual({ paymentId: 2, amount: 3, reference: 1, date: 0 });
    expect(statementColumns(['付款编号 Payment ID', '申请编号 Case number', '收款人 Payee', '开户银行 Bank', '银行账号 Account', '金额（元） Amount (yuan)'])).toEqual({
      paymentId: 0,
      amount: 5,
      reference: null,
      date: null,
    });
    expect(statementColumns(['payment_id', 'AMOUNT', 'bank reference', 'value date'])).toEqual({ paymentId: 0, amount: 1, reference: 2, date: 3 });
  });

  it('refuses a header without a payment id or an amount column, naming what is missing', () => {
    const refusal = (() => {
      try {
        statementColumns(['Reference', 'Amount']);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ kind: 'unprocessable', errors: [{ path: 'header', messageZh: '须有一行列名（可在标题行之后），缺少：付款编号' }] });
  });
});
