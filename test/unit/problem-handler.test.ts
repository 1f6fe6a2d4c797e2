import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../server/logger';
import { errorHandler } from '../../server/http/problem';

// Database errors as the driver and drizzle raise them: a code of their own, or on the cause.
const thrown: Record<string, unknown> = {
  statementTimeout: Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
  connectionsRefused: Object.assign(new Error('database is not accepting connections'), { code: '55000' }),
  outOfRange: new Error('Failed query', { cause: Object.assign(new Error('value out of range'), { code: '22003' }) }),
};

let server: Server;
let base: string;
beforeAll(async () => {
  const app = express();
  app.get('/:kind', (req) => {
    throw thrown[req.params.kind];
  });
  app.use(errorHandler(logger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the problem answer to a database error', () => {
  it.each(['statementTimeout', 'connectionsRefused'])('answers %s with 503 and Retry-After: the overload or outage passes', async (kind) => {
    const res = await fetch(`${base}/${kind}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers a data exception (SQLSTATE class 22) on the cause with 400', async () => {
    const res = await fetch(`${base}/outOfRange`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('cannot store');
  });
});
