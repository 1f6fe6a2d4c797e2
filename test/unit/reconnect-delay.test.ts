import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../db/client';

// postgres.js counts every connection of the pool closed with an error and waits 3^n / 100 s (up
// to 20 s) before connecting again: after a dozen cut at once every request waited 10–20 s. The
// pool's own wait stays about a second however many were cut.
describe('the wait before a cut connection connects again', () => {
  it('starts at tens of milliseconds and never passes a second, however many connections were cut', () => {
    for (let n = 0; n <= 40; n++) {
      for (let i = 0; i < 50; i++) {
        const s = reconnectDelay(n);
        expect(s).toBeGreaterThan(0);
        expect(s).toBeLessThanOrEqual(1);
      }
    }
    expect(Math.max(...Array.from({ length: 50 }, () => reconnectDelay(0)))).toBeLessThanOrEqual(0.05);
    expect(Math.min(...Array.from({ length: 50 }, () => reconnectDelay(12)))).toBeGreaterThanOrEqual(0.5);
  });
});
