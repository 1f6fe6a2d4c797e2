import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { catalogueEditions, insurers, settings, userInvitations, users } from '../../db/schema';
import { makeUser } from '../../seeds/factories';
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
    const invite = /<select id="i-roles"[\s\S]*?<\/select>/.exec(list.text)?.[0] ?? '';
    expect(invite).toContain('value="finance"');
    expect(invite).not.toContain('value="firm"');
    const page = await admin.get(`/admin/users/${w.people.finance.id}`);
    expect(page.text).toContain('name="roles" value="finance"');
    expect(page.text).not.toContain('name="roles" value="firm"');
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
    const badRate = await admin.post(`/admin/rounds/${w.round.id}`, { ...fields, _csrf: csrf, editionId: w.edition.id, insurerIds: w.round.insurerIds[0] ?? '', rateBp: '80%' });
    expect(badRate.status).toBe(400);
    expect(badRate.text).toMatch(/<input[^>]*id="f-rateBp"[^>]*aria-invalid="true"/);

    const other = await admin.post('/admin/calendar/2031/add', { _csrf: csrf, date: '2032-03-08', kind: 'holiday', name: '' });
    expect(other.status).toBe(422);
    expect(other.text).toContain('不在 2031 年内');
    expect((await admin.post('/admin/calendar/2031/add', { _csrf: csrf, date: '2031-03-10', kind: 'holiday', name: '演示' })).status).toBe(303);
    expect((await admin.get('/admin/calendar?year=2031')).text).toContain('2031年3月10日');
    expect((await admin.post('/admin/calendar/2031/remove', { _csrf: csrf, date: '2031-03-10' })).status).toBe(303);
    expect((await admin.get('/admin/calendar?year=2031')).text).not.toContain('2031年3月10日');
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
});
