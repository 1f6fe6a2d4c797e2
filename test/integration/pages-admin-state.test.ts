import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarDays, calendarYears, clocks, emailDeliveries, enterprises, users } from '../../db/schema';
import { factoryDates, makeRound, makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { aClockRow } from '../support/clock-rows';

// What the administrator's pages say about the state of things: whether an invitation email left,
// which accounts are still invited, which firm a firm user belongs to. Its own database: the
// overview counts rows of every test.
const { t, w } = useTestApp({ ownDatabase: true });

const OTHERS = ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const;

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

async function invite(admin: PageClient, form: Record<string, string | string[]>) {
  const list = await admin.get('/admin/users');
  return admin.post('/admin/users', { _csrf: PageClient.csrfOf(list.text), name: '邀请测试', ...form });
}

const accountOf = async (email: string) => {
  const [user] = await t.app.db.select().from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no account ${email}`);
  return user;
};

const invitationMail = (userId: string) => t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.recipientUserId, userId), eq(emailDeliveries.template, 'user.invitation')));

const rowOf = (html: string, email: string) => {
  const at = html.indexOf(`<td data-label="邮箱">${email}</td>`);
  expect(at, email).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('</tr>', at));
};

describe('an invitation email on the administrator pages', () => {
  it('says the invitation is queued, not sent, and shows it queued in the list and on the account page', async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    const res = await invite(admin, { email, roles: 'provincial' });
    expect(res.status).toBe(303);
    const after = await admin.get(res.headers.get('location') ?? '');
    expect(after.text).toContain('邀请邮件已排队发送');
    expect(after.text).not.toContain('邀请已发送');
    expect(rowOf((await admin.get(`/admin/users?q=${encodeURIComponent(email)}`)).text, email)).toContain('排队等待发送');
    const user = await accountOf(email);
    expect((await admin.get(`/admin/users/${user.id}`)).text).toMatch(/<dt>邀请邮件<\/dt>\s*<dd><span class="subline hint">排队等待发送/);
  });

  it('shows when the mail left, and a failure with its reason, retrying or final, with the way to resend', async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    expect((await invite(admin, { email, roles: 'finance' })).status).toBe(303);
    const user = await accountOf(email);
    const [mail] = await invitationMail(user.id);
    if (!mail) throw new Error('no invitation email');
    const page = async () => (await admin.get(`/admin/users/${user.id}`)).text;

    await t.app.db.update(emailDeliveries).set({ status: 'pending', attempts: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:25' }).where(eq(emailDeliveries.id, mail.id));
    expect(await page()).toContain('发送失败（已尝试 1 次）：connect ECONNREFUSED 127.0.0.1:25；系统将自动重试');
    expect(rowOf((await admin.get(`/admin/users?q=${encodeURIComponent(email)}`)).text, email)).toContain('系统将自动重试');

    await t.app.db.update(emailDeliveries).set({ status: 'failed', attempts: 8 }).where(eq(emailDeliveries.id, mail.id));
    const failed = await page();
    expect(failed).toContain('不再重试）：connect ECONNREFUSED 127.0.0.1:25');
    expect(failed).toContain(`action="/admin/users/${user.id}/invitation"`);

    // a resend queues a new email: the page tells of that one, not of the failed one
    expect((await admin.post(`/admin/users/${user.id}/invitation`, { _csrf: PageClient.csrfOf(failed) })).status).toBe(303);
    expect(await invitationMail(user.id)).toHaveLength(2);
    const resent = await admin.get(`/admin/users/${user.id}?done=resent`);
    expect(resent.text).toContain('新的邀请邮件已排队发送');
    expect(resent.text).toContain('排队等待发送');
    expect(resent.text).not.toContain('不再重试');

    const fresh = (await invitationMail(user.id)).find((m) => m.id !== mail.id);
    await t.app.db
      .update(emailDeliveries)
      .set({ status: 'sent', sentAt: new Date('2026-03-02T06:05:00Z') })
      .where(eq(emailDeliveries.id, fresh?.id ?? ''));
    expect(await page()).toContain('已于 2026年3月2日 14:05 发出');
    admin.cookies.set('fb_lang', 'en');
    expect(await page()).toContain('sent 2 Mar 2026, 14:05');
  });

  it('says an account never invited has no invitation email', async () => {
    const admin = await signedIn(w.people.admin.email);
    const text = (await admin.get(`/admin/users/${w.people.finance.id}`)).text;
    expect(text).toContain('此账号没有邀请记录');
  });
});

describe('the staff list and the invitation form', () => {
  it('filters by 已邀请: accounts not yet accepted, in the API and on the page', async () => {
    const tag = randomUUID().slice(0, 8);
    const invited = await makeUser(t.app.db, { roles: ['finance'], name: `${tag}甲`, passwordHash: null });
    const active = await makeUser(t.app.db, { roles: ['finance'], name: `${tag}乙` });
    const off = await makeUser(t.app.db, { roles: ['finance'], name: `${tag}丙`, active: false });
    // an invitation withdrawn before it was accepted: deactivated, not waiting
    const withdrawn = await makeUser(t.app.db, { roles: ['finance'], name: `${tag}丁`, passwordHash: null, active: false });
    const ids = async (status: string) => (await t.api.get<{ items: { id: string }[] }>(`/admin/users?q=${tag}&status=${status}`, w.tokens.admin)).body.items.map((u) => u.id);
    expect(await ids('invited')).toEqual([invited.id]);
    expect(await ids('active')).toEqual([active.id]);
    expect((await ids('deactivated')).toSorted()).toEqual([off.id, withdrawn.id].toSorted());
    const bad = await t.api.get(`/admin/users?status=pending`, w.tokens.admin);
    expect(bad.status).toBe(400);

    const admin = await signedIn(w.people.admin.email);
    const page = await admin.get(`/admin/users?q=${tag}&status=invited`);
    expect(page.text).toMatch(/<option value="invited" selected>已邀请<\/option>/);
    expect(page.text).toContain(`${tag}甲`);
    expect(page.text).not.toContain(`${tag}乙`);
    expect(page.text).not.toContain(`${tag}丙`);
    expect(page.text).not.toContain(`${tag}丁`);
    for (const who of OTHERS) expect((await t.api.get('/admin/users?status=invited', w.tokens[who])).status, who).toBe(403);
  });

  it("names a firm user's firm where the account belongs", async () => {
    const admin = await signedIn(w.people.admin.email);
    const [firm] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, w.firm.id));
    const text = (await admin.get(`/admin/users?q=${encodeURIComponent(w.people.firm.email)}`)).text;
    expect(rowOf(text, w.people.firm.email)).toContain(`<td data-label="所属地区或单位">${firm?.name}</td>`);
  });

  it('invites with several roles ticked, as the edit page takes them', async () => {
    const admin = await signedIn(w.people.admin.email);
    const list = await admin.get('/admin/users');
    expect(list.text).toMatch(/<fieldset id="i-roles"[\s\S]*name="roles" value="provincial"[\s\S]*name="roles" value="finance"[\s\S]*<\/fieldset>/);
    const email = `${randomUUID()}@staff.test`;
    expect((await invite(admin, { email, roles: ['provincial', 'finance'] })).status).toBe(303);
    expect((await accountOf(email)).roles).toEqual(['provincial', 'finance']);
  });

  it("refuses the role combinations the edit page refuses — an administrator with another role — beside the roles, and keeps the ticks", async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    const res = await invite(admin, { email, roles: ['admin', 'finance'] });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="i-roles-error"[^>]*>\s*<span>管理员账号不能兼任其他角色/);
    expect(res.text).toContain('name="roles" value="admin" checked');
    expect(res.text).toContain('name="roles" value="finance" checked');
    expect(await t.app.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    const none = await invite(admin, { email, roles: [] });
    expect(none.status).toBe(400);
    expect(none.text).toContain('至少选择一项');
  });

  it('refuses an invitation with several roles from every other role, and opens no account', async () => {
    for (const who of OTHERS) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      const email = `${randomUUID()}@staff.test`;
      expect((await b.post('/admin/users', { _csrf: csrf, email, name: '越权', roles: ['provincial', 'finance'] })).status, who).toBe(403);
      expect((await b.get(`/admin/users?status=invited`)).status, who).toBe(403);
      expect(await t.app.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    }
  });
});

describe("the rounds list and the administrator's 工作台", () => {
  it('says whether each round is upcoming, open (and when it closes) or closed, by the programme clock', async () => {
    const tag = randomUUID().slice(0, 6);
    await makeRound(t.app.db, { editionId: w.edition.id, name: `未开始${tag}`, opensAt: new Date('2099-03-01T09:00:00+08:00'), closesAt: new Date('2099-04-30T17:00:00+08:00') });
    await makeRound(t.app.db, { editionId: w.edition.id, name: `已截止${tag}`, opensAt: new Date('2001-03-01T09:00:00+08:00'), closesAt: new Date('2001-04-30T17:00:00+08:00') });
    const admin = await signedIn(w.people.admin.email);
    const text = (await admin.get('/admin/rounds')).text;
    const rowOfRound = (name: string) => {
      const at = text.indexOf(`>${name}</a>`);
      expect(at, name).toBeGreaterThan(0);
      return text.slice(at, text.indexOf('</tr>', at));
    };
    expect(rowOfRound(w.round.name)).toContain(`受理中</span><span class="subline hint">北京时间 ${factoryDates.year + 1}年12月31日 23:59 截止`);
    expect(rowOfRound(`未开始${tag}`)).toContain('未开始</span><span class="subline hint">北京时间 2099年3月1日 09:00 开始');
    expect(rowOfRound(`已截止${tag}`)).toContain('已截止</span>');
    expect(rowOfRound(`已截止${tag}`)).not.toContain('截止</span><span');
    admin.cookies.set('fb_lang', 'en');
    expect((await admin.get('/admin/rounds')).text).toContain(`closes 31 Dec ${factoryDates.year + 1}, 23:59 (Beijing time)`);
  });

  it('gives an administrator an overview: invitations waiting, emails not sent, open rounds, the catalogue in force, each with its link', async () => {
    const admin = await signedIn(w.people.admin.email);
    const email = `${randomUUID()}@staff.test`;
    expect((await invite(admin, { email, roles: 'finance' })).status).toBe(303);
    const waiting = (await t.app.db.select().from(users)).filter((u) => u.active && u.passwordHash === null).length;
    const [mail] = await invitationMail((await accountOf(email)).id);
    if (!mail) throw new Error('no invitation email');
    await t.app.db.update(emailDeliveries).set({ status: 'failed', attempts: 8, lastError: 'connect ECONNREFUSED' }).where(eq(emailDeliveries.id, mail.id));
    const failed = (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.status, 'failed'))).length;
    const text = (await admin.get('/')).text;
    expect(text).toContain(`<a href="/admin/users?status=invited">待接受的邀请：${waiting} 个</a>`);
    expect(text).toMatch(new RegExp(`发送失败的邮件：${failed} 封不再重试，\\d+ 封正在重试`));
    expect(text).toContain(`<a href="/admin/rounds/${w.round.id}">${w.round.name}</a>`);
    expect(text).toContain(`<a href="/admin/catalogue/editions/${w.edition.id}">现行目录：${w.edition.year} 年版（${w.edition.docNumber}）</a>`);
    expect(text).not.toContain('未开始');
  });

  it('shows the overview to no other role', async () => {
    for (const who of OTHERS) {
      const b = await signedIn(w.people[who].email);
      const home = await b.get('/');
      expect(home.status, who).toBe(200);
      expect(home.text, who).not.toContain('系统概况');
      expect(home.text, who).not.toContain('待接受的邀请');
    }
  });
});

describe('a calendar day added or removed on the page', () => {
  const form = async (admin: PageClient) => PageClient.csrfOf((await admin.get('/admin/calendar?year=2033')).text);

  it('asks first, saying how many running working-day deadlines are counted over that day, then changes it once confirmed', async () => {
    await t.app.db.insert(calendarYears).values({ year: 2033, published: true }).onConflictDoUpdate({ target: calendarYears.year, set: { published: true } });
    const over = { countedFrom: '2033-03-01', dueOn: '2033-03-20', dueAt: new Date('2033-03-20T15:59:59Z'), startedAt: new Date('2033-03-01T02:00:00Z') };
    const rows = [
      aClockRow(over),
      aClockRow({ ...over, countedFrom: null }),
      aClockRow({ ...over, status: 'paused' }),
      aClockRow({ ...over, unit: 'calendarDays' }),
      aClockRow({ ...over, countedFrom: '2033-03-10' }),
      aClockRow({ ...over, countedFrom: '2033-04-01', dueOn: '2033-04-20' }),
    ];
    await t.app.db.insert(clocks).values(rows);
    const admin = await signedIn(w.people.admin.email);
    const csrf = await form(admin);
    const asked = await admin.post('/admin/calendar/2033/add', { _csrf: csrf, date: '2033-03-10', kind: 'holiday', name: '演示' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('将添加 2033年3月10日（放假 · 演示）');
    expect(asked.text).toContain('这将改变 2 个进行中期限的截止日期');
    expect(asked.text).toContain('name="confirmed" value="yes"');
    expect(await t.app.db.select().from(calendarDays).where(eq(calendarDays.date, '2033-03-10'))).toEqual([]);
    // these clocks have no case behind them to recount: gone before the change is made
    await t.app.db.delete(clocks).where(inArray(clocks.id, rows.map((r) => r.id ?? '')));

    expect((await admin.post('/admin/calendar/2033/add', { _csrf: csrf, date: '2033-03-10', kind: 'holiday', name: '演示', confirmed: 'yes' })).status).toBe(303);
    expect(await t.app.db.select().from(calendarDays).where(eq(calendarDays.date, '2033-03-10'))).toHaveLength(1);

    const removing = await admin.post('/admin/calendar/2033/remove', { _csrf: csrf, date: '2033-03-10' });
    expect(removing.status).toBe(200);
    expect(removing.text).toContain('将删除 2033年3月10日（放假 · 演示）');
    expect(removing.text).toContain('不会移动任何截止日期');
    expect(await t.app.db.select().from(calendarDays).where(eq(calendarDays.date, '2033-03-10'))).toHaveLength(1);
    expect((await admin.post('/admin/calendar/2033/remove', { _csrf: csrf, date: '2033-03-10', confirmed: 'yes' })).status).toBe(303);
    expect(await t.app.db.select().from(calendarDays).where(eq(calendarDays.date, '2033-03-10'))).toEqual([]);
  });

  it('says a day of a year not published moves nothing, and names a refused day beside its field before asking', async () => {
    const admin = await signedIn(w.people.admin.email);
    const csrf = await form(admin);
    const unpublished = await admin.post('/admin/calendar/2034/add', { _csrf: csrf, date: '2034-03-09', kind: 'holiday', name: '' });
    expect(unpublished.status).toBe(200);
    expect(unpublished.text).toContain('该年度日程尚未发布');
    const weekend = await admin.post('/admin/calendar/2033/add', { _csrf: csrf, date: '2033-03-12', kind: 'holiday', name: '' });
    expect(weekend.status).toBe(422);
    expect(weekend.text).toContain('本为休息日');
    expect(weekend.text).not.toContain('name="confirmed"');
    const unlisted = await admin.post('/admin/calendar/2033/remove', { _csrf: csrf, date: '2033-05-05' });
    expect(unlisted.status).toBe(422);
    expect(unlisted.text).toContain('2033 年没有列出 2033-05-05');
  });

  it('refuses every other role before asking or changing anything', async () => {
    for (const who of OTHERS) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      for (const [path, body] of [
        ['/admin/calendar/2033/add', { date: '2033-03-14', kind: 'holiday', name: '越权' }],
        ['/admin/calendar/2033/add', { date: '2033-03-14', kind: 'holiday', name: '越权', confirmed: 'yes' }],
        ['/admin/calendar/2033/remove', { date: '2033-03-14', confirmed: 'yes' }],
      ] as const) {
        const res = await b.post(path, { _csrf: csrf, ...body });
        expect(res.status, `${who} ${path}`).toBe(403);
        expect(res.text).not.toContain('name="confirmed"');
      }
      expect(await t.app.db.select().from(calendarDays).where(eq(calendarDays.date, '2033-03-14'))).toEqual([]);
    }
  });
});
