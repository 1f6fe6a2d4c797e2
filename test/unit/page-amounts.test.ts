import { describe, expect, it } from 'vitest';
import { bpOfPercent, percent, percentValue, plainAmount } from '../../server/pages/format';

// Amounts typed into the pages' forms (application, claim, claim payment, recovery, round settings).
describe('an amount typed as amounts are shown', () => {
  it('drops separators that group thousands: commas, full-width commas, spaces', () => {
    expect(plainAmount('1,234.56')).toBe('1234.56');
    expect(plainAmount('1，234.56')).toBe('1234.56');
    expect(plainAmount('12,345,678')).toBe('12345678');
    expect(plainAmount('1 234 567.89')).toBe('1234567.89');
    expect(plainAmount('１，２３４，５６７．８９')).toBe('1234567.89');
    expect(plainAmount('１２．３４５')).toBe('12.345');
    expect(plainAmount('1\u00a0234.50')).toBe('1234.50');
    expect(plainAmount('  1,500,000.00 ')).toBe('1500000.00');
    expect(plainAmount('1234.56')).toBe('1234.56');
  });

  it('passes anything else on as typed, for the schema to refuse, never as another amount', () => {
    for (const typed of ['1,2,3', '1234,56', '12,34,567.00', '1,23', ',,,', '1,234,5', ',123', '123,', '1 2 3', '1,234 567']) {
      expect(plainAmount(typed), typed).toBe(typed);
    }
  });
});

// Rates on the round form: percent for people, basis points for the API.
describe('a rate typed in percent', () => {
  it('is read from its digits into exact basis points', () => {
    expect(bpOfPercent('3')).toBe(300);
    expect(bpOfPercent('3.5')).toBe(350);
    expect(bpOfPercent('0.29')).toBe(29);
    expect(bpOfPercent('57.7')).toBe(5770);
    expect(bpOfPercent(' 80.00 % ')).toBe(8000);
    expect(bpOfPercent('100％')).toBe(10000);
    expect(bpOfPercent('0.01')).toBe(1);
  });

  it('is no rate when it has more than two decimals or is no plain number', () => {
    for (const typed of ['3.255', '3,5', '-1', '1e2', '.5', '3.', 'abc', '', '%', '1000', '3 3']) expect(bpOfPercent(typed), typed).toBeNull();
  });

  it('is shown with two decimals', () => {
    expect(percentValue(8000)).toBe('80.00');
    expect(percentValue(29)).toBe('0.29');
    expect(percentValue(5)).toBe('0.05');
    expect(percent(300)).toBe('3.00 %');
    expect(percent(null)).toBe('—');
  });
});
