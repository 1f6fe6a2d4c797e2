import type { Logger } from '../logger';

export interface Loop {
  stop(): Promise<void>;
}

export interface LoopOptions {
  /** the longest wait after failures in a row (the wait doubles from `idleMs`) */
  maxBackoffMs?: number;
  /** how long to wait after a tick that did `n` things (0: go on at once); after none it waits `idleMs` */
  pauseAfter?: (n: number) => number;
}

/**
 * Runs `tick` again and again, waiting `idleMs` when it found nothing and backing off (up to
 * `maxBackoffMs`) when it failed — e.g. while Redis or Postgres is down. `stop` waits for the
 * tick in flight, so shutdown never cuts a relay between enqueue and mark; a pause it cuts short.
 */
export function startLoop(name: string, log: Logger, tick: () => Promise<number>, idleMs: number, options: LoopOptions = {}): Loop {
  const { maxBackoffMs = 30_000, pauseAfter = () => 0 } = options;
  let stopped = false;
  let wake: (() => void) | null = null;
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const done = (async () => {
    while (!stopped) {
      try {
        const n = await tick();
        failures = 0;
        const pause = n === 0 ? idleMs : pauseAfter(n);
        if (pause > 0 && !stopped) await sleep(pause);
      } catch (err) {
        failures++;
        log.warn({ err, loop: name, failures }, `${name} failed; retrying`);
        if (!stopped) await sleep(Math.min(maxBackoffMs, idleMs * 2 ** failures));
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
