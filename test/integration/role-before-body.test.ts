import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';
import { type World } from '../support/world';

const { t, w } = useTestApp();
let returned: string;

beforeAll(async () => {
  returned = await w.caseIn('revision');
});

const GARBAGE = { nonsense: ['x'], name: 42 };
type Who = keyof World['tokens'];

/**
 * Who is asking is settled before what is asked: a caller whose role may never do this learns
 * 403 (or 404 for a case or firm it may not see), never what is wrong with the body or the id.
 */
const refused: [method: string, path: string, who: Who, status: number][] = [
  ['POST', '/insurers', 'firm', 403],
  ['POST', '/rounds', 'provincial', 403],
  ['PATCH', '/rounds/:round', 'firm', 403],
  ['PATCH', '/rounds/not-an-id', 'municipal', 403],
  ['GET', '/rounds/not-an-id/changes', 'firm', 403],
  ['GET', '/admin/calendar/not-a-year', 'firm', 403],
  ['PUT', '/admin/calendar/2026', 'provincial', 403],
  ['PUT', '/admin/calendar/not-a-year', 'finance', 403],
  ['GET', '/admin/clock', 'firm', 403],
  ['POST', '/admin/clock', 'provincial', 403],
  ['POST', '/catalogue/editions?dryRun=maybe', 'firm', 403],
  ['POST', '/catalogue/editions/not-an-id/publish', 'provincial', 403],
  ['POST', '/cases', 'municipal', 403],
  ['PATCH', '/cases/:returned', 'municipal', 403],
  ['PATCH', '/cases/:returned', 'admin', 404],
  ['PATCH', '/cases/:returned', 'otherFirm', 404],
  ['POST', '/cases/:returned/documents', 'provincial', 403],
  ['PATCH', '/enterprises/:firm', 'municipal', 403],
  ['PATCH', '/enterprises/:firm', 'provincial', 403],
  ['PATCH', '/enterprises/:firm', 'otherMunicipal', 404],
];

const resolve = (path: string) => path.replace(':round', w.round.id).replace(':returned', returned).replace(':firm', w.firm.id);

describe('the role before the body', () => {
  for (const [method, path, who, status] of refused) {
    it(`answers ${method} ${path} from ${who} with garbage ${status}, not 400`, async () => {
      const res = await t.api.request(method, resolve(path), { token: w.tokens[who], ...(method === 'GET' ? {} : { body: GARBAGE }) });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  }

  it('still tells a caller who may act what is wrong with the body', async () => {
    for (const [path, who, method] of [['/insurers', 'admin', 'POST'], [`/cases/${returned}`, 'firm', 'PATCH'], [`/enterprises/${w.firm.id}`, 'firm', 'PATCH']] as const) {
      expect((await t.api.request(method, path, { token: w.tokens[who], body: GARBAGE })).status, path).toBe(400);
    }
  });

  it('answers a body that is not even JSON only after who is asking is settled', async () => {
    const broken = (method: string, path: string, token?: string) =>
      t.api.request(method, path, { token, raw: '{"name": ', headers: { 'content-type': 'application/json' } }).then((r) => r.status);
    expect(await broken('POST', '/insurers')).toBe(401);
    expect(await broken('POST', '/insurers', w.tokens.firm)).toBe(403);
    expect(await broken('PATCH', `/cases/${returned}`, w.tokens.otherFirm)).toBe(404);
    expect(await broken('POST', '/insurers', w.tokens.admin)).toBe(400);
    expect(await broken('PATCH', `/cases/${returned}`, w.tokens.firm)).toBe(400);
    expect(await broken('POST', '/auth/login')).toBe(400);
  });

  it('answers 415, not an unchanged 200, to a body of another type sent to a JSON route', async () => {
    const sent = await t.api.request('PATCH', `/cases/${returned}`, { token: w.tokens.firm, raw: '{"material":{"name":"x"}}', headers: { 'content-type': 'text/plain' } });
    expect(sent.status).toBe(415);
    const form = await t.api.request('POST', '/insurers', { token: w.tokens.admin, raw: 'name=x&code=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect((await t.api.request('PATCH', `/cases/${returned}`, { token: w.tokens.otherFirm, raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(404);
  });

  it('says in both languages which roles may', async () => {
    const res = await t.api.post<{ errors: { code: string; message: string; messageZh: string }[] }>('/insurers', GARBAGE, w.tokens.firm);
    expect(res.body.errors).toEqual([{ path: 'role', code: 'role.forbidden', message: 'only these roles may do this: admin', messageZh: '只有以下角色可以执行此操作：管理员' }]);
  });
});
