import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

/**
 * With BENCH_PROFILE=1, a CPU profile of this process (the server) over one phase, written to
 * bench/results/<name>-<timestamp>.cpuprofile for Chrome DevTools or speedscope.
 */
export async function profiled<T>(enabled: boolean, name: string, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    await mkdir(dir, { recursive: true });
    const file = `${dir}${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
    await writeFile(file, JSON.stringify(profile));
    console.error(`  · CPU profile written to ${file}`);
  }
}
