import { describe, expect, it } from 'vitest';
import { dayWords, timeWords } from '../../server/domain/date-words';
import { date, instant, instantBeijing } from '../../server/pages/format';

// One convention per language for the dates people read, on the pages and in the emails.
describe('a date for people', () => {
  it('reads 2026年12月7日 in Chinese and 7 Dec 2026 in English', () => {
    expect(dayWords('2026-12-07', 'zh')).toBe('2026年12月7日');
    expect(dayWords('2026-12-07', 'en')).toBe('7 Dec 2026');
    expect(dayWords('2027-01-31', 'en')).toBe('31 Jan 2027');
    expect(date('2026-03-01', 'en')).toBe('1 Mar 2026');
    expect(date(null, 'zh')).toBe('—');
  });

  it('gives back what is no date as it came', () => {
    for (const s of ['', '2026-13-01', '2026-12-7', 'soon', '2026-12-07T00:00:00Z']) expect(dayWords(s, 'en'), s).toBe(s);
  });
});

describe('an instant for people', () => {
  it('is Beijing time to the minute, the day turning at midnight there', () => {
    const at = new Date('2026-12-07T06:05:59.900Z');
    expect(timeWords(at, 'zh')).toBe('2026年12月7日 14:05');
    expect(timeWords(at, 'en')).toBe('7 Dec 2026, 14:05');
    expect(instant('2026-12-31T16:00:00.000Z', 'zh')).toBe('2027年1月1日 00:00');
    expect(instant('2026-12-31T15:59:00.000Z', 'en')).toBe('31 Dec 2026, 23:59');
  });

  it('names Beijing time where its time of day matters', () => {
    expect(instantBeijing('2026-12-07T09:00:00.000Z', 'zh')).toBe('北京时间 2026年12月7日 17:00');
    expect(instantBeijing('2026-12-07T09:00:00.000Z', 'en')).toBe('7 Dec 2026, 17:00 (Beijing time)');
    expect(instantBeijing(null, 'en')).toBe('—');
  });
});
