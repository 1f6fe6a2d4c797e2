import { describe, expect, it } from 'vitest';
import { formatYuan } from '../../server/domain/money';
import { workbookFileName, yuanNumber } from '../../server/reports/xlsx';

describe('money in report workbooks', () => {
  it('writes yuan as the number nearest the exact amount', () => {
    expect(yuanNumber(0n)).toBe(0);
    expect(yuanNumber(1n)).toBe(0.01);
    expect(yuanNumber(100_000_000n)).toBe(1_000_000);
    expect(yuanNumber(2_400_000n)).toBe(24_000);
    expect(yuanNumber(123_456_789n)).toBe(1_234_567.89);
    expect(yuanNumber(-5n)).toBe(-0.05);
    expect(yuanNumber(115n)).toBe(1.15);
  });

  it('agrees with the yuan text of every amount it writes', () => {
    for (let i = 0; i < 2000; i++) {
      const fen = BigInt(Math.floor(Math.random() * 2 ** 52)) * (i % 2 === 0 ? 1n : -1n);
      expect(yuanNumber(fen), String(fen)).toBe(Number(formatYuan(fen)));
    }
  });
});

describe('report file names', () => {
  it("names the file after the round, without characters file systems refuse", () => {
    expect(workbookFileName('2026年度第一批', '补偿资金报表')).toBe('2026年度第一批-补偿资金报表.xlsx');
    expect(workbookFileName('a/b\\c:d*e?"f"<g>|h\u0007', 'x')).toBe('a_b_c_d_e__f__g__h_-x.xlsx');
    expect(workbookFileName('   ', 'x')).toBe('round-x.xlsx');
  });
});
