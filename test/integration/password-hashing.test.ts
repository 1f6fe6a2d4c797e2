import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hashing, MAX_CONCURRENT_HASHES, MAX_WAIT_MS } from '../../server/auth/password';
import { FAILURES_PER_ADDRESS } from '../../server/auth/login-limits';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { download, upload } from '../fixtures/documents/client';
import { pdfBytes } from '../fixtures/documents/files';

// The app runs in this process, so the password module's counters are the server's own.
const { t, w } = useTestApp();

const registration = (uscc: string) => ({
  enterprise: {
    name: '哈希测试新材料有限公司',
    uscc,
    city: '330100',
    address: '杭州市滨江区测试路 9 号',
    contactName: '赵工',
    contactPhone: '0571-88888888',
    contactEmail: 'zhao@firm.test',
    affiliations: [],
  },
  user: { email: `${randomUUID()}@firm.test`, password: 'Hashing-2026-test', name: '赵经理' },
});

describe('password hashing', () => {
  afterEach(() => {
    hashing.maxWaitMs = MAX_WAIT_MS;
  });

  it('serves a document download while ten failed sign-ins wait for the hash, and runs at most the bound at once', async () => {
    const caseId = await w.createCase();
    // large enough to need many reads, each of which goes through the thread pool that scrypt uses
    const bytes = Buffer.concat([pdfBytes('read while hashing'), Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    const stored = await upload(t.url, caseId, w.tokens.firm, { type: 'sales_contract', fileName: '合同.pdf', bytes, contentType: 'application/pdf' });
    expect(stored.status).toBe(201);
    const href = String(stored.json?.href);

    hashing.maxRunning = 0;
    // all ten are to wait here, however slow the machine: the bound on waiting is the next test's
    hashing.maxWaitMs = 600_000;
    let answered = 0;
    // unknown emails: each is checked against the decoy hash at full cost
    const n = 10;
    const logins = Array.from({ length: n }, (_, i) =>
      t.api.post('/auth/login', { email: `nobody-${i}-${randomUUID()}@example.test`, password: 'Wrong-password-1' }).then((r) => {
        answered++;
        return r.status;
      }),
    );
    // every sign-in has reached its hash once the first one is answered
    await Promise.race(logins);
    const file = await download(t.url, href, w.tokens.firm);
    const answeredBeforeDownload = answered;

    expect(file.status).toBe(200);
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(await Promise.all(logins)).toEqual(Array.from({ length: n }, () => 401));
    expect(answeredBeforeDownload).toBeLessThan(n / 2);
    expect(hashing.maxRunning).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
  }, 60_000);

  it('turns sign-ins away with 503 and Retry-After, at once, beyond the hashes that may wait', async () => {
    const refusedBefore = hashing.refused;
    const burst = 100;
    // each from an address and for an account of its own: no throttle stands in the way
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        t.api.post('/auth/login', { email: `flood-${i}-${randomUUID()}@example.test`, password: 'Wrong-password-1' }, undefined, { 'X-Forwarded-For': `198.51.100.${i + 1}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 401 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(hashing.refused - refusedBefore).toBe(statuses.filter((s) => s === 503).length);
    expect(answers.find((a) => a.status === 503)?.headers.get('retry-after')).toBe('2');
  }, 60_000);

  it('counts no failed sign-in against a right password turned away as busy: the owner gets in once the load passes, with no 429 on the way', async () => {
    const email = `busy-${randomUUID()}@example.test`;
    await makeUser(t.app.db, { roles: ['firm'], email, enterpriseId: w.firm.id });
    const body = { email, password: 'Test-password-1' };
    const headers = { 'X-Forwarded-For': '203.0.113.77' };
    // every derivation is turned away: the queue is as good as full
    hashing.maxWaitMs = -1;
    for (let i = 0; i < FAILURES_PER_ADDRESS + 2; i++) {
      const busy = await t.api.post<{ detail: string }>('/auth/login', body, undefined, headers);
      expect(busy.status, `attempt ${i + 1}`).toBe(503);
      expect(busy.body.detail).toMatch(/try again in a few seconds/);
      expect(busy.body.detail).not.toMatch(/failed/);
      expect(busy.headers.get('retry-after')).toBe('2');
    }
    hashing.maxWaitMs = MAX_WAIT_MS;
    expect((await t.api.post('/auth/login', body, undefined, headers)).status).toBe(200);
  }, 60_000);

  it('still counts a wrong password checked while others are turned away as busy', async () => {
    const email = `busy-wrong-${randomUUID()}@example.test`;
    await makeUser(t.app.db, { roles: ['firm'], email, enterpriseId: w.firm.id });
    const headers = { 'X-Forwarded-For': '203.0.113.78' };
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await t.api.post('/auth/login', { email, password: 'Wrong-password-1' }, undefined, headers)).status).toBe(401);
    hashing.maxWaitMs = -1;
    expect((await t.api.post('/auth/login', { email, password: 'Test-password-1' }, undefined, headers)).status).toBe(429);
  }, 60_000);

  it('answers a registration of a firm already registered with 409 without hashing the password', async () => {
    const before = hashing.started;
    const res = await t.api.post('/enterprises/register', registration(w.firm.uscc));
    expect(res.status).toBe(409);
    expect(hashing.started).toBe(before);
  });
});
