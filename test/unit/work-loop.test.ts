import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startLoop } from '../../server/jobs/loop';

const log = pino({ level: 'silent' });

// The relay's loop: on at once after a full batch, a short pause after a partial one (so that the
// next relay finds many transactions' rows), the idle wait after none, a growing wait after failures.
describe('a work loop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pauses as long as it is told after a tick that did something, and the idle wait after one that did nothing', async () => {
    const counts = [200, 5, 0, 7];
    const at: number[] = [];
    const t0 = Date.now();
    const loop = startLoop(
      'test',
      log,
      async () => {
        at.push(Date.now() - t0);
        return counts.shift() ?? 0;
      },
      250,
      { pauseAfter: (n) => (n < 200 ? 100 : 0) },
    );
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(360);
    // 200 → on at once; 5 → 100 ms; 0 → 250 ms; 7 → …
    expect(at).toEqual([0, 0, 100, 350]);
    const stopping = loop.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    expect(at).toHaveLength(4);
  });

  it('is stopped during a pause without waiting it out', async () => {
    let ticks = 0;
    const loop = startLoop(
      'test',
      log,
      async () => {
        ticks++;
        return 1;
      },
      250,
      { pauseAfter: () => 60_000 },
    );
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await stopping;
    expect(ticks).toBe(1);
  });

  it('is stopped during a tick without then waiting out the pause or the backoff that tick would earn', async () => {
    for (const outcome of ['did something', 'failed'] as const) {
      let finish = () => {};
      let ticks = 0;
      const loop = startLoop(
        'test',
        log,
        async () => {
          ticks++;
          await new Promise<void>((resolve) => (finish = resolve));
          if (outcome === 'failed') throw new Error('down');
          return 1;
        },
        250,
        { pauseAfter: () => 60_000, maxBackoffMs: 60_000 },
      );
      await vi.advanceTimersByTimeAsync(10);
      let stopped = false;
      const stopping = loop.stop().then(() => (stopped = true));
      await vi.advanceTimersByTimeAsync(10);
      // the tick in flight is waited for
      expect(stopped, outcome).toBe(false);
      finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped, outcome).toBe(true);
      await stopping;
      expect(ticks, outcome).toBe(1);
    }
  });

  it('waits twice as long after each failure in a row, up to its limit', async () => {
    const at: number[] = [];
    const t0 = Date.now();
    const loop = startLoop(
      'test',
      log,
      async () => {
        at.push(Date.now() - t0);
        throw new Error('down');
      },
      100,
      { maxBackoffMs: 500 },
    );
    await vi.advanceTimersByTimeAsync(2_000);
    const stopping = loop.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    // 200, 400, then 500 each
    expect(at.slice(0, 5)).toEqual([0, 200, 600, 1100, 1600]);
  });
});
