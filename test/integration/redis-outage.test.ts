import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { emailDeliveries } from '../../db/schema';
import { freePort } from '../support/ports';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

// A Redis of this file's own, so that it can be stopped and started again (SPEC §9: Redis down).
// Its port is one the system hands out as free, never a guess that may be the shared Redis's 6379.
let PORT = 0;
let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'pipe' });
  redis = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Ready to accept')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server on port ${PORT} exited (${code}) before it was ready:\n${output}`)));
    child.once('error', reject);
  });
}
async function stopRedis(): Promise<void> {
  if (!redis) return;
  const exited = once(redis, 'exit');
  redis.kill('SIGKILL');
  await exited;
  redis = null;
}

let smtp: SmtpSink;
beforeAll(async () => {
  PORT = await freePort();
  await startRedis();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
  await stopRedis();
});
const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url, redisUrl: `redis://127.0.0.1:${PORT}` }));

describe('with Redis down', () => {
  it('still accepts transitions, reports not ready, and delivers the emails once Redis is back', async () => {
    await stopRedis();
    const id = await w.submittedCase();
    const approved = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal);
    expect(approved.status).toBe(200);
    const ready = await t.api.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ checks: { postgres: 'ok', redis: 'unavailable' } });

    await startRedis();
    const deliveries = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) await smtp.waitFor((m) => m.messageId === d.messageId, 40_000);
  }, 60_000);
});
