import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneDatabase } from '../support/databases';
import { freePort } from '../support/ports';

// The real `npm start` — npm, then tsx, then node — stopped with SIGTERM sent to npm, as Docker and
// process managers do, while clients keep their connections busy.
let PORT = 0;
let base = '';
let database: Awaited<ReturnType<typeof cloneDatabase>>;
const run = promisify(execFile);

beforeAll(async () => {
  PORT = await freePort();
  base = `http://127.0.0.1:${PORT}`;
  database = await cloneDatabase();
});
afterAll(async () => database.drop());

async function waitUntilUp(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not start');
}

describe('SIGTERM under keep-alive traffic', () => {
  it('answers the requests in flight, closes their connections, and exits 0 within the grace period', async () => {
    const child = spawn('npm', ['start'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: database.url,
        PORT: String(PORT),
        QUEUE_PREFIX: `{t-${randomUUID().slice(0, 8)}}`,
        // below the server's 5 s keep-alive timeout: a busy kept-alive socket must not outlast it
        SHUTDOWN_GRACE_MS: '4000',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    await waitUntilUp(Date.now() + 30_000);

    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'provincial@demo.local', password: process.env.DEMO_PASSWORD ?? 'Demo-2026!' }),
    });
    const { token } = (await login.json()) as { token: string };
    const statuses: number[] = [];
    let stop = false;
    // eight reviewers, each reusing its connection for list after list, until the server is gone
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          const res = await fetch(`${base}/api/v1/cases`, { headers: { authorization: `Bearer ${token}` } });
          await res.arrayBuffer();
          statuses.push(res.status);
        } catch {
          return; // refused: the server has stopped listening
        }
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    // one request surely in flight when the signal comes: its body is only half sent
    const body = JSON.stringify({ email: 'provincial@demo.local', password: 'not-the-password' });
    const halfSent = request(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const answered = new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      halfSent.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode, connection: res.headers.connection });
      });
      halfSent.on('error', reject);
    });
    halfSent.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    halfSent.end(body.slice(10));
    const inFlight = await answered;
    const [code] = await exited;
    stop = true;
    await Promise.all(clients);

    // 1 would mean the grace period ran out before the workers and the pool were closed
    expect(code).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // the request in flight when the signal came was answered, and told not to reuse its connection
    expect(inFlight).toEqual({ status: 401, connection: 'close' });
    // nothing is left listening: npm passed the signal on instead of leaving node orphaned
    expect(await fetch(`${base}/healthz`).then(() => 'up', () => 'down')).toBe('down');
  }, 60_000);
});

describe('a server process that dies', () => {
  it('is started again by the supervising process, and the system answers again within seconds', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: database.url, PORT: String(PORT + 1), QUEUE_PREFIX: `{t-${randomUUID().slice(0, 8)}}`, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '3000' },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const url = `http://127.0.0.1:${PORT + 1}/healthz`;
    const serverProcess = async (deadline: number): Promise<number> => {
      while (Date.now() < deadline) {
        const up = await fetch(url).then((r) => r.ok, () => false);
        // (ps answers 1 while the process has no children yet)
        const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(child.pid)]).catch(() => ({ stdout: '' }));
        const [pid] = stdout.split('\n').map(Number).filter((n) => n > 0);
        if (up && pid) return pid;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no server process answered');
    };
    try {
      const first = await serverProcess(Date.now() + 30_000);
      // as an uncaught error would end it
      process.kill(first, 'SIGKILL');
      const second = await serverProcess(Date.now() + 20_000);
      expect(second).not.toBe(first);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
  }, 90_000);
});
