import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calendarYears, catalogueEditions, insurers, roundChanges, rounds, settings, userInvitations, users } from '../../db/schema';
import { shanghaiDate } from '../../server/calendar/workdays';
import { factoryDates, makeEdition, makeRound, makeUser } from '../../seeds/factories';
import type { SettableClock } from '../../server/clock';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// The administrator's pages refuse everyone else: a visitor is sent to sign in, every other role
// gets the 403 page, and a form without its token is refused before anything is done.
const { t, w } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

/** A round form's text fields as the page filled them, with a new name, a window in 2027 and the choices given. */
function roundFormOf(html: string, choices: { editionId: string; insurerIds: string[] }): Record<string, string | string[]> {
  const fields = Object.fromEntries([...html.matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', m[2] ?? '']));
  return {
    ...fields,
    _csrf: PageClient.csrfOf(html),
    name: `排除条目批次 ${randomUUID().slice(0, 6)}`,
    year: '2027',
    opensAt: '2027-03-01T09:00',
    closesAt: '2027-04-30T17:00',
    insuranceStartsOn: '2027-01-01',
    insuranceEndsOn: '2027-12-31',
    requiredDocuments: ['sales_contract'],
    ...choices,
  };
}

const PAGES = ['/admin', '/admin/users', `/admin/users/${randomUUID()}`, '/admin/rounds', '/admin/rounds/new', '/admin/catalogue', '/admin/insurers', '/admin/calendar?year=2026', '/admin/clock'];
const OTHERS = ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const;

describe('the administrator pages', () => {
  it('open for an administrator, with the 管理 link in the header', async () => {
    const admin = await signedIn(w.people.admin.email);
    for (const path of PAGES.filter((p) => !p.includes('/users/'))) {
      const page = await admin.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain('href="/admin"');
    }
  });

  it('answer 403 to every other role, for pages and forms alike, and show no 管理 link', async () => {
    for (const who of OTHERS) {
      const b = await signedIn(w.people[who].email);
      for (const path of PAGES) expect((await b.get(path)).status, `${who} ${path}`).toBe(403);
      const home = await b.get('/');
      expect(home.text, who).not.toContain('href="/admin"');
      const csrf = PageClient.csrfOf(home.text);
      const before = (await t.app.db.select().from(insurers)).length;
      expect((await b.post('/admin/insurers', { _csrf: csrf, name: '越权保险公司', code: `X${who}` })).status, who).toBe(403);
      expect((await b.post('/admin/clock/advance', { _csrf: csrf, days: '3' })).status, who).toBe(403);
      // refused for who they are before anything of the request is read: not its form's problems
      expect((await b.post('/admin/catalogue/editions', { _csrf: csrf, year: '2027' })).status, `${who} catalogue upload`).toBe(403);
      expect((await b.get('/admin/users/not-an-id')).status, `${who} user page`).toBe(403);
      expect((await t.app.db.select().from(insurers)).length).toBe(before);
    }
  });

  it('offer staff roles only: a firm account comes from its own registration, never from these forms', async () => {
    const admin = await signedIn(w.people.admin.email);
    const list = await admin.get('/admin/users');
    const invite = /<fieldset id="i-roles"[\s\S]*?<\/fieldset>/.exec(list.text)?.[0] ?? '';
    expect(invite).toContain('value="finance"');
    expect(invite).not.toContain('value="firm"');
    const page = await admin.get(`/admin/users/${w.people.finance.id}`);
    expect(page.text).toContain('name="roles" value="finance"');
    expect(page.text).not.toContain('name="roles" value="firm"');
  });

  it("say in the list where each account belongs: a reviewer's city, an insurer's company, an expert's organisation", async () => {
    const admin = await signedIn(w.people.admin.email);
    const rowOf = async (email: string) => {
      const text = (await admin.get(`/admin/users?q=${encodeURIComponent(email)}`)).text;
      const at = text.indexOf(`<td data-label="邮箱">${email}</td>`);
      expect(at).toBeGreaterThan(0);
      return text.slice(at, text.indexOf('</tr>', at));
    };
    expect(await rowOf(w.people.municipal.email)).toContain('<td data-label="所属地区或单位">杭州市</td>');
    const [insurer] = await t.app.db.select().from(insurers).where(eq(insurers.id, w.insurer.id));
    expect(await rowOf(w.people.insurer.email)).toContain(`<td data-label="所属地区或单位">${insurer?.name}</td>`);
    const [expert] = await w.makeExperts(1, { organisationName: '浙江省新材料研究院' });
    expect(await rowOf(expert?.user.email ?? '')).toContain('<td data-label="所属地区或单位">浙江省新材料研究院</td>');
    expect(await rowOf(w.people.finance.email)).toContain('<td data-label="所属地区或单位">—</td>');
  });

  it("show a person's name as text, never as markup, in the list and on their page", async () => {
    const user = await makeUser(t.app.db, { roles: ['finance'], name: '<img src=x onerror=alert(1)>钱会计' });
    const admin = await signedIn(w.people.admin.email);
    for (const path of [`/admin/users?q=${encodeURIComponent(user.email)}`, `/admin/users/${user.id}`]) {
      const page = await admin.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain('&lt;img src=x onerror=alert(1)>钱会计');
      // inside a quoted attribute a "<" is text already: only the markup outside them counts
      expect(page.text.replace(/="[^"]*"/g, '=""'), path).not.toContain('<img src=x');
    }
  });

  it('send a visitor to sign in, and come back to the page afterwards', async () => {
    const visitor = new PageClient(t.url);
    for (const path of ['/admin', '/admin/users', '/admin/rounds']) {
      const res = await visitor.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const page = await visitor.get('/login');
    expect((await visitor.post('/admin/insurers', { _csrf: PageClient.csrfOf(page.text), name: '访客保险公司', code: 'VISITOR' })).status).toBe(303);
  });

  it('refuse a form without its token, and change nothing', async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    expect((await admin.post('/admin/users', { email, name: '无令牌', roles: 'provincial' })).status).toBe(403);
    expect(await t.app.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    const code = `NT${randomUUID().slice(0, 6)}`;
    expect((await admin.post('/admin/insurers', { _csrf: 'not-the-token', name: '无令牌保险公司', code })).status).toBe(403);
    expect(await t.app.db.select().from(insurers).where(eq(insurers.code, code))).toEqual([]);
    expect((await admin.post(`/admin/users/${w.people.finance.id}/active`, { active: 'false' })).status).toBe(403);
    // the catalogue upload carries its token in the multipart body, and is refused without it
    const docNumber = `无令牌〔2027〕${randomUUID().slice(0, 4)}号`;
    const upload = async (withToken: boolean) => {
      const form = new FormData();
      if (withToken) form.set('_csrf', PageClient.csrfOf((await admin.get('/admin/catalogue')).text));
      for (const [k, v] of Object.entries({ year: '2027', docNumber, effectiveOn: '2027-01-15', action: 'import' })) form.set(k, v);
      form.set('file', new Blob(['序号,材料名称,性能要求,应用领域\n一、先进基础材料,,,\n1,无令牌材料,强度≥1MPa,测试\n'], { type: 'text/csv' }), 'no-token.csv');
      const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      return fetch(`${t.url}/admin/catalogue/editions`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie, accept: 'text/html' } });
    };
    expect((await upload(false)).status).toBe(403);
    expect(await t.app.db.select().from(catalogueEditions).where(eq(catalogueEditions.docNumber, docNumber))).toEqual([]);
    expect((await upload(true)).status).toBe(303);
    expect(await t.app.db.select().from(catalogueEditions).where(eq(catalogueEditions.docNumber, docNumber))).toHaveLength(1);
    expect((await t.app.db.select().from(users).where(eq(users.id, w.people.finance.id)))[0]?.active).toBe(true);
  });

  it("refuse every other form without its token — roles, invitation, rounds, publishing, calendar, clock — and change nothing", async () => {
    const admin = await signedIn(w.people.admin.email);
    const target = w.people.municipal;
    const marker = `无令牌${randomUUID().slice(0, 8)}`;
    const invitationsBefore = (await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, target.id))).length;
    const offset = async () => (await t.app.db.select().from(settings).where(eq(settings.key, 'clock.offsetMs')))[0]?.value ?? null;
    const offsetBefore = await offset();
    const posts: [string, Record<string, string>][] = [
      [`/admin/users/${target.id}`, { roles: 'provincial', city: '', insurerId: '', organisationUscc: '', organisationName: '' }],
      [`/admin/users/${target.id}/invitation`, {}],
      ['/admin/rounds', { name: '无令牌批次' }],
      [`/admin/rounds/${w.round.id}`, { name: '无令牌批次' }],
      [`/admin/catalogue/editions/${w.edition.id}/publish`, {}],
      ['/admin/calendar/2031/add', { date: '2031-03-11', kind: 'holiday', name: marker }],
      ['/admin/calendar/2031/remove', { date: '2031-01-01' }],
      ['/admin/calendar/2031/published', { published: 'false' }],
      ['/admin/clock/advance', { days: '3' }],
      ['/admin/clock/set', { at: '2031-01-05T09:00' }],
    ];
    for (const [path, form] of posts) {
      expect((await admin.post(path, form)).status, path).toBe(403);
      expect((await admin.post(path, { ...form, _csrf: 'x'.repeat(43) })).status, `${path} with a made-up token`).toBe(403);
    }
    expect((await t.app.db.select().from(users).where(eq(users.id, target.id)))[0]?.roles).toEqual(['municipal']);
    expect((await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, target.id))).length).toBe(invitationsBefore);
    expect((await admin.get('/admin/calendar?year=2031')).text).not.toContain(marker);
    expect(await offset()).toEqual(offsetBefore);
  });

  it("show the service's refusal to deactivate oneself beside the button, and keep the account", async () => {
    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get(`/admin/users/${w.people.admin.id}`);
    const res = await admin.post(`/admin/users/${w.people.admin.id}/active`, { _csrf: PageClient.csrfOf(page.text), active: 'false' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('不能停用自己的账号');
    expect((await t.app.db.select().from(users).where(eq(users.id, w.people.admin.id)))[0]?.active).toBe(true);
  });

  it('refuse a switch of an account that says neither on nor off, and keep the account as it was', async () => {
    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get(`/admin/users/${w.people.finance.id}`);
    for (const active of ['maybe', '']) {
      const res = await admin.post(`/admin/users/${w.people.finance.id}/active`, { _csrf: PageClient.csrfOf(page.text), active });
      expect(res.status, active).toBe(400);
      expect(res.text).toContain('请选择启用或停用');
    }
    const bare = await admin.post(`/admin/users/${w.people.finance.id}/active`, { _csrf: PageClient.csrfOf(page.text) });
    expect(bare.status).toBe(400);
    expect((await t.app.db.select().from(users).where(eq(users.id, w.people.finance.id)))[0]?.active).toBe(true);
  });

  it('resend an invitation, refuse a role change that lacks its city beside the field, and withdraw the invitation', async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    const list = await admin.get('/admin/users');
    const created = await admin.post('/admin/users', { _csrf: PageClient.csrfOf(list.text), email, name: '孙审核', roles: 'provincial' });
    expect(created.status).toBe(303);
    const [user] = await t.app.db.select().from(users).where(eq(users.email, email));
    if (!user) throw new Error('no account');
    const detail = await admin.get(`/admin/users/${user.id}`);
    const csrf = PageClient.csrfOf(detail.text);
    expect(detail.text).toContain('重新发送邀请');
    expect((await admin.post(`/admin/users/${user.id}/invitation`, { _csrf: csrf })).status).toBe(303);
    const sent = await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, user.id));
    expect(sent).toHaveLength(2);
    expect(sent.filter((i) => i.revokedAt === null)).toHaveLength(1);

    const noCity = await admin.post(`/admin/users/${user.id}`, { _csrf: csrf, roles: 'municipal', city: '', insurerId: '', organisationUscc: '', organisationName: '' });
    expect(noCity.status).toBe(422);
    expect(noCity.text).toMatch(/<select id="r-city"[^>]*aria-invalid="true"[^>]*aria-describedby="r-city-error"/);
    expect(noCity.text).toContain('市级审核人员须指定一个所属城市');
    const withCity = await admin.post(`/admin/users/${user.id}`, { _csrf: csrf, roles: 'municipal', city: '330200', insurerId: '', organisationUscc: '', organisationName: '' });
    expect(withCity.status).toBe(303);
    expect((await t.app.db.select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({ roles: ['municipal'], city: '330200' });

    expect((await admin.get(`/admin/users/${user.id}`)).text).toContain('撤回邀请');
    expect((await admin.post(`/admin/users/${user.id}/active`, { _csrf: csrf, active: 'false' })).status).toBe(303);
    const after = await t.app.db.select().from(userInvitations).where(eq(userInvitations.userId, user.id));
    expect(after.every((i) => i.revokedAt !== null)).toBe(true);
    const refused = await admin.post(`/admin/users/${user.id}/invitation`, { _csrf: csrf });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('该账号已停用');
  });

  it("show an account's change history by the fields' names and readable values, in either language", async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    const list = await admin.get('/admin/users');
    const csrf = PageClient.csrfOf(list.text);
    expect((await admin.post('/admin/users', { _csrf: csrf, email, name: '吴审核', roles: 'provincial' })).status).toBe(303);
    const [user] = await t.app.db.select().from(users).where(eq(users.email, email));
    if (!user) throw new Error('no account');
    expect((await admin.post(`/admin/users/${user.id}`, { _csrf: csrf, roles: 'municipal', city: '330200', insurerId: '', organisationUscc: '', organisationName: '' })).status).toBe(303);
    expect((await admin.post(`/admin/users/${user.id}/active`, { _csrf: csrf, active: 'false' })).status).toBe(303);

    const history = (html: string) => /<section aria-labelledby="changes">([\s\S]*?)<\/section>/.exec(html)?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') ?? '';
    const zh = history((await admin.get(`/admin/users/${user.id}`)).text);
    expect(zh).toContain('启用 ：是 → 否');
    expect(zh).toContain('角色 ：省级审核 → 市级审核');
    expect(zh).toContain('所属城市 ：— → 宁波市');
    expect(zh).toContain(`邮箱 ：— → ${email}`);
    // a field opened empty and left so is no change to show
    expect(zh).not.toContain('— → —');
    expect(zh).not.toMatch(/\b(roles|city|active|insurerId|organisationUscc|true|false|municipal|330200)\b/);

    admin.cookies.set('fb_lang', 'en');
    const en = history((await admin.get(`/admin/users/${user.id}`)).text);
    expect(en).toContain('Active : yes → no');
    expect(en).toContain('Roles : Provincial reviewer → Municipal reviewer');
    expect(en).toContain('City : — → Ningbo');
    expect(en).not.toMatch(/\b(roles|city|active|true|false|330200)\b/);
    // an English label takes an English colon, on the account's title and the dashboard alike
    const page = (await admin.get(`/admin/users/${user.id}`)).text;
    expect(page).toContain(`<h1>Account: ${user.name}</h1>`);
    expect((await admin.get('/')).text).toContain('Your roles: ');
  });

  it("name each service's refusal beside its field: a clock set back, a duplicate insurer code, a round's rate, a calendar day of another year", async () => {
    const admin = await signedIn(w.people.admin.email);
    const clock = await admin.get('/admin/clock');
    const csrf = PageClient.csrfOf(clock.text);
    const back = await admin.post('/admin/clock/set', { _csrf: csrf, at: '2001-01-01T09:00' });
    expect(back.status).toBe(400);
    expect(back.text).toMatch(/<input[^>]*id="s-at"[^>]*aria-invalid="true"[^>]*aria-describedby="s-at-error"/);

    const code = `DUP${randomUUID().slice(0, 4)}`;
    expect((await admin.post('/admin/insurers', { _csrf: csrf, name: '甲保险', code })).status).toBe(303);
    const dup = await admin.post('/admin/insurers', { _csrf: csrf, name: '乙保险', code: code.toLowerCase() });
    expect(dup.status).toBe(409);
    expect(dup.text).toMatch(/id="f-code-error"[^>]*>\s*<span>保险公司代码 [^<]* 已存在/);

    const form = await admin.get(`/admin/rounds/${w.round.id}`);
    expect(form.status).toBe(200);
    const fields = Object.fromEntries([...form.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const badRate = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, _csrf: csrf, editionId: w.edition.id, insurerIds: w.round.insurerIds[0] ?? '', ratePercent: '八十' });
    expect(badRate.status).toBe(400);
    expect(badRate.text).toMatch(/<input[^>]*id="f-ratePercent"[^>]*aria-invalid="true"/);

    const other = await admin.post('/admin/calendar/2031/add', { _csrf: csrf, date: '2032-03-08', kind: 'holiday', name: '' });
    expect(other.status).toBe(422);
    expect(other.text).toContain('不在 2031 年内');
    expect((await admin.post('/admin/calendar/2031/add', { _csrf: csrf, date: '2031-03-10', kind: 'holiday', name: '演示', confirmed: 'yes' })).status).toBe(303);
    expect((await admin.get('/admin/calendar?year=2031')).text).toContain('2031年3月10日');
    expect((await admin.post('/admin/calendar/2031/remove', { _csrf: csrf, date: '2031-03-10', confirmed: 'yes' })).status).toBe(303);
    expect((await admin.get('/admin/calendar?year=2031')).text).not.toContain('2031年3月10日');
    // a year the calendar does not keep names no page, and never changes another year
    const [before] = await t.app.db.select().from(calendarYears).where(eq(calendarYears.year, 2026));
    for (const year of ['9999', '1900', '-1', 'abc']) {
      expect((await admin.post(`/admin/calendar/${year}/published`, { _csrf: csrf, published: 'false' })).status, year).toBe(404);
      expect((await admin.post(`/admin/calendar/${year}/add`, { _csrf: csrf, date: '2026-03-10', kind: 'holiday', name: 'x' })).status, year).toBe(404);
      expect((await admin.get(`/admin/calendar?year=${year}`)).status, year).toBe(404);
    }
    const [after] = await t.app.db.select().from(calendarYears).where(eq(calendarYears.year, 2026));
    expect(after).toEqual(before);
    // without a year, the year it is now
    expect((await admin.get('/admin/calendar')).text).toContain(`${shanghaiDate(t.app.clock.now()).slice(0, 4)}`);
  });

  it("show a round's rates in percent and take them in percent, stored as the API's exact basis points", async () => {
    const admin = await signedIn(w.people.admin.email);
    const blank = await admin.get(`/admin/rounds/new?editionId=${w.edition.id}`);
    // the SPEC defaults, 8000 and 300 basis points, as percent
    expect(blank.text).toMatch(/id="f-ratePercent" name="ratePercent"[^>]*value="80.00"/);
    expect(blank.text).toMatch(/id="f-premiumRateCapPercent" name="premiumRateCapPercent"[^>]*value="3.00"/);
    expect(blank.text).not.toContain('基点');
    const base = roundFormOf(blank.text, { editionId: w.edition.id, insurerIds: w.round.insurerIds });

    // 0.29 and 57.7 are the percents a float would turn into 28.999… and 5769.999… basis points
    const created = await admin.post('/admin/rounds', { ...base, ratePercent: ' 57.7 ', premiumRateCapPercent: '0.29 %' });
    expect(created.status).toBe(303);
    const id = /\/admin\/rounds\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    const stored = await t.api.get<{ rateBp: number; premiumRateCapBp: number | null }>(`/rounds/${id}`, w.tokens.admin);
    expect(stored.body).toMatchObject({ rateBp: 5770, premiumRateCapBp: 29 });
    const edit = await admin.get(`/admin/rounds/${id}`);
    expect(edit.text).toMatch(/name="ratePercent"[^>]*value="57.70"/);
    expect(edit.text).toMatch(/name="premiumRateCapPercent"[^>]*value="0.29"/);
    expect((await admin.get('/admin/rounds')).text).toContain('57.70 %');

    // an empty cap switches it off, as null in the API
    const editFields = roundFormOf(edit.text, { editionId: w.edition.id, insurerIds: w.round.insurerIds });
    expect((await admin.post(`/admin/rounds/${id}`, { ...editFields, premiumRateCapPercent: '' })).status).toBe(303);
    expect((await t.api.get<{ premiumRateCapBp: number | null }>(`/rounds/${id}`, w.tokens.admin)).body.premiumRateCapBp).toBeNull();

    // three decimals, no number, zero, above 100 %: refused beside the field in percent words, nothing saved
    for (const typed of ['3.255', 'abc', '0', '100.01', '-1', '1e2']) {
      const refused = await admin.post(`/admin/rounds/${id}`, { ...editFields, premiumRateCapPercent: typed });
      expect(refused.status, typed).toBe(400);
      expect(refused.text, typed).toMatch(/id="f-premiumRateCapPercent-error"[^>]*>\s*<span>请填写 0.01 至 100 之间的百分数，最多两位小数，例如 3.25<\/span>/);
      expect(refused.text, typed).toMatch(/<input[^>]*id="f-premiumRateCapPercent"[^>]*aria-invalid="true"/);
      expect(refused.text, typed).not.toContain('basis points');
    }
    admin.cookies.set('fb_lang', 'en');
    const english = await admin.post(`/admin/rounds/${id}`, { ...editFields, ratePercent: '80,5' });
    expect(english.status).toBe(400);
    expect(english.text).toMatch(/id="f-ratePercent-error"[^>]*>\s*<span>Enter a percentage from 0.01 to 100 with at most two decimals, e.g. 3.25<\/span>/);
    expect((await t.api.get<{ rateBp: number; premiumRateCapBp: number | null }>(`/rounds/${id}`, w.tokens.admin)).body).toMatchObject({ rateBp: 5770, premiumRateCapBp: null });
  });

  it('say what is wrong in plain Chinese, and in plain English on the English pages: no role chosen, a clock moved too far or back', async () => {
    const admin = await signedIn(w.people.admin.email);
    const list = await admin.get('/admin/users');
    const csrf = PageClient.csrfOf(list.text);
    const user = await admin.get(`/admin/users/${w.people.finance.id}`);
    const noRole = await admin.post(`/admin/users/${w.people.finance.id}`, { _csrf: PageClient.csrfOf(user.text), city: '', insurerId: '', organisationUscc: '', organisationName: '' });
    expect(noRole.status).toBe(400);
    expect(noRole.text).toMatch(/id="r-roles-error"[^>]*>\s*<span>至少选择一项<\/span>/);
    const badEmail = await admin.post('/admin/users', { _csrf: csrf, email: 'not-an-address', name: '周审核', roles: '' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.text).toContain('邮箱地址格式不正确');
    expect(badEmail.text).toContain('至少选择一项');

    const tooFar = await admin.post('/admin/clock/advance', { _csrf: csrf, days: '3651' });
    expect(tooFar.status).toBe(400);
    expect(tooFar.text).toMatch(/id="a-days-error"[^>]*>\s*<span>最多一次拨动十年（3650 天）<\/span>/);
    const back = await admin.post('/admin/clock/set', { _csrf: csrf, at: '2001-01-01T09:00' });
    expect(back.text).toContain('不能早于当前时钟：时钟只能向前拨');
    for (const page of [noRole, badEmail, tooFar, back]) expect(page.text).not.toMatch(/数值过小|无效输入|P3650D|must not be earlier|at least one role/);

    admin.cookies.set('fb_lang', 'en');
    const tooFarEn = await admin.post('/admin/clock/advance', { _csrf: csrf, days: '3651' });
    expect(tooFarEn.text).toContain('at most ten years (3650 days) at a time');
    const noRoleEn = await admin.post(`/admin/users/${w.people.finance.id}`, { _csrf: PageClient.csrfOf(user.text), city: '', insurerId: '', organisationUscc: '', organisationName: '' });
    expect(noRoleEn.text).toContain('at least one role');
    expect(noRoleEn.text).not.toContain('Too small');
  });

  it("take a round's rubric, required documents and excluded categories from the form, and name the rubric's refusals beside their row", async () => {
    const admin = await signedIn(w.people.admin.email);
    // the categories offered are those of the edition the address names
    const blank = await admin.get(`/admin/rounds/new?editionId=${w.edition.id}`);
    expect(blank.status).toBe(200);
    expect(blank.text).toContain(`<option value="${w.edition.id}" selected>`);
    const csrf = PageClient.csrfOf(blank.text);
    // the text fields as the form fills them (SPEC defaults), without the default rubric's rows
    const fields = Object.fromEntries(
      [...blank.text.matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)]
        .map((m): [string, string] => [m[1] ?? '', m[2] ?? ''])
        .filter(([k]) => !k.startsWith('rubric.criteria.') && k !== '_csrf'),
    );
    const category = /name="excludedCategories" value="([^"]+)"/.exec(blank.text)?.[1];
    expect(category).toBeDefined();
    const tag = randomUUID().slice(0, 6);
    const base = {
      ...fields,
      _csrf: csrf,
      name: `评分表批次 ${tag}`,
      year: '2027',
      editionId: w.edition.id,
      opensAt: '2027-03-01T09:00',
      closesAt: '2027-04-30T17:00',
      insuranceStartsOn: '2027-01-01',
      insuranceEndsOn: '2027-12-31',
      insurerIds: w.round.insurerIds,
      requiredDocuments: ['sales_contract', 'insurance_policy'],
      excludedCategories: [category ?? ''],
      'rubric.criteria.0.label': '技术先进性',
      'rubric.criteria.0.weight': '1',
      'rubric.criteria.0.maxPoints': '40',
      // row 1 left blank: ignored
      'rubric.criteria.2.label': '市场前景',
      'rubric.criteria.2.weight': '0.5',
      'rubric.criteria.2.maxPoints': '40',
      'rubric.criteria.3.label': '风险保障',
      'rubric.criteria.3.weight': '2',
      'rubric.criteria.3.maxPoints': '20',
      'rubric.passMark': '60',
    };

    // best reachable: 40 + 20 + 40 = 100
    const unreachable = await admin.post('/admin/rounds', { ...base, 'rubric.passMark': '101' });
    expect(unreachable.status).toBe(422);
    expect(unreachable.text).toMatch(/<input[^>]*id="f-rubric-passMark"[^>]*aria-invalid="true"[^>]*aria-describedby="f-rubric-passMark-hint f-rubric-passMark-error"/);
    expect(unreachable.text).toMatch(/id="f-rubric-passMark-error"[^>]*>\s*<span>及格分 101 高于满分 100/);
    const weight = await admin.post('/admin/rounds', { ...base, 'rubric.criteria.3.weight': '0', 'rubric.criteria.2.maxPoints': '五十' });
    expect(weight.status).toBe(400);
    expect(weight.text).toMatch(/<input[^>]*id="f-rubric-3-weight"[^>]*aria-invalid="true"[^>]*aria-describedby="f-rubric-3-weight-error"/);
    expect(weight.text).toMatch(/<input[^>]*id="f-rubric-2-maxPoints"[^>]*aria-invalid="true"/);
    expect(weight.text).not.toMatch(/<input[^>]*id="f-rubric-0-weight"[^>]*aria-invalid/);
    expect((await admin.post('/lang', { _csrf: csrf, lang: 'en' })).status).toBe(303);
    const english = await admin.post('/admin/rounds', { ...base, 'rubric.passMark': '101' });
    expect(english.status).toBe(422);
    expect(english.text).toMatch(/id="f-rubric-passMark-error"[^>]*>\s*<span>passMark 101 is above the best possible score 100/);
    expect((await admin.post('/lang', { _csrf: csrf, lang: 'zh' })).status).toBe(303);
    const unknownCategory = await admin.post('/admin/rounds', { ...base, excludedCategories: ['不存在的类别'] });
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.text).toMatch(/id="f-excludedCategories-error"[^>]*>\s*<span>不是本批次目录版本中的类别：不存在的类别/);

    const created = await admin.post('/admin/rounds', base);
    expect(created.status).toBe(303);
    const id = /\/admin\/rounds\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    const stored = await t.api.get<{ rubric: unknown; requiredDocuments: string[]; excludedCategories: string[] }>(`/rounds/${id}`, w.tokens.admin);
    expect(stored.status).toBe(200);
    expect(stored.body.requiredDocuments).toEqual(['sales_contract', 'insurance_policy']);
    expect(stored.body.excludedCategories).toEqual([category]);
    expect(stored.body.rubric).toEqual({
      criteria: [
        { key: 'c1', label: '技术先进性', weight: 1, maxPoints: 40 },
        { key: 'c3', label: '市场前景', weight: 0.5, maxPoints: 40 },
        { key: 'c4', label: '风险保障', weight: 2, maxPoints: 20 },
      ],
      passMark: 60,
    });

    // the edit form shows them back; removing a criterion and saving keeps the others' keys
    const edit = await admin.get(`/admin/rounds/${id}`);
    expect(edit.text).toMatch(/<input type="checkbox" name="requiredDocuments" value="sales_contract" checked/);
    expect(edit.text).not.toMatch(/name="requiredDocuments" value="business_license" checked/);
    expect(edit.text).toMatch(/id="f-rubric-2-label" name="rubric.criteria.2.label" value="风险保障"/);
    const editFields = Object.fromEntries([...edit.text.matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const saved = await admin.post(`/admin/rounds/${id}`, {
      ...editFields,
      _csrf: csrf,
      editionId: w.edition.id,
      insurerIds: w.round.insurerIds,
      requiredDocuments: ['sales_contract', 'insurance_policy'],
      excludedCategories: [],
      'rubric.criteria.0.remove': '1',
      'rubric.passMark': '50',
    });
    expect(saved.status).toBe(303);
    const after = await t.api.get<{ rubric: { criteria: { key: string }[]; passMark: number }; excludedCategories: string[] }>(`/rounds/${id}`, w.tokens.admin);
    expect(after.body.rubric.criteria.map((c) => c.key)).toEqual(['c3', 'c4']);
    expect(after.body.rubric.passMark).toBe(50);
    expect(after.body.excludedCategories).toEqual([]);
    const listed = await admin.get('/admin/rounds');
    expect(listed.text).toContain('2 项 · 及格 50 分');
  });

  it('exclude single catalogue entries from the round form: searched as typed or with the button, ticked, and stored', async () => {
    const admin = await signedIn(w.people.admin.email);
    const [wafer, ammonia] = w.entries;
    if (!wafer || !ammonia) throw new Error('the world has two entries');
    const blank = await admin.get(`/admin/rounds/new?editionId=${w.edition.id}`);
    // with no search yet, the edition's entries are listed from its start, none ticked
    expect(blank.text).toContain(`name="excludedEntryIds" value="${ammonia.id}"`);
    expect(blank.text).not.toMatch(/name="excludedEntryIds" value="[^"]+" checked/);
    const base = roundFormOf(blank.text, { editionId: w.edition.id, insurerIds: w.round.insurerIds });

    // htmx asks for the results alone while the admin types; a ticked entry stays first, ticked
    const typed = await admin.get(`/admin/rounds/form/entries?editionId=${w.edition.id}&entryQ=${encodeURIComponent('超纯')}&excludedEntryIds=${wafer.id}`);
    expect(typed.status).toBe(200);
    expect(typed.headers.get('cache-control')).toBe('no-store');
    expect(typed.text).toMatch(new RegExp(`name="excludedEntryIds" value="${wafer.id}" checked[\\s\\S]*name="excludedEntryIds" value="${ammonia.id}"`));
    expect(typed.text).not.toContain('<form');
    // without scripts, the search button sends the whole form back, saving nothing
    const searched = await admin.post('/admin/rounds', { ...base, intent: 'search', entryQ: '超纯' });
    expect(searched.status).toBe(200);
    expect(searched.text).toContain(`name="excludedEntryIds" value="${ammonia.id}"`);
    expect(searched.text).not.toContain(`value="${wafer.id}"`);
    expect(searched.text).toContain(`value="${base.name}"`);
    expect((await t.api.get<{ items: { name: string }[] }>('/rounds', w.tokens.admin)).body.items.map((r) => r.name)).not.toContain(base.name);

    const created = await admin.post('/admin/rounds', { ...base, entryQ: '超纯', excludedEntryIds: [ammonia.id] });
    expect(created.status).toBe(303);
    const id = /\/admin\/rounds\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    const stored = await t.api.get<{ excludedEntryIds: string[] }>(`/rounds/${id}`, w.tokens.admin);
    expect(stored.body.excludedEntryIds).toEqual([ammonia.id]);
    const edit = await admin.get(`/admin/rounds/${id}`);
    expect(edit.text).toMatch(new RegExp(`name="excludedEntryIds" value="${ammonia.id}" checked`));
    expect(edit.text).toContain('已排除 1 个条目');
  });

  it('offer for exclusion the categories and entries of the edition chosen in the round form, by htmx or by the reload button', async () => {
    const admin = await signedIn(w.people.admin.email);
    const tag = randomUUID().slice(0, 6);
    const second = await makeEdition(t.app.db, [{ name: `石墨烯粉体${tag}`, topCategory: `前沿新材料${tag}` }], { year: 2027 });
    const newEntry = second.entries[0]?.id ?? '';
    const first = await admin.get(`/admin/rounds/${w.round.id}`);
    expect(first.text).not.toContain(`前沿新材料${tag}`);

    // htmx swaps the exclusions for those of the edition chosen; an entry ticked of the former edition is marked
    const swapped = await admin.get(`/admin/rounds/form/exclusions?editionId=${second.edition.id}&excludedEntryIds=${w.entry.id}&excludedCategories=${encodeURIComponent(`前沿新材料${tag}`)}`);
    expect(swapped.status).toBe(200);
    expect(swapped.text).toMatch(new RegExp(`name="excludedCategories" value="前沿新材料${tag}" checked`));
    expect(swapped.text).toContain(`name="excludedEntryIds" value="${newEntry}"`);
    expect(swapped.text).toMatch(new RegExp(`value="${w.entry.id}" checked[\\s\\S]*不属于所选目录版本`));
    // the edition named in upper case is the same edition: its own entry is not marked as another's
    const upper = await admin.get(`/admin/rounds/form/exclusions?editionId=${w.edition.id.toUpperCase()}&excludedEntryIds=${w.entry.id}`);
    expect(upper.status).toBe(200);
    expect(upper.text).toMatch(new RegExp(`value="${w.entry.id}" checked`));
    expect(upper.text).not.toContain('不属于所选目录版本');
    // the same entry named twice, in either case, is one check box
    const twice = await admin.get(`/admin/rounds/form/entries?editionId=${w.edition.id}&excludedEntryIds=${w.entry.id}&excludedEntryIds=${w.entry.id.toUpperCase()}`);
    expect(twice.text.match(new RegExp(`id="exclude-${w.entry.id}"`, 'g'))).toHaveLength(1);

    // without scripts, the reload button shows the form again with the chosen edition's categories, and saves nothing
    const base = roundFormOf(first.text, { editionId: second.edition.id, insurerIds: w.round.insurerIds });
    const reloaded = await admin.post(`/admin/rounds/${w.round.id}`, { ...base, intent: 'reload' });
    expect(reloaded.status).toBe(200);
    expect(reloaded.text).toContain(`<option value="${second.edition.id}" selected>`);
    expect(reloaded.text).toContain(`name="excludedCategories" value="前沿新材料${tag}"`);
    expect(reloaded.text).toContain(`name="excludedEntryIds" value="${newEntry}"`);
    expect((await t.api.get<{ editionId: string }>(`/rounds/${w.round.id}`, w.tokens.admin)).body.editionId).toBe(w.edition.id);

    // an entry of another edition is refused beside the entries, by the service
    const blank = await admin.get(`/admin/rounds/new?editionId=${w.edition.id}`);
    const refused = await admin.post('/admin/rounds', { ...roundFormOf(blank.text, { editionId: w.edition.id, insurerIds: w.round.insurerIds }), excludedEntryIds: [newEntry] });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-excludedEntryIds-error"[^>]*>\s*<span>不是本批次目录版本中的条目/);
    expect(refused.text).toMatch(new RegExp(`value="${newEntry}" checked[\\s\\S]*不属于所选目录版本`));
  });

  it("save a round's form sent back unchanged as no change, whatever order its lists are stored in", async () => {
    const admin = await signedIn(w.people.admin.email);
    await w.submittedCase();
    const form = await admin.get(`/admin/rounds/${w.round.id}`);
    // the boxes ticked, in the order the page lists them: the round stores them the other way round
    const ticked = [...form.text.matchAll(/name="insurerIds" value="([^"]+)" checked/g)].map((m) => m[1] ?? '');
    expect(ticked).toHaveLength(2);
    await t.app.db.update(rounds).set({ insurerIds: [...ticked].reverse() }).where(eq(rounds.id, w.round.id));
    const page = await admin.get(`/admin/rounds/${w.round.id}`);
    const fields: Record<string, string | string[]> = Object.fromEntries(
      [...page.text.matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', (m[2] ?? '').replaceAll('&amp;', '&')]),
    );
    for (const list of ['insurerIds', 'requiredDocuments', 'excludedCategories', 'excludedEntryIds']) {
      fields[list] = [...page.text.matchAll(new RegExp(`name="${list}" value="([^"]+)" checked`, 'g'))].map((m) => m[1] ?? '');
    }
    const before = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];
    const saved = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, editionId: w.round.editionId, reason: '' });
    expect(saved.status).toBe(303);
    const after = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];
    expect(after?.paramsVersion).toBe(before?.paramsVersion);
    expect(await t.app.db.select().from(roundChanges).where(eq(roundChanges.roundId, w.round.id))).toEqual([]);
  });

  it("refuse a round form that sends a field of one value twice (name, budget, reason), naming it, and change nothing", async () => {
    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get(`/admin/rounds/${w.round.id}`);
    const fields = roundFormOf(page.text, { editionId: w.round.editionId, insurerIds: w.round.insurerIds });
    const before = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];
    for (const [name, twice] of [
      ['name', ['重复名称甲', '重复名称乙']],
      ['budget', ['123.00', '456.00']],
      ['reason', ['理由一', '理由二']],
    ] as const) {
      const res = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, name: '单个名称', reason: '测试', [name]: [...twice] });
      expect(res.status, name).toBe(400);
      expect(res.text, name).toContain('只能填写一个值');
    }
    const created = await admin.post('/admin/rounds', { ...fields, name: ['新批次甲', '新批次乙'] });
    expect(created.status).toBe(400);
    const after = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];
    expect(after?.name).toBe(before?.name);
    expect(after?.paramsVersion).toBe(before?.paramsVersion);
    expect(await t.app.db.select().from(roundChanges).where(eq(roundChanges.roundId, w.round.id))).toEqual([]);
  });

  it("say in Chinese why a round with applications refuses a change: a rule changed without a reason, another edition", async () => {
    const admin = await signedIn(w.people.admin.email);
    await w.submittedCase();
    const second = await makeEdition(t.app.db, [{ name: `氮化镓外延片${randomUUID().slice(0, 6)}` }], { year: 2027 });
    const page = await admin.get(`/admin/rounds/${w.round.id}`);
    const fields = { ...roundFormOf(page.text, { editionId: w.round.editionId, insurerIds: w.round.insurerIds }), name: w.round.name, reason: '' };
    const before = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];

    const noReason = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, ratePercent: '70' });
    expect(noReason.status).toBe(409);
    const said = /id="f-reason-error"><span>([^<]*)</.exec(noReason.text)?.[1] ?? '';
    expect(said).toContain('须填写变更理由');
    expect(said).toContain('补偿比例');
    expect(said).not.toMatch(/needs a reason|rateBp|ratePercent/);

    const otherEdition = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, editionId: second.edition.id, reason: '换用新目录' });
    expect(otherEdition.status).toBe(409);
    const why = /id="f-editionId-error"><span>([^<]*)</.exec(otherEdition.text)?.[1] ?? '';
    expect(why).toMatch(/[\u4e00-\u9fff]/);
    expect(otherEdition.text).not.toContain('cannot change');

    expect((await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0]).toEqual(before);
    expect(await t.app.db.select().from(roundChanges).where(eq(roundChanges.roundId, w.round.id))).toEqual([]);
  });

  it("refuse a round name or change reason that shows nothing, and a rate with three decimals as no percent, in Chinese", async () => {
    const admin = await signedIn(w.people.admin.email);
    await w.submittedCase();
    const page = await admin.get(`/admin/rounds/${w.round.id}`);
    const fields = { ...roundFormOf(page.text, { editionId: w.round.editionId, insurerIds: w.round.insurerIds }), name: w.round.name };
    const before = (await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0];
    const said = (html: string, id: string) => new RegExp(`id="f-${id}-error"><span>([^<]*)<`).exec(html)?.[1] ?? '';

    const invisible = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, name: '\u200b\u200b' });
    expect(invisible.status).toBe(400);
    expect(said(invisible.text, 'name')).toMatch(/[\u4e00-\u9fff]/);
    const noReason = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, ratePercent: '70', reason: '\u200b' });
    expect(noReason.status).toBe(400);
    expect(said(noReason.text, 'reason')).toMatch(/[\u4e00-\u9fff]/);
    const fraction = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, ratePercent: '80.505', reason: '调整补偿比例' });
    expect(fraction.status).toBe(400);
    expect(said(fraction.text, 'ratePercent')).toBe('请填写 0.01 至 100 之间的百分数，最多两位小数，例如 3.25');

    expect((await t.app.db.select().from(rounds).where(eq(rounds.id, w.round.id)))[0]).toEqual(before);
    expect(await t.app.db.select().from(roundChanges).where(eq(roundChanges.roundId, w.round.id))).toEqual([]);
  });

  it('sort the staff list by name, page by page, without repeating or skipping anyone', async () => {
    const tag = randomUUID().slice(0, 8);
    for (const name of ['丙', '甲', '乙', '丁', '戊']) await makeUser(t.app.db, { roles: ['provincial'], name: `${tag}${name}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const query: string = `/admin/users?sort=name&q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.api.get<{ items: { name: string }[]; nextCursor: string | null }>(query, w.tokens.admin);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u) => u.name));
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(5);
    expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const bad = await t.api.get(`/admin/users?sort=role&cursor=${cursor ?? 'x'}`, w.tokens.admin);
    expect(bad.status).toBe(400);
  });

  it('list the catalogue editions newest first', async () => {
    const tag = randomUUID().slice(0, 8);
    const edition = (docNumber: string, createdAt: Date) => ({ year: 2026, docNumber, title: '测试目录', status: 'published' as const, effectiveOn: '2026-09-05', createdAt });
    await t.app.db.insert(catalogueEditions).values([edition(`旧${tag}号`, new Date('2025-01-01T00:00:00Z')), edition(`新${tag}号`, new Date('2026-01-01T00:00:00Z'))]);
    const b = new PageClient(t.url);
    await b.signIn(w.people.admin.email);
    const page = await b.get('/admin/catalogue');
    expect(page.status).toBe(200);
    const newer = page.text.indexOf(`新${tag}号`);
    const older = page.text.indexOf(`旧${tag}号`);
    expect(newer).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newer);
  });

  it('sort the staff list by status (invited, active, deactivated) and by role, by name within each', async () => {
    const tag = randomUUID().slice(0, 8);
    await makeUser(t.app.db, { roles: ['finance'], name: `${tag}甲`, passwordHash: null });
    await makeUser(t.app.db, { roles: ['expert'], name: `${tag}乙`, active: false });
    await makeUser(t.app.db, { roles: ['provincial'], name: `${tag}丙` });
    const names = async (sort: string) => (await t.api.get<{ items: { name: string }[] }>(`/admin/users?sort=${sort}&q=${tag}`, w.tokens.admin)).body.items.map((u) => u.name.slice(tag.length));
    expect(await names('status')).toEqual(['甲', '丙', '乙']);
    expect(await names('role')).toEqual(['乙', '甲', '丙']);
  });

  it('tell that 2027 has no schedule loaded and list the statutory days its deadlines count on, provisionally', async () => {
    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get('/admin/calendar?year=2027');
    expect(page.status).toBe(200);
    expect(page.text).toContain('2027 年的国务院放假安排尚未载入');
    expect(page.text).toContain('载入正式安排并标记为已完整公布后，所有未到期的办理时限将按正式安排重新计算');
    expect(page.text).not.toContain('全年按周一至周五计算');
    const rows = [...page.text.matchAll(/<tr>\s*<td data-label="日期">([^<]+)<\/td>\s*<td data-label="星期">([^<]+)<\/td>[\s\S]*?<td data-label="名称">([^<]+)<\/td>\s*<td data-label="来源"><span class="badge state-revision">暂按法定节假日<\/span><\/td>/g)].map((m) => [m[1], m[2], m[3]]);
    // 春节 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb, and the weekend's two days in lieu on Tue and Wed
    expect(rows.slice(1, 7)).toEqual([
      ['2027年2月5日', '星期五', '春节'],
      ['2027年2月6日', '星期六', '春节'],
      ['2027年2月7日', '星期日', '春节'],
      ['2027年2月8日', '星期一', '春节'],
      ['2027年2月9日', '星期二', '春节补假'],
      ['2027年2月10日', '星期三', '春节补假'],
    ]);
    expect(rows).toHaveLength(19);
    admin.cookies.set('fb_lang', 'en');
    const en = await admin.get('/admin/calendar?year=2027');
    expect(en.text).toContain('2027 schedule is not loaded (not marked complete)');
    expect(en.text).toContain('Provisional: statutory holiday');
    expect(en.text).not.toContain('every Monday to Friday counts');
  });

  it('show a published year as its exceptions only, with nothing provisional', async () => {
    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get('/admin/calendar?year=2026');
    expect(page.text).toContain('国庆节');
    expect(page.text).not.toContain('暂按法定节假日');
    expect(page.text).not.toContain('尚未载入');
  });
});

// Publishing supersedes every published edition, so this runs in a database of its own, at a set time.
describe('publishing a catalogue edition that open rounds still use', () => {
  const own = useTestApp({ ownDatabase: true });
  let draft: string;
  let closed: { name: string };
  const nextYear = factoryDates.year + 1;
  const admin = async () => {
    const b = new PageClient(own.t.url);
    await b.signIn(own.w.people.admin.email);
    return b;
  };
  const statusOf = async (id: string) => (await own.t.app.db.select().from(catalogueEditions).where(eq(catalogueEditions.id, id)))[0]?.status;
  beforeAll(async () => {
    // the spring of next year: the factory round still open, a round of this winter closed, next year's edition drafted
    await (own.t.app.clock as SettableClock).set(new Date(`${nextYear}-03-01T10:00:00+08:00`));
    closed = await makeRound(own.t.app.db, { editionId: own.w.edition.id, name: `已截止批次 ${randomUUID().slice(0, 6)}`, opensAt: new Date(`${nextYear}-01-04T09:00:00+08:00`), closesAt: new Date(`${nextYear}-02-26T17:00:00+08:00`) });
    draft = (await makeEdition(own.t.app.db, [{ name: '新版材料' }], { status: 'draft', year: nextYear, effectiveOn: `${nextYear}-09-05` })).edition.id;
  });

  it("warn on the draft's page, naming the open rounds that keep their edition, and ask for a tick", async () => {
    const b = await admin();
    const page = await b.get(`/admin/catalogue/editions/${draft}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('有 1 个尚未截止的申报批次仍在使用当前已发布的版本');
    expect(page.text).toContain(`${own.w.round.name}（使用 ${factoryDates.year} · ${own.w.edition.docNumber}，申报截止 `);
    expect(page.text).not.toContain(closed.name);
    expect(page.text).toContain('它们继续使用原版本');
    expect(page.text).toMatch(/<input type="checkbox" id="f-confirm" name="confirm" value="yes"/);
    b.cookies.set('fb_lang', 'en');
    expect((await b.get(`/admin/catalogue/editions/${draft}`)).text).toContain('1 round(s) whose application window has not closed still use the edition published now');
  });

  it('refuse publishing without the tick with 422, the reason beside the box, and publish nothing', async () => {
    const b = await admin();
    const csrf = PageClient.csrfOf((await b.get(`/admin/catalogue/editions/${draft}`)).text);
    const res = await b.post(`/admin/catalogue/editions/${draft}/publish`, { _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="f-confirm-error"><span>请勾选确认：上述批次继续使用原版本。<\/span>/);
    expect(res.text).toContain(own.w.round.name);
    expect(await statusOf(draft)).toBe('draft');
    expect(await statusOf(own.w.edition.id)).toBe('published');
  });

  it('refuse publishing to every other role, ticked or not, and publish nothing', async () => {
    for (const who of OTHERS) {
      const b = new PageClient(own.t.url);
      await b.signIn(own.w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      expect((await b.post(`/admin/catalogue/editions/${draft}/publish`, { _csrf: csrf, confirm: 'yes' })).status, who).toBe(403);
    }
    expect(await statusOf(draft)).toBe('draft');
  });

  it('publish once ticked; the round keeps the edition it was created with', async () => {
    const b = await admin();
    const csrf = PageClient.csrfOf((await b.get(`/admin/catalogue/editions/${draft}`)).text);
    const res = await b.post(`/admin/catalogue/editions/${draft}/publish`, { _csrf: csrf, confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/catalogue/editions/${draft}?done=published`);
    expect(await statusOf(draft)).toBe('published');
    expect(await statusOf(own.w.edition.id)).toBe('superseded');
    const [round] = await own.t.app.db.select().from(rounds).where(eq(rounds.id, own.w.round.id));
    expect(round?.editionId).toBe(own.w.edition.id);
  });

  it('publish without asking when no open round uses the published edition', async () => {
    const b = await admin();
    const later = (await makeEdition(own.t.app.db, [{ name: '再版材料' }], { status: 'draft', year: nextYear + 1, effectiveOn: `${nextYear + 1}-09-05` })).edition.id;
    const page = await b.get(`/admin/catalogue/editions/${later}`);
    expect(page.text).not.toContain('name="confirm"');
    const res = await b.post(`/admin/catalogue/editions/${later}/publish`, { _csrf: PageClient.csrfOf(page.text) });
    expect(res.status).toBe(303);
    expect(await statusOf(later)).toBe('published');
  });
});
