import { describe, expect, it } from 'vitest';
import { plainAmount } from '../../server/pages/format';

// Amounts typed into the pages' forms (application, claim, claim payment, recovery, round settings).
describe('an amount typed as amounts are shown', () => {
  it('drops separators that group thousands: commas, full-width commas, spaces', () => {
    expect(plainAmount('1,234.56')).toBe('1234.56');
    expect(plainAmount('1，234.56')).toBe('1234.56');
    expect(plainAmount('12,345,678')).toBe('12345678');
    expect(plainAmount('1 234 567.89')).toBe('1234567.89');
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
