import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';

const { t } = useTestApp({ world: false });

describe('HTTP basics', () => {
  it('answers /healthz and /readyz with Postgres and Redis checked', async () => {
    expect((await t.api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.api.get('/readyz')).body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('gives every response a request id, echoing a sane one the caller sent', async () => {
    const res = await t.api.get('/healthz', undefined, { 'X-Request-Id': 'caller-chosen-id-1' });
    expect(res.headers.get('x-request-id')).toBe('caller-chosen-id-1');
    const fresh = await t.api.get('/healthz', undefined, { 'X-Request-Id': 'bad id with spaces' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers (helmet)', async () => {
    const res = await t.api.get('/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('lists the eleven cities of the province to anyone, with their GB/T 2260 codes', async () => {
    const res = await t.api.get<{ items: { code: string; name: string }[] }>('/cities');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(11);
    expect(res.body.items[0]).toMatchObject({ code: '330100', name: '杭州市' });
    expect(res.body.items.at(-1)).toMatchObject({ code: '331100', name: '丽水市' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.api.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/not-found', title: 'Not found', status: 404 });
    expect(typeof res.body.requestId).toBe('string');
  });

  it('names each invalid field of a body in English and in Chinese', async () => {
    const res = await t.api.post<{ errors: { path: string; message: string; messageZh: string }[] }>('/auth/login', { email: 42, password: 'x', extra: true });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'email', message: 'must be text', messageZh: '应填写文字' }),
        expect.objectContaining({ messageZh: expect.stringContaining('extra') }),
      ]),
    );
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const res = await t.api.request('POST', '/auth/login', { raw: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, detail: 'the request body is not valid JSON' });
    // valid JSON nested deeper than the parser's stack is said to be that, not invalid
    const deep = await t.api.request('POST', '/auth/login', { raw: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, headers: { 'content-type': 'application/json' } });
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ status: 400, detail: 'the request body is nested too deeply' });
  });

  it('refuses a body that names a key twice in one object, wherever it is, whatever its escapes', async () => {
    // parsers disagree on which of the two wins (JSON.parse keeps the last): a proxy, a log or a
    // second reader could see another request than the one served
    const bodies = [
      '{"email":"a@b.c","email":"admin@demo.local","password":"x"}',
      '{"email":"a@b.c","password":"x","nested":{"k":1,"k":2}}',
      '{"email":"a@b.c","em\\u0061il":"d@e.f","password":"x"}',
      '{"list":[{"a":1,"a":2}],"email":"a@b.c","password":"x"}',
    ];
    for (const raw of bodies) {
      const res = await t.api.request<{ detail: string }>('POST', '/auth/login', { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, raw).toBe(400);
      expect(res.body.detail, raw).toMatch(/names the key "[^"]+" twice/);
    }
    // the same key in sibling objects, in arrays or as a value is no duplicate
    const fine = '{"email":"nobody@example.test","password":"not the password","x":[{"a":1},{"a":2}],"y":{"email":"email"}}';
    const res = await t.api.request<{ errors: { message: string }[] }>('POST', '/auth/login', { raw: fine, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain('unknown fields: x, y');
  });

  it('serves the OpenAPI 3.1 document generated from the request schemas, and renders it at /docs', async () => {
    const doc = await t.api.get<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/auth/login', '/cases', '/cases/{id}', '/cases/{id}/events', '/audit/verify']));
    const events = doc.body.paths['/cases/{id}/events']?.post as { requestBody: unknown };
    expect(JSON.stringify(events.requestBody)).toContain('#/components/schemas/CaseEvent');
    expect(JSON.stringify(doc.body.components.schemas.CaseEvent)).toContain('RETURN');
    const docs = await fetch(`${t.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('names every operation with a unique camelCase operationId, and marks exactly the public ones security: []', async () => {
    type Operation = { operationId?: string; security?: unknown[] };
    const doc = await t.api.get<{ paths: Record<string, Record<string, Operation>> }>('/openapi.json');
    const operations = Object.entries(doc.body.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op })));
    const ids = operations.map(({ op }) => op.operationId ?? '');
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // the names clients generate code from never change
    const named = (method: string, path: string) => doc.body.paths[path]?.[method]?.operationId;
    expect([named('post', '/auth/login'), named('post', '/cases/{id}/events'), named('get', '/catalogue/entries')]).toEqual(['login', 'sendCaseEvent', 'searchCatalogueEntries']);
    for (const { method, path, op } of operations) {
      expect(Array.isArray(op.security), `${method} ${path}`).toBe(true);
      // what the document says is what an anonymous caller meets
      const anonymous = await t.api.request(method.toUpperCase(), path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'));
      expect(anonymous.status === 401, `${method} ${path} → ${anonymous.status}`).toBe((op.security ?? []).length > 0);
    }
  });

  it('serves Prometheus metrics to a local scraper, with request timings by route pattern', async () => {
    await t.api.get('/healthz');
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('firstbatch_http_request_duration_seconds_bucket');
    expect(text).toMatch(/firstbatch_outbox_pending \d+/);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('refuses /metrics without the token when one is configured', async () => {
    t.app.env.METRICS_TOKEN = 'a-metrics-token-of-32-characters';
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer a-metrics-token-of-32-characters' } })).status).toBe(200);
      // auth schemes are case-insensitive (RFC 9110 §11.1); a token without the scheme is no bearer
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'bearer a-metrics-token-of-32-characters' } })).status).toBe(200);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'BEARER a-metrics-token-of-32-characters' } })).status).toBe(200);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'a-metrics-token-of-32-characters' } })).status).toBe(404);
    } finally {
      t.app.env.METRICS_TOKEN = undefined;
    }
  });
});
