import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { download, upload } from '../fixtures/documents/client';
import { pdfBytes } from '../fixtures/documents/files';

const { t, w } = useTestApp();

/**
 * node:http rather than fetch: fetch refuses some header values, and these tests need the exact
 * bytes a hostile client can send (latin-1 octets such as 0xE9 included).
 */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(path, t.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_COOKIES = ['j%3A%7B%7D', 'j:123', 'j:[1,2]', 'j:null', 'j:"text"', 'j%3A%5B%5D'];

describe('cookies and headers', () => {
  it.each(JSON_COOKIES)('treats the session cookie %s as no session: 401 where one is needed, ignored on public routes', async (value) => {
    const cookie = `fb_session=${value}`;
    expect((await send('GET', '/api/v1/me', { cookie })).status).toBe(401);
    expect((await send('GET', '/api/v1/rounds', { cookie })).status).toBe(401);
    expect((await send('GET', '/api/v1/cities', { cookie })).status).toBe(200);
    const login = await send('POST', '/api/v1/auth/login', { cookie }, JSON.stringify({ email: w.people.finance.email, password: 'Test-password-1' }));
    expect(login.status).toBe(200);
  });

  it('still signs in with the real session cookie among others', async () => {
    const user = await makeUser(t.app.db, { roles: ['provincial'] });
    const token = await t.api.login(user.email);
    expect((await send('GET', '/api/v1/me', { cookie: `theme=j:{}; fb_session=${token}; other=%E9` })).status).toBe(200);
  });

  it('never answers a 5xx to odd headers on public and signed-in routes', async () => {
    const caseId = await w.createCase();
    const odd: Record<string, string>[] = [
      ...JSON_COOKIES.map((v) => ({ cookie: `fb_session=${v}` })),
      { cookie: 'fb_session=%E9%ZZ' },
      { cookie: 'fb_session=\u00e9\u00ff' },
      { cookie: `fb_session=${'a'.repeat(4000)}` },
      { cookie: Array.from({ length: 300 }, (_, i) => `c${i}=j:${i}`).join('; ') },
      { authorization: 'Bearer \u00e9\u00ff\u00e9' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic Zm9vOmJhcg==' },
      { authorization: `Bearer ${'\u00e9'.repeat(6000)}` },
      { 'if-match': '\u00e9' },
      { 'if-match': '"' },
      { 'if-match': '*' },
      { 'if-match': '99999999999999999999' },
      { 'if-match': 'W/"x", "1"' },
      { 'idempotency-key': '\u00e9\u00e9' },
      { 'idempotency-key': ' ' },
      { 'idempotency-key': 'k'.repeat(9000) },
      { 'accept-language': '\u00e9;q=abc, *;q=2, zh-CN;q=' },
      { 'accept-language': 'x'.repeat(8000) },
      { 'x-request-id': '\u00e9'.repeat(200) },
      { 'x-forwarded-for': '\u00e9\u00ff, ::::, 999.1.1.1' },
      { 'x-forwarded-for': Array.from({ length: 500 }, (_, i) => `10.0.${i % 250}.${i % 200}`).join(', ') },
      { 'content-type': 'application/json; charset=\u00e9' },
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'multipart/form-data; boundary=' },
      { 'x-huge': 'h'.repeat(20_000) },
    ];
    const routes: [string, string, string | undefined][] = [
      ['GET', '/api/v1/me', undefined],
      ['GET', '/api/v1/cities', undefined],
      ['GET', '/api/v1/cases', undefined],
      ['GET', `/api/v1/cases/${caseId}`, undefined],
      ['PATCH', `/api/v1/cases/${caseId}`, JSON.stringify({ material: { batchNo: 'B-odd' } })],
      ['POST', `/api/v1/cases/${caseId}/events`, JSON.stringify({ type: 'WITHDRAW', reason: 'odd headers' })],
      ['POST', `/api/v1/cases/${caseId}/documents`, '--x\r\n'],
      ['POST', '/api/v1/auth/login', JSON.stringify({ email: 'nobody@example.test', password: 'Whatever-2026' })],
      ['GET', '/metrics', undefined],
      ['GET', '/openapi.json', undefined],
    ];
    const failures: string[] = [];
    for (const headers of odd) {
      for (const withToken of [false, true]) {
        const all = withToken && !headers.authorization ? { ...headers, authorization: `Bearer ${w.tokens.firm}` } : headers;
        for (const [method, path, body] of routes) {
          const res = await send(method, path, all, body);
          if (res.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(headers).slice(0, 60)} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('compares the metrics token without failing or telling its length', async () => {
    const token = 'a-metrics-token-of-32-characters';
    t.app.env.METRICS_TOKEN = token;
    try {
      // as many characters as the token, but 0xE9 takes two bytes in UTF-8
      const sameLength = `\u00e9${token.slice(1)}`;
      const statuses = await Promise.all(
        [sameLength, token.slice(0, 10), `${token}x`, '\u00e9'.repeat(token.length), ''].map(async (bearer) => (await send('GET', '/metrics', { authorization: `Bearer ${bearer}` })).status),
      );
      expect(statuses).toEqual([404, 404, 404, 404, 404]);
      expect((await send('GET', '/metrics', { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      t.app.env.METRICS_TOKEN = undefined;
    }
  });

  it('answers with Cache-Control: no-store to every request with a session or bearer token, and on every /auth answer', async () => {
    const token = w.tokens.firm;
    const caseId = await w.createCase();
    const stored = await upload(t.url, caseId, token, { type: 'sales_contract', fileName: '合同.pdf', bytes: pdfBytes('no-store'), contentType: 'application/pdf' });
    const answers = {
      me: await send('GET', '/api/v1/me', { authorization: `Bearer ${token}` }),
      meByCookie: await send('GET', '/api/v1/me', { cookie: `fb_session=${token}` }),
      cases: await send('GET', '/api/v1/cases', { authorization: `Bearer ${token}` }),
      publicWithToken: await send('GET', '/api/v1/cities', { authorization: `Bearer ${token}` }),
      deniedToken: await send('GET', '/api/v1/me', { authorization: 'Bearer made-up' }),
      notFound: await send('GET', `/api/v1/cases/${caseId}x`, { authorization: `Bearer ${token}` }),
      login: await send('POST', '/api/v1/auth/login', {}, JSON.stringify({ email: w.people.expert.email, password: 'Test-password-1' })),
      failedLogin: await send('POST', '/api/v1/auth/login', {}, JSON.stringify({ email: w.people.expert.email, password: 'Not-the-password-1' })),
      badLogin: await send('POST', '/api/v1/auth/login', {}, '{'),
      document: { status: 200, headers: { 'cache-control': (await download(t.url, String(stored.json?.href), token)).headers.get('cache-control') ?? undefined } },
    };
    const cacheControl = Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.headers['cache-control']]));
    expect(cacheControl).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, 'no-store'])));
  });

  it('answers a registration with Cache-Control: no-store, whatever its outcome', async () => {
    const res = await send('POST', '/api/v1/enterprises/register', {}, JSON.stringify({ nonsense: true }));
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('hides /metrics from a remote client that reaches it through the local proxy', async () => {
    expect(t.app.env.METRICS_TOKEN).toBeFalsy();
    expect((await send('GET', '/metrics', {})).status).toBe(200);
    expect((await send('GET', '/metrics', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404);
  });
});
