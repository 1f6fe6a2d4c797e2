import type { Logger } from '../logger';

export interface Loop {
  stop(): Promise<void>;
}

/**
 * Runs `tick` again and again, waiting `idleMs` when it found nothing and backing off (up to
 * `maxBackoffMs`) when it failed — e.g. while Redis or Postgres is down. `stop` waits for the
 * tick in flight, so shutdown never cuts a relay between enqueue and mark.
 */
export function startLoop(name: string, log: Logger, tick: () => Promise<number>, idleMs: number, maxBackoffMs = 30_000): Loop {
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
        if (n === 0) await sleep(idleMs);
      } catch (err) {
        failures++;
        log.warn({ err, loop: name, failures }, `${name} failed; retrying`);
        await sleep(Math.min(maxBackoffMs, idleMs * 2 ** failures));
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
