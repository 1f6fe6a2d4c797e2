import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app';
import { makeWorld, type World } from './world';

type StartOptions = NonNullable<Parameters<typeof startTestApp>[0]>;
/** startTestApp's options, and whether to make a world in the app (default yes; it costs a dozen sign-ups). */
export type SetUp = StartOptions & { world?: boolean };

/**
 * The set-up most integration files share: the app started (and a world made in it) before the
 * file's tests, and closed after them. `t` and `w` stand in for what the beforeAll makes, so a
 * file reads `t.api` and `w.tokens` as before; reading them before it ran throws.
 *
 * Options that need something another hook makes first (an SMTP sink's url) are given as a
 * function: hooks run in the order they were registered, and afterAll hooks in reverse, so a
 * sink set up above this call is started before the app and closed after it.
 */
export function useTestApp(setUp: SetUp | (() => SetUp) = {}): { t: TestApp; w: World } {
  let app: TestApp | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    const { world: wanted = true, ...options } = typeof setUp === 'function' ? setUp() : setUp;
    app = await startTestApp(options);
    if (wanted) world = await makeWorld(app.app.db, app.api, app.app);
  });
  afterAll(async () => app?.close());
  return { t: standIn('t', () => app), w: standIn('w (a file set up with world: false has none)', () => world) };
}

/** An object that forwards every read to what `current` returns once the beforeAll has made it. */
export function standIn<T extends object>(name: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current();
    if (value === undefined) throw new Error(`${name} is read before the beforeAll of useTestApp made it`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  });
}
