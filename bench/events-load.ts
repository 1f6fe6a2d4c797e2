import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cities } from '../server/domain/cities';
import type { ClientPlan, LoadPlan, LoadResult } from './events-client';
import type { BenchConfig } from './support';
import type { BenchWorld } from './world';

/** Runs the clients in a child process, so that they do not share the server's event loop. */
export function forkLoad(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL('./events-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load generator exited with ${code}`))));
    child.send(plan);
  });
}

/** Each client is a firm with its own drafts and its city's reviewer: nobody touches another's rows. */
export function makeClients(world: BenchWorld, config: BenchConfig, perClient: number): Promise<ClientPlan[]> {
  return Promise.all(
    Array.from({ length: config.BENCH_CLIENTS }, async (_, i) => {
      const city = cities[i % cities.length]?.code ?? '330100';
      const firm = await world.firmIn(city);
      const reviewer = await world.reviewerIn(city);
      const cases: ClientPlan['cases'] = [];
      for (let j = 0; j < perClient; j++) cases.push({ ...(await world.draftCase(firm.user)), next: 'SUBMIT' });
      return { firmToken: firm.user.token, reviewerToken: reviewer.token, cases };
    }),
  );
}
