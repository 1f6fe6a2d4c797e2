// Money is integer fen in a bigint (SPEC §3: never JavaScript floats). In JSON it is a string in
// yuan with two decimals, "1500000.00" (SPEC §7); a JSON number is refused because a float may
// already have lost the fen.
import { z } from 'zod';

// At most 13 integer digits: 9,999,999,999,999.99 yuan is < 10^15 fen, far inside Postgres bigint
// even after multiplying by a basis-point rate.
const YUAN_PATTERN = /^\d{1,13}(\.\d{1,2})?$/;

export const MONEY_FORMAT_MESSAGE = 'money must be a string in yuan with at most two decimals, e.g. "1500000.00"';
/** The same in Chinese, for the forms (server/http/issue-words.ts). */
export const MONEY_FORMAT_MESSAGE_ZH = '金额应以元为单位填写，最多两位小数，例如 1500000.00';

export class MoneyFormatError extends Error {
  override readonly name = 'MoneyFormatError';
  constructor(readonly input: string) {
    super(`${MONEY_FORMAT_MESSAGE}; got ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`);
  }
}

export function isYuanString(s: string): boolean {
  return YUAN_PATTERN.test(s);
}

/** "1500000.5" → 150000050n. Strict: no sign, exponent, separators or third decimal. */
export function parseYuan(s: string): bigint {
  if (!isYuanString(s)) throw new MoneyFormatError(s);
  const [yuan = '', decimals = ''] = s.split('.');
  return BigInt(yuan) * 100n + BigInt(decimals.padEnd(2, '0'));
}

/** 150000000n → "1500000.00"; negative amounts (recoveries, corrections) get a leading "-". */
export function formatYuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** "-1234567.00" → "-1,234,567.00": the whole yuan of an amount grouped by thousands, as people read amounts. */
export function groupThousands(amount: string): string {
  const [whole = '0', cents] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return cents === undefined ? grouped : `${grouped}.${cents}`;
}

/** 150000000n → "1,500,000.00": an amount as an email shows it. */
export const groupedYuan = (fen: bigint): string => groupThousands(formatYuan(fen));

// NFKC first: full-width digits and point (１５００．００) from a Chinese input method are the amount they look like
const yuanText = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : MONEY_FORMAT_MESSAGE) })
  .overwrite((s) => s.normalize('NFKC').trim())
  .regex(YUAN_PATTERN, { error: MONEY_FORMAT_MESSAGE });

/** Request field: a yuan string, parsed to bigint fen. OpenAPI documents the input string. */
export const yuanString = yuanText
  .meta({ description: 'Amount in yuan, as a string with at most two decimals', example: '1500000.00' })
  .transform(parseYuan);

/** Request field kept as the yuan string it was sent as (an event payload stays JSON in the history). */
export const yuanPlain = yuanText.meta({ description: 'Amount in yuan, as a string with at most two decimals', example: '1500000.00' });

/** Response field: what formatYuan produces (always two decimals); for OpenAPI response schemas. */
export const yuanStringOut = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: 'Amount in yuan, as a string with two decimals', example: '1500000.00' });
