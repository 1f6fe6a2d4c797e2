import { describe, expect, it } from 'vitest';
import { visibleLength } from '../../server/domain/text';
import { isCalendarInstant } from '../../server/domain/keyset';

describe('visibleLength', () => {
  it('counts what a reader sees, not zero-width, bidi, filler or lone combining characters', () => {
    expect(visibleLength('\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u3164\u115f\u2800\u0301\u00a0\u3000')).toBe(0);
    expect(visibleLength('张\u200b三')).toBe(2);
    expect(visibleLength('Zoë')).toBe(3);
    expect(visibleLength('e\u0301')).toBe(1);
    expect(visibleLength('👍🏽')).toBe(2);
  });
});

describe('isCalendarInstant', () => {
  it('takes the instants the cursors write, and no date a calendar lacks', () => {
    for (const ok of ['2026-02-28T23:59:59.999Z', '2028-02-29T00:00:00.000000Z', '9999-12-31T00:00:00.000Z', '2026-12-06T17:14:06Z']) expect(isCalendarInstant(ok), ok).toBe(true);
    for (const bad of ['2026-02-29T00:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '0000-01-01T00:00:00.000Z', '0099-01-01T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-01-01', 'March 7, 2026']) {
      expect(isCalendarInstant(bad), bad).toBe(false);
    }
  });
});
