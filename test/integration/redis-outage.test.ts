import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { emailDeliveries } from '../../db/schema';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

// A Redis of this file's own, so that it can be stopped and started again (SPEC §9: Redis down).
const PORT = 6300 + Math.floor(Math.random() * 80);
let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'pipe' });
  const ready = new Promise<void>((resolve) => redis?.stdout?.on('data', (d: Buffer) => d.toString().includes('Ready to accept') && resolve()));
  await ready;
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
  await startRedis();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp.close();
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
