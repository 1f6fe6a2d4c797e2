import { unprocessable, type AppError } from '../errors';

// A bank statement's columns found by their headers, in Chinese or English, as banks and people
// write them: 付款编号 / Payment ID, 金额（元） / Amount, 银行流水号 / Reference, 交易日期 / Date.
// Our own bank file's bilingual headers ("付款编号 Payment ID") are read too.

export interface StatementColumns {
  paymentId: number;
  amount: number;
  reference: number | null;
  date: number | null;
}

const ALIASES: Record<keyof StatementColumns, readonly string[]> = {
  paymentId: ['付款编号', '支付编号', '付款单号', '付款id', 'paymentid', 'paymentno', 'paymentnumber', 'payment'],
  amount: ['金额', '交易金额', '付款金额', '支出金额', '借方金额', 'amount', 'amt', 'sum'],
  reference: ['银行流水号', '交易流水号', '流水号', '银行参考号', '参考号', '交易参考号', 'reference', 'bankreference', 'ref', 'transactionid', 'transactionreference'],
  date: ['交易日期', '日期', '付款日期', '记账日期', '入账日期', 'date', 'paidon', 'valuedate', 'transactiondate', 'bookingdate'],
};

const squash = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    // a bracket with no bracket inside: linear however many unclosed ones a title line holds
    .replace(/\([^()]*\)/g, '')
    .replace(/[\s_\-.:：/|]/g, '');

/** The names a header may be known by: as written, its Chinese part, its English part. */
function namesOf(header: string): string[] {
  const plain = header.normalize('NFKC');
  return [squash(plain), squash(plain.replace(/[A-Za-z]/g, '')), squash(plain.replace(/[^A-Za-z\s]/g, ''))].filter((n) => n !== '');
}

/** Finds each column by its header; 422 naming the columns expected when payment id or amount is missing. */
export function statementColumns(header: readonly string[]): StatementColumns {
  const names = header.map(namesOf);
  const find = (key: keyof StatementColumns): number | null => {
    const i = names.findIndex((ns) => ns.some((n) => ALIASES[key].includes(n)));
    return i === -1 ? null : i;
  };
  const paymentId = find('paymentId');
  const amount = find('amount');
  if (paymentId === null || amount === null) throw statementColumnsMissing(paymentId === null, amount === null);
  return { paymentId, amount, reference: find('reference'), date: find('date') };
}

/** 422 naming the columns a statement lacks. */
export function statementColumnsMissing(paymentId = true, amount = true): AppError {
  const missing = [...(paymentId ? [{ en: 'payment id (付款编号 / Payment ID)', zh: '付款编号' }] : []), ...(amount ? [{ en: 'amount (金额 / Amount)', zh: '金额' }] : [])];
  return unprocessable('the statement has no column for the payment id or the amount', [
    {
      path: 'header',
      code: 'statement.columns',
      message: `a line naming the columns must come first (after any title lines); missing: ${missing.map((m) => m.en).join(', ')}`,
      messageZh: `须有一行列名（可在标题行之后），缺少：${missing.map((m) => m.zh).join('、')}`,
    },
  ]);
}

/**
 * A small statement in the format read here (GET /money/statement-sample.csv): the header names each
 * column by its first name above, and two lines of payment ids no batch has (batch 0000 is never
 * numbered), so that the sample, sent back as it is, fills in nothing.
 */
export function statementSample(): string {
  const keys = ['paymentId', 'amount', 'reference', 'date'] as const satisfies readonly (keyof StatementColumns)[];
  const lines = [
    keys.map((k) => ALIASES[k][0] ?? k),
    ['PAY-PB2026-0000-0001', '1000000.00', 'ICBC20261201000123', '2026-12-01'],
    ['PAY-PB2026-0000-0002', '24000.00', 'ICBC20261201000124', '2026-12-01'],
  ];
  // a byte order mark: a spreadsheet opening it reads the Chinese headers as UTF-8
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}
