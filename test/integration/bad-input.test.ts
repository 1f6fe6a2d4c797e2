import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';

// its own database: the sweep below also moves the settable clock, which lives in the database
const { t, w } = useTestApp({ ownDatabase: true });

const garbage: unknown[] = [
  null,
  [],
  'text',
  42,
  { type: 1 },
  { type: 'SUBMIT', extra: { deeply: { nested: [1, 2, { x: null }] } } },
  { roundId: 'x'.repeat(10_000) },
  { contract: { amount: 1e308 }, policy: { premium: '-1' } },
  { enterprise: null, user: [] },
  { __proto__: { admin: true }, constructor: { prototype: { polluted: true } } },
  { days: [{ date: '2027-02-30', kind: 'holiday' }], published: 'yes' },
  { advance: 'P99999999999D' },
];

describe('bad input anywhere', () => {
  it('never answers a documented route with a 5xx, whatever the body, id or role', async () => {
    const doc = await t.api.get<{ paths?: Record<string, Record<string, unknown>> }>('/openapi.json');
    const paths = doc.body.paths ?? {};
    // a missing or emptied document would let this sweep pass without sending a single request
    expect(doc.status).toBe(200);
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/auth/login', '/cases', '/cases/{id}', '/cases/{id}/events', '/cases/{id}/documents', '/rounds/{id}', '/admin/calendar/{year}', '/admin/clock']));
    const failures: string[] = [];
    const tokens = [w.tokens.firm, w.tokens.admin, w.tokens.provincial];
    const caseId = await w.createCase();
    for (const [template, methods] of Object.entries(paths)) {
      for (const method of Object.keys(methods)) {
        // signing out would turn every later request of the sweep into a 401
        if (template === '/auth/logout') continue;
        for (const id of ['not-an-id', '00000000-0000-4000-8000-000000000000', caseId]) {
          const path = template.replace(/\{[^}]+\}/g, id);
          for (const token of tokens) {
            const bodies = method === 'get' ? [undefined] : garbage;
            for (const body of bodies) {
              const res = await t.api.request(method.toUpperCase(), path, { token, ...(body === undefined ? {} : { body }) });
              if (res.status >= 500) failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body)?.slice(0, 60)} → ${res.status}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('refuses text the database cannot store (NUL, an unpaired surrogate) with 400, not 500', async () => {
    const token = w.tokens.firm;
    const id = await w.submittedCase();
    const raw = (body: object) => JSON.stringify(body).replace('MARK', '\\u0000');
    for (const reason of ['a\\u0000b', 'x\\ud800y']) {
      const res = await t.api.request('POST', `/cases/${id}/events`, { token, raw: `{"type":"WITHDRAW","reason":"${reason}"}`, headers: { 'content-type': 'application/json' } });
      expect(res.status, reason).toBe(400);
    }
    const created = await t.api.request('POST', '/cases', { token, raw: raw(w.caseBody({ material: { name: 'MARK硅晶圆' } })), headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(400);
    // the refusal names the value by its whole path, inside arrays and objects alike, and a key by its escaped text
    expect(JSON.stringify(created.body)).toContain('at \\"material.name\\"');
    const listed = await t.api.request('POST', '/disbursements', { token: w.tokens.finance, raw: '{"roundId":"x","caseIds":["a\\u0000"]}', headers: { 'content-type': 'application/json' } });
    expect(listed.status).toBe(400);
    expect(JSON.stringify(listed.body)).toContain('at \\"caseIds.0\\"');
    const keyed = await t.api.request('POST', `/cases/${id}/events`, { token, raw: '{"type":"WITHDRAW","x":{"k\\u0000":1}}', headers: { 'content-type': 'application/json' } });
    expect(keyed.status).toBe(400);
    expect(JSON.stringify(keyed.body)).toContain('at \\"x.k\\\\u0000\\"');
    // a path hundreds of levels deep is named by its first 200 characters, not spelled out whole
    const deep = await t.api.request<{ detail: string }>('POST', `/cases/${id}/events`, { token, raw: `{"type":"WITHDRAW","x":${'{"level":'.repeat(500)}"\\u0000"${'}'.repeat(500)}}`, headers: { 'content-type': 'application/json' } });
    expect(deep.status).toBe(400);
    const named = /at "([^"]*)"/.exec(deep.body.detail)?.[1] ?? '';
    expect(named).toBe(`x${'.level'.repeat(500)}`.slice(0, 200));
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, token)).body.state).toBe('municipal');
  });

  it('refuses a JSON body that is not UTF-8 with 400, rather than storing U+FFFD in place of its bytes', async () => {
    const token = w.tokens.firm;
    const id = await w.submittedCase();
    // the bytes FF FE C0 are no UTF-8: decoding them quietly would put three U+FFFD into the case's history
    const raw = Buffer.concat([Buffer.from('{"type":"WITHDRAW","reason":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]);
    const res = await t.api.request('POST', `/cases/${id}/events`, { token, raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('UTF-8');
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, token)).body.state).toBe('municipal');
  });
});
