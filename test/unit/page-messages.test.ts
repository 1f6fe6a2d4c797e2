import { describe, expect, it } from 'vitest';
import { chartStates } from '../../workflows/case/chart';
import { zh } from '../../server/pages/i18n/zh';
import { en } from '../../server/pages/i18n/en';
import { date, fileSize, instant, yuan } from '../../server/pages/format';

/** Every key path of a catalogue, leaves only. */
function paths(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? paths(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('page message catalogues', () => {
  it('have the same keys in Chinese and English (the compiler checks the typed ones; this the open maps too)', () => {
    expect(paths(en).sort()).toEqual(paths(zh).sort());
  });

  it('name every state a case can be in, as a badge reads it', () => {
    const states = [...new Set(chartStates.map((s) => s.primary).filter((s): s is string => s !== null && s !== 'inReview'))];
    expect(states.length).toBeGreaterThan(5);
    for (const s of states) {
      expect(zh.states[s], s).toBeTruthy();
      expect(en.states[s], s).toBeTruthy();
    }
  });
});

describe('page formats', () => {
  it('writes yuan with thousands separators and keeps the fen exact', () => {
    expect(yuan('1500000.00')).toBe('1,500,000.00');
    expect(yuan('999.99')).toBe('999.99');
    expect(yuan('12345678901234.05')).toBe('12,345,678,901,234.05');
    expect(yuan(null)).toBe('—');
  });

  it('writes dates the Chinese way in Chinese and day-month-year in English, and instants in Beijing time', () => {
    expect(date('2026-03-01', 'zh')).toBe('2026年3月1日');
    expect(date('2026-03-01', 'en')).toBe('1 Mar 2026');
    expect(instant('2026-09-30T16:30:00.000Z', 'zh')).toBe('2026年10月1日 00:30');
    expect(instant('2026-09-30T16:30:00.000Z', 'en')).toBe('1 Oct 2026, 00:30');
  });

  it('writes a file size in bytes, then kilobytes and megabytes to one decimal', () => {
    expect(fileSize(0)).toBe('0 B');
    expect(fileSize(1023)).toBe('1023 B');
    expect(fileSize(1024)).toBe('1.0 KB');
    expect(fileSize(49_357)).toBe('48.2 KB');
    // just under a megabyte is no "1024.0 KB"
    expect(fileSize(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(fileSize(20 * 1024 * 1024)).toBe('20.0 MB');
  });
});
