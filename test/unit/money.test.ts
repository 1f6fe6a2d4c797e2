import { describe, expect, it } from 'vitest';
import { MoneyFormatError, MONEY_FORMAT_MESSAGE, formatYuan, parseYuan, yuanString, yuanStringOut } from '../../server/domain/money.js';

describe('parseYuan', () => {
  it.each([
    ['1500000.00', 150_000_000n],
    ['1500000', 150_000_000n],
    ['1500000.5', 150_000_050n],
    ['0.01', 1n],
    ['0', 0n],
    ['007.10', 710n],
    ['9999999999999.99', 999_999_999_999_999n],
  ])('reads %s yuan as %s fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it('keeps every fen of amounts a float would round', () => {
    // parseFloat('0.29') * 100 is 28.999999999999996 and parseFloat('1.13') * 100 is 112.99999999999999.
    expect(parseYuan('0.29')).toBe(29n);
    expect(parseYuan('1.13')).toBe(113n);
  });

  it.each([
    '', '-1.00', '+1.00', '1.005', '1e6', '1,500,000.00', ' 1.00', '1.00 ', '1.', '.5', '１.00', '0x10',
    '10000000000000', 'NaN', 'Infinity', '1_000',
  ])('refuses %j with a MoneyFormatError', (text) => {
    expect(() => parseYuan(text)).toThrow(MoneyFormatError);
  });

  it('explains the expected format in the error', () => {
    expect(() => parseYuan('1,500.00')).toThrow(/string in yuan with at most two decimals.*"1,500.00"/);
  });
});

describe('formatYuan', () => {
  it.each([
    [150_000_000n, '1500000.00'],
    [0n, '0.00'],
    [1n, '0.01'],
    [10n, '0.10'],
    [-1n, '-0.01'],
    [-150_000_050n, '-1500000.50'],
    [999_999_999_999_999n, '9999999999999.99'],
  ])('writes %s fen as %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('round-trips with parseYuan', () => {
    for (const fen of [0n, 1n, 99n, 100n, 123_456_789n]) expect(parseYuan(formatYuan(fen))).toBe(fen);
  });
});

describe('yuanString (zod)', () => {
  it('turns a yuan string into bigint fen', () => {
    expect(yuanString.parse('1500000.00')).toBe(150_000_000n);
  });

  it('refuses a JSON number for money with a message saying how to write it', () => {
    const result = yuanString.safeParse(1500000);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(MONEY_FORMAT_MESSAGE);
  });

  it('refuses a string with three decimals with the same message', () => {
    const result = yuanString.safeParse('1.005');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([MONEY_FORMAT_MESSAGE]);
  });

  it('reports a missing amount as missing, not as badly formatted', () => {
    const result = yuanString.safeParse(undefined);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).not.toBe(MONEY_FORMAT_MESSAGE);
  });

  it('documents output amounts in the format formatYuan writes', () => {
    expect(yuanStringOut.safeParse(formatYuan(-150_000_050n)).success).toBe(true);
    expect(yuanStringOut.safeParse('1500000.5').success).toBe(false);
  });
});
