import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../support/databases';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp({ ownDatabase: true });
let admin: postgres.Sql;
let name: string;

beforeAll(async () => {
  name = new URL(t.app.env.DATABASE_URL).pathname.slice(1);
  admin = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => undefined });
});
afterAll(async () => {
  await admin.unsafe(`alter database "${name}" allow_connections true`);
  await admin.end();
});

describe('with Postgres unreachable', () => {
  it('answers 503 with Retry-After instead of 500, and recovers by itself when it returns', async () => {
    const id = await w.createCase();
    // the database goes away: connections are cut and new ones refused
    await admin.unsafe(`alter database "${name}" allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    const down = await t.api.get(`/cases/${id}`, w.tokens.firm);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.api.get('/readyz')).status).toBe(503);

    await admin.unsafe(`alter database "${name}" allow_connections true`);
    await expect.poll(async () => (await t.api.get(`/cases/${id}`, w.tokens.firm)).status, { timeout: 10_000 }).toBe(200);
  });
});
