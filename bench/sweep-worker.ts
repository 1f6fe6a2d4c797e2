import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { env } from '../server/env';
import { createAppContext } from '../server/runtime';
import { sweepDue } from '../server/engine/timers';

/** What a sweeper process is told, and what it answers once it has fired everything it could. */
export interface SweeperPlan {
  databaseUrl: string;
  queuePrefix: string;
  poolSize: number;
  limit: number;
  logLevel: string;
}
export interface SweeperResult {
  fired: number;
  calls: number;
  cpuMs: number;
}

type FromChild = { ready: true } | { result: SweeperResult };

/**
 * A sweeper in a process of its own, as `npm run worker` is: its own pool, its own event loop.
 * `start` resolves once it is connected (not measured); `go` runs sweepDue until it fires nothing.
 */
export async function forkSweeper(plan: SweeperPlan): Promise<{ go(): Promise<SweeperResult> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'] });
  const next = () =>
    new Promise<FromChild>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`sweeper exited with ${code}`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (m) => {
        child.off('exit', onExit);
        child.off('error', reject);
        resolve(m as FromChild);
      });
    });
  const ready = next();
  child.send(plan);
  await ready;
  return {
    go: async () => {
      const done = next();
      child.send('go');
      const m = await done;
      if (!('result' in m)) throw new Error('sweeper answered out of turn');
      return m.result;
    },
  };
}

async function serve(plan: SweeperPlan): Promise<void> {
  const { app, close } = await createAppContext({ ...env, DATABASE_URL: plan.databaseUrl, QUEUE_PREFIX: plan.queuePrefix }, { poolSize: plan.poolSize });
  app.log.level = plan.logLevel;
  await Promise.all(Array.from({ length: plan.poolSize }, () => app.database.sql`select 1`));
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send?.({ ready: true });
  });
  const cpu0 = process.cpuUsage();
  let fired = 0;
  let calls = 0;
  for (let n = -1; n !== 0; calls++) {
    n = await sweepDue(app, plan.limit);
    fired += n;
  }
  const cpu = process.cpuUsage(cpu0);
  await new Promise<void>((resolve) => process.send?.({ result: { fired, calls, cpuMs: (cpu.user + cpu.system) / 1000 } }, () => resolve()));
  await close();
}

// Started by bench/sweep.ts with fork(): one plan in, 'ready'; 'go' in, one result out.
if (process.send) {
  process.once('message', (plan: SweeperPlan) => {
    serve(plan).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
