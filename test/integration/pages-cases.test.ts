import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cases, claimDocuments, clocks, users } from '../../db/schema';
import { startTestApp, type TestApp } from '../support/app';
import { makeWorld, type World } from '../support/world';
import { PageClient } from '../support/pages';
import { runOutExpertClock } from '../support/clock-rows';
import { shanghaiDate } from '../../server/calendar/dates';
import { subtractWorkingDays } from '../../server/calendar/workdays';
import { SettableClock } from '../../server/clock';
import { date } from '../../server/pages/format';
import { factoryDates, makeRound, makeUser } from '../../seeds/factories';
import { pdfBytes, pngBytes } from '../fixtures/documents/files';

let t: TestApp;
let w: World;
const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};
beforeAll(async () => {
  // a database of its own: the inbox of a city's reviewer lists every case of that city
  t = await startTestApp({ ownDatabase: true });
  w = await makeWorld(t.app.db, t.api, t.app);
});
afterAll(async () => t.close());

const stateOf = async (id: string) => (await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.firm)).body.state;

describe('case list page', () => {
  it("lists the firm's own cases with a state badge, the next step and the amount in yuan", async () => {
    const id = await w.caseIn('draft');
    const page = await (await signedIn(w.people.firm.email)).get('/cases');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/cases/${id}"`);
    expect(page.text).toContain('<span class="badge state-draft">草稿</span>');
    expect(page.text).toContain('完善并提交申请（申报企业）');
    expect(page.text).toContain('class="num">10,000,000.00</td>');
  });

  it("does not list another firm's cases", async () => {
    const id = await w.caseIn('draft');
    const page = await (await signedIn(w.people.otherFirm.email)).get('/cases');
    expect(page.text).not.toContain(id);
  });

  it('sorts by a column header, marks the sorted column, and keeps the state filter and the order across pages', async () => {
    const firm = await w.makeFirm();
    const body = w.caseBody() as { contract: Record<string, string> };
    for (const amount of ['300.00', '100.00', '200.00']) await t.api.post('/cases', w.caseBody({ contract: { ...body.contract, amount } }), firm.token);
    const b = await signedIn(firm.user.email);
    const first = await b.get('/cases');
    // newest first by default; the header offers the other direction
    expect(first.text).toMatch(/<th scope="col" aria-sort="descending"><a class="sort" href="\/cases\?sort=created">/);
    expect(first.text).toContain('href="/cases?sort=-amount"');
    // the arrow says the order shown, the hidden words the order a click gives
    expect(first.text).toMatch(/href="\/cases\?sort=created"><span>[^<]+<\/span><span class="visually-hidden">（点击按升序排列）<\/span><span aria-hidden="true" class="arrow">▼<\/span>/);
    expect(first.text).toMatch(/href="\/cases\?sort=-amount"><span>[^<]+<\/span><span class="visually-hidden">（点击按降序排列）<\/span><\/a>/);
    const byAmount = await b.get('/cases?sort=amount&state=draft&limit=2');
    expect(byAmount.status).toBe(200);
    const amounts = (html: string) => [...html.matchAll(/class="num">([\d,.]+)<\/td>/g)].map((m) => m[1]);
    expect(amounts(byAmount.text)).toEqual(['100.00', '200.00']);
    expect(byAmount.text).toMatch(/<th scope="col" class="num" aria-sort="ascending"><a class="sort" href="\/cases\?state=draft&sort=-amount">/);
    expect(byAmount.text).toMatch(/sort=-amount"><span>[^<]+<\/span><span class="visually-hidden">（点击按降序排列）<\/span><span aria-hidden="true" class="arrow">▲<\/span>/);
    expect(byAmount.text).toContain('<option value="draft" selected>');
    const next = /href="(\/cases\?[^"]*cursor=[^"]+)" rel="next"/.exec(byAmount.text)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(next).toContain('sort=amount');
    expect(next).toContain('state=draft');
    const second = await b.get(next);
    expect(amounts(second.text)).toEqual(['300.00']);
    expect(second.text).toContain('rel="first"');
  });

  it('keeps the city filter in the column headers, and the order in the state filter form', async () => {
    const id = await w.caseIn('draft');
    const page = await (await signedIn(w.people.firm.email)).get('/cases?city=330100&sort=amount');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/cases/${id}"`);
    expect(page.text).toContain('href="/cases?city=330100&sort=-amount"');
    expect(page.text).toContain('href="/cases?city=330100&sort=number"');
    expect(page.text).toMatch(/<input type="hidden" name="sort" value="amount"\s*\/?>/);
  });

  it('tells a firm without cases how to start one, and a reviewer that their area has none', async () => {
    const firm = await w.makeFirm();
    const empty = await (await signedIn(firm.user.email)).get('/cases');
    expect(empty.text).toContain('暂无申请。企业用户可点击“新建申请”填写申请草稿');
    expect(empty.text).toContain('href="/cases/new"');
    const reviewer = await makeUser(t.app.db, { roles: ['municipal'], city: '330900' });
    const none = await (await signedIn(reviewer.email)).get('/cases');
    expect(none.text).toContain('您的辖区内暂无申请。');
    expect(none.text).not.toContain('href="/cases/new"');
  });

  it('says a filter matched nothing, and offers only states a case can be in', async () => {
    const page = await (await signedIn(w.people.firm.email)).get('/cases?state=recovered');
    expect(page.status).toBe(200);
    expect(page.text).toContain('没有符合筛选条件的申请。');
    expect(page.text).not.toContain('暂无申请。企业用户可点击');
    expect(page.text).toContain('<option value="municipal"');
    expect(page.text).not.toContain('<option value="inReview"');
  });

  it('answers 400 with the reason for an unknown order', async () => {
    const page = await (await signedIn(w.people.firm.email)).get('/cases?sort=colour');
    expect(page.status).toBe(400);
  });

  it('is refused to an administrator, who acts on no case', async () => {
    expect((await (await signedIn(w.people.admin.email)).get('/cases')).status).toBe(403);
  });
});

describe('inbox page', () => {
  it('lists the municipal reviewer\'s cases with due dates in Chinese, overdue ones marked, and a firm name escaped', async () => {
    const hostile = await w.makeFirm({ name: '<script>alert("x")</script>新材料' });
    const res = await t.api.post<{ id: string }>('/cases', w.caseBody(), hostile.token);
    await w.attachDocuments(res.body.id);
    expect((await t.api.post(`/cases/${res.body.id}/events`, { type: 'SUBMIT' }, hostile.token)).status).toBe(200);
    await t.app.db.update(clocks).set({ overdue: true }).where(eq(clocks.ownerId, res.body.id));
    const page = await (await signedIn(w.people.municipal.email)).get('/inbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script>alert(&#34;x&#34;)&lt;/script>新材料');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(page.text).toContain('<span class="badge overdue">已逾期</span>');
  });

  it('shows beside each due date the working days left, due soon from 2 working days before, due today on the day, in both languages', async () => {
    const id = await w.caseIn('municipal');
    const due = (await t.api.get<{ items: { caseId: string; due: { dueOn: string; provisional: boolean } | null }[] }>('/tasks?limit=100', w.tokens.municipal)).body.items.find((i) => i.caseId === id)?.due;
    const dueOn = due?.dueOn ?? '';
    // a deadline counted over a year whose holiday schedule is not yet published is marked provisional
    const marked = (words: string) => (due?.provisional ? `<span class="muted">${words === '暂定' ? '（暂定）' : ` (${words})`}</span>` : '');
    const calendar = await t.app.calendar.get(t.app.db);
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const b = await signedIn(w.people.municipal.email);
    const rowOn = async (day: string) => {
      await clock.set(new Date(`${day}T10:00:00+08:00`));
      const html = (await b.get('/inbox?limit=100')).text;
      const at = html.indexOf(`href="/cases/${id}"`);
      const row = html.slice(at, html.indexOf('</tr>', at));
      return row.slice(row.indexOf('data-label="截止日期"') >= 0 ? row.indexOf('data-label="截止日期"') : row.indexOf('data-label="Due"'));
    };
    try {
      const far = await rowOn(subtractWorkingDays(dueOn, 3, calendar).date);
      expect(far).toContain(`<span>${date(dueOn, 'zh')}</span>${marked('暂定')}<span> · 剩 3 个工作日</span></td>`);
      const near = await rowOn(subtractWorkingDays(dueOn, 1, calendar).date);
      expect(near).toContain(`<span>${date(dueOn, 'zh')}</span>${marked('暂定')}<span> · 剩 1 个工作日</span> <span class="badge due-soon">即将到期</span></td>`);
      const today = await rowOn(dueOn);
      expect(today).toContain('<span> · 今日截止</span> <span class="badge due-soon">即将到期</span>');
      b.cookies.set('fb_lang', 'en');
      expect(await rowOn(subtractWorkingDays(dueOn, 1, calendar).date)).toContain(`<span>${date(dueOn, 'en')}</span>${marked('provisional')}<span> · 1 working day left</span> <span class="badge due-soon">Due soon</span></td>`);
      expect(await rowOn(subtractWorkingDays(dueOn, 2, calendar).date)).toContain('<span> · 2 working days left</span> <span class="badge due-soon">Due soon</span>');
      expect(await rowOn(dueOn)).toContain('<span> · due today</span>');
      // overdue: marked so, with no days left and no due-soon mark beside it
      await t.app.db.update(clocks).set({ overdue: true }).where(eq(clocks.ownerId, id));
      const late = await rowOn(dueOn);
      expect(late).toContain('<span class="badge overdue">Overdue</span>');
      expect(late).not.toContain('due-soon');
      expect(late).not.toContain('left');
    } finally {
      await clock.set(was);
    }
  });

  it('lets a reviewer take a shared task and give it back; a colleague of the same city sees who has it and is refused it', async () => {
    const id = await w.caseIn('municipal');
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.municipal)).body.number;
    const me = await signedIn(w.people.municipal.email);
    const before = await me.get('/inbox?limit=100');
    expect(before.text).toContain(`action="/inbox/${id}/claim"`);
    expect(before.text).toContain(`aria-label="领取 ${number}"`);
    const taken = await me.post(`/inbox/${id}/claim`, { _csrf: PageClient.csrfOf(before.text) });
    expect(taken.status).toBe(303);
    expect(taken.headers.get('location')).toBe('/inbox?done=claimed');
    const after = await me.get('/inbox?done=claimed&limit=100');
    expect(after.text).toContain('role="status"');
    expect(after.text).toContain('已领取该任务，同角色的其他人员将看到由您办理。');
    expect(after.text).not.toContain('已释放该任务');
    expect(after.text).toContain(`action="/inbox/${id}/release"`);
    expect(after.text).toContain('<span>我</span>');
    const tasks = await t.api.get<{ items: { caseId: string; claimedBy: { name: string } | null }[] }>('/tasks?limit=100', w.tokens.municipal2);
    expect(tasks.body.items.find((i) => i.caseId === id)?.claimedBy?.name).toBe(w.people.municipal.name);

    const colleague = await signedIn(w.people.municipal2.email);
    const theirs = await colleague.get('/inbox?limit=100');
    expect(theirs.text).not.toContain(`action="/inbox/${id}/claim"`);
    expect(theirs.text).not.toContain(`action="/inbox/${id}/release"`);
    expect(theirs.text).toContain(`<span>${w.people.municipal.name}</span>`);
    const refused = await colleague.post(`/inbox/${id}/claim`, { _csrf: PageClient.csrfOf(theirs.text) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`${w.people.municipal.name} 已领取此任务，请其先释放`);

    const given = await me.post(`/inbox/${id}/release`, { _csrf: PageClient.csrfOf(after.text) });
    expect(given.headers.get('location')).toBe('/inbox?done=released');
    const released = await me.get('/inbox?done=released&limit=100');
    expect(released.text).toContain('已释放该任务，同角色的其他人员可以领取。');
    expect(released.text).not.toContain('已领取该任务');
    expect((await colleague.get('/inbox?limit=100')).text).toContain(`action="/inbox/${id}/claim"`);
  });

  it("shows no one to hand a task to on a firm's or an expert's own work", async () => {
    await w.caseIn('revision');
    const firm = await (await signedIn(w.people.firm.email)).get('/');
    expect(firm.text).toContain('补正后重新提交');
    expect(firm.text).not.toContain('办理人');
    expect(firm.text).not.toContain('/claim"');
    const caseId = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await t.api.post(`/cases/${caseId}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const expert = await (await signedIn(panel[0]?.user.email ?? '')).get('/inbox');
    expect(expert.text).toContain(`href="/cases/${caseId}"`);
    expect(expert.text).not.toContain('办理人');
    expect(expert.text).not.toContain('/claim"');
  });

  it("shows the provincial reviewer, on the dashboard and in the inbox, a case whose expert is late, overdue and to be taken", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    await runOutExpertClock(t.app, id, panel[0]?.user.id ?? '');
    const me = await signedIn(w.people.provincial.email);
    for (const path of ['/', '/inbox?limit=100']) {
      const page = await me.get(path);
      const row = page.text.slice(page.text.indexOf(`href="/cases/${id}"`));
      expect(row.slice(0, row.indexOf('</tr>')), path).toMatch(/替换超期专家.*已逾期.*action="\/inbox\/[0-9a-f-]{36}\/claim"/s);
    }
  });

  it("links the provincial reviewer's 发布公示 task to the notice publishing page, its round chosen and its case ticked, and offers no taking of it", async () => {
    const later = await makeRound(t.app.db, { editionId: w.edition.id, opensAt: new Date('2026-06-01T00:00:00+08:00'), insurerIds: [w.insurer.id] });
    const id = await w.caseIn('awaitingNotice');
    const other = await w.caseIn('awaitingNotice');
    await t.app.db.update(cases).set({ roundId: later.id }).where(eq(cases.id, id));
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.provincial)).body.number;
    const me = await signedIn(w.people.provincial.email);
    const form = `/review/notices?roundId=${later.id}&caseId=${id}#awaiting`;
    const html = (await me.get('/inbox?limit=100')).text;
    const at = html.indexOf(`href="/cases/${id}"`);
    expect(at).toBeGreaterThan(0);
    const row = html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
    expect(row).toContain(`<a href="${form}" aria-label="发布公示 ${number}">发布公示</a>`);
    expect(row).not.toContain('/claim"');
    expect(row).not.toContain('未领取');
    // taking it anyway is refused, with the reason, and nobody holds it
    const refused = await me.post(`/inbox/${id}/claim`, { _csrf: PageClient.csrfOf(html) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('此任务在公示发布页面办理，无需领取');
    const api = (await t.api.get<{ items: { caseId: string | null; roundId: string; via: string | null; claimedBy: unknown }[] }>('/tasks?limit=100', w.tokens.provincial)).body.items;
    expect(api.find((i) => i.caseId === id)).toMatchObject({ roundId: later.id, via: 'notice', claimedBy: null });
    // the case page sends the provincial reviewer to the same form
    expect((await me.get(`/cases/${id}`)).text).toMatch(new RegExp(`<a href="${form.replace(/[?]/g, '\\?')}"[^>]*>\\s*此申请待列入公示`));

    // the page it opens lists that round's cases awaiting the notice, this one ticked, and not another round's
    const page = await me.get(form.replace('#awaiting', ''));
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<option value="${later.id}" selected>`);
    expect(page.text).not.toContain(`<option value="${w.round.id}" selected>`);
    expect(page.text).toMatch(new RegExp(`name="caseIds" value="${id}" checked`));
    expect(page.text).not.toContain(`value="${other}"`);
    expect(page.text).toContain(`action="/review/notices?roundId=${later.id}"`);
    // all rounds, or a round that is none, list every round's cases, nothing ticked
    for (const query of ['', `?roundId=${randomUUID()}`, '?roundId=not-a-round', '?caseId=not-a-case']) {
      const all = await me.get(`/review/notices${query}`);
      expect(all.status, query).toBe(200);
      expect(all.text, query).toContain(`value="${id}"`);
      expect(all.text, query).toContain(`value="${other}"`);
      expect(all.text, query).not.toMatch(/name="caseIds" value="[0-9a-f-]{36}" checked/);
    }
    // confirmed and published from the round's list
    const confirm = await me.post(`/review/notices?roundId=${later.id}`, { _csrf: PageClient.csrfOf(page.text), caseIds: id });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`action="/review/notices?roundId=${later.id}"`);
    const published = await me.post(`/review/notices?roundId=${later.id}`, { _csrf: PageClient.csrfOf(confirm.text), caseIds: id, confirm: 'yes' });
    expect(published.status).toBe(303);
    expect(await stateOf(id)).toBe('notice');
    // not a page for anyone else, whatever it is asked to choose
    for (const who of [w.people.municipal, w.people.finance, w.people.firm]) {
      expect((await (await signedIn(who.email)).get(form.replace('#awaiting', ''))).status, who.email).toBe(403);
    }
  });

  it("shows on the dashboard the five tasks the inbox begins with: of tasks due alike, the oldest first", async () => {
    // six drafts of one firm, due alike at the round's closing, each opened a minute before the one opened before it
    const firm = await w.makeFirm();
    const clock = t.app.clock;
    if (!(clock instanceof SettableClock)) throw new Error('the test clock is not settable');
    const was = clock.now();
    const made: string[] = [];
    try {
      for (let i = 1; i <= 6; i++) {
        await clock.set(new Date(was.getTime() - i * 60_000));
        const res = await t.api.post<{ id: string }>('/cases', w.caseBody(), firm.token);
        expect(res.status).toBe(201);
        made.push(res.body.id);
      }
    } finally {
      await clock.set(was);
    }
    const page = (await (await signedIn(firm.user.email)).get('/')).text;
    // the 待办 section, not the firm's recent applications below it (newest first)
    const todo = page.slice(page.indexOf('id="todo"'), page.indexOf('</section>', page.indexOf('id="todo"')));
    const shown = [...todo.matchAll(/href="\/cases\/([0-9a-f-]{36})"/g)].map((m) => m[1]).filter((id) => id !== undefined && made.includes(id));
    expect(shown).toEqual([...made].reverse().slice(0, 5));
  });

  it("dates a firm's draft on its dashboard by the round's last day to submit", async () => {
    const id = await w.createCase();
    const home = await (await signedIn(w.people.firm.email)).get('/');
    const row = home.text.slice(home.text.indexOf(`href="/cases/${id}"`));
    // full-width brackets in Chinese; in English the zone's brackets are not followed by a second pair
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`<span>北京时间 ${factoryDates.year + 1}年12月31日 23:59（批次截止受理）</span>`);
    const en = await signedIn(w.people.firm.email);
    en.cookies.set('fb_lang', 'en');
    const enHome = (await en.get('/')).text;
    const enRow = enHome.slice(enHome.indexOf(`href="/cases/${id}"`));
    expect(enRow.slice(0, enRow.indexOf('</tr>'))).toMatch(new RegExp(`<span>round closes \\d{1,2} Dec ${factoryDates.year + 1}, 23:59 \\(Beijing time\\)</span>`));
    expect(row.slice(0, row.indexOf('</tr>'))).not.toContain('无时限');
    // every task on a firm's list is its own: no column names the firm
    expect(home.text).not.toContain('data-label="申报企业"');
    expect((await (await signedIn(w.people.municipal.email)).get('/inbox')).text).toContain('<th scope="col">申报企业</th>');
  });

  it('marks a provisional deadline in full-width brackets in Chinese, in the inbox and on the case', async () => {
    const id = await w.caseIn('municipal');
    await t.app.db.update(clocks).set({ provisional: true }).where(eq(clocks.ownerId, id));
    const b = await signedIn(w.people.municipal.email);
    const rowOf = (html: string) => html.slice(html.indexOf(`href="/cases/${id}"`), html.indexOf('</tr>', html.indexOf(`href="/cases/${id}"`)));
    expect(rowOf((await b.get('/inbox?limit=100')).text)).toContain('</span><span class="muted">（暂定）</span><span> · ');
    expect((await b.get(`/cases/${id}`)).text).toMatch(/ · 截止日期 \d{4}年\d{1,2}月\d{1,2}日（暂定） · /);
    b.cookies.set('fb_lang', 'en');
    expect(rowOf((await b.get('/inbox?limit=100')).text)).toContain('</span><span class="muted"> (provisional)</span><span> · ');
  });

  it('refuses taking a task without the form token, to a firm and to an expert, whose tasks are their own', async () => {
    const id = await w.caseIn('municipal');
    const me = await signedIn(w.people.municipal.email);
    await me.get('/inbox');
    expect((await me.post(`/inbox/${id}/claim`, {})).status).toBe(403);
    for (const who of [w.people.firm, w.people.expert]) {
      const b = await signedIn(who.email);
      const page = await b.get('/');
      expect((await b.post(`/inbox/${id}/claim`, { _csrf: PageClient.csrfOf(page.text) })).status, who.email).toBe(403);
    }
    const tasks = await t.api.get<{ items: { caseId: string; claimedBy: unknown }[] }>('/tasks?limit=100', w.tokens.municipal);
    expect(tasks.body.items.find((i) => i.caseId === id)?.claimedBy).toBeNull();
  });

  it('says what happens next when the inbox is empty', async () => {
    const page = await (await signedIn(w.people.finance.email)).get('/inbox');
    expect(page.text).toContain('目前没有待办事项');
  });

  // after the empty inbox: an approved case is a task of finance's
  it("offers the insurer no taking or giving back of a claim's decision, and names nobody as its holder", async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    const filed = await firm.post(`/cases/${id}/claims`, { _csrf: PageClient.csrfOf(page.text), occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120,000.00', description: '批次产品表面缺陷，用户退货' });
    // typed as amounts are shown, with thousands separators
    expect(filed.status).toBe(303);
    const inbox = await (await signedIn(w.people.insurer.email)).get('/inbox?limit=100');
    expect(inbox.text).toContain(`href="/cases/${id}#claim-`);
    // the claim's row names no holder (a claim's decision is not taken), whatever other rows the page has
    const row = [...inbox.text.matchAll(/<tr>.*?<\/tr>/gs)].map((m) => m[0]).find((r) => r.includes(`href="/cases/${id}#claim-`)) ?? '';
    expect(row).toContain('理赔');
    expect(row).not.toContain('未领取');
    expect(inbox.text).not.toContain(`action="/inbox/${id}/claim"`);
  });

  it('refuses a firm with the 403 page', async () => {
    const page = await (await signedIn(w.people.firm.email)).get('/inbox');
    expect(page.status).toBe(403);
    expect(page.text).toContain('无权访问');
  });
});

describe('case page', () => {
  it("answers the 404 page for another firm's case, and for an id that is none", async () => {
    const id = await w.caseIn('draft');
    const other = await signedIn(w.people.otherFirm.email);
    expect((await other.get(`/cases/${id}`)).status).toBe(404);
    expect((await other.get('/cases/not-an-id')).status).toBe(404);
    expect((await (await signedIn(w.people.otherMunicipal.email)).get(`/cases/${id}`)).status).toBe(404);
  });

  it('sends a visitor to sign in', async () => {
    const id = await w.caseIn('draft');
    const res = await new PageClient(t.url).get(`/cases/${id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/cases/${id}`)}`);
  });

  it('shows the summary, documents, clocks, history and the decisions the reviewer may take', async () => {
    const id = await w.caseIn('municipal');
    const page = await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`);
    expect(page.status).toBe(200);
    for (const words of ['低缺陷高平坦度大尺寸半导体硅晶圆', '营业执照', '市级初审', '提交申请', '审核通过', '退回补正', '不予通过']) expect(page.text).toContain(words);
    expect(page.text).toContain('<label for="d-REJECT-reason">理由</label>');
    expect(page.text).toContain('<label for="d-RETURN-reasons">退回理由</label>');
  });

  it('shows the reviewer and the insurer the facts they check: the firm, the catalogue entry, the user unit and its declarations, the delivery, the insurer and the premium invoice', async () => {
    const id = await w.caseIn('provincial');
    const view = (await t.api.get<{ userUnit: { uscc: string } }>(`/cases/${id}`, w.tokens.provincial)).body;
    for (const who of ['provincial', 'insurer'] as const) {
      const page = await (await signedIn(w.people[who].email)).get(`/cases/${id}`);
      expect(page.status, who).toBe(200);
      const summary = page.text.slice(page.text.indexOf('id="summary"'), page.text.indexOf('</dl>', page.text.indexOf('id="summary"')));
      for (const words of [
        w.firm.name,
        w.firm.uscc,
        `${w.entry.seq}. ${w.entry.name}`,
        view.userUnit.uscc,
        '非关联方：是；非贸易商：是',
        '20000 片',
        zhDate(factoryDates.deliveredOn),
        w.insurer.name,
        'FP-0001',
        zhDate(factoryDates.premiumPaidOn),
      ]) {
        expect(summary, `${who}: ${words}`).toContain(words);
      }
    }
  });

  it("says where the insurer's check of the policy stands, and tells the provincial reviewer why there is no approval yet", async () => {
    const id = await w.caseIn('provincial');
    const line = async (who: 'provincial' | 'firm') => {
      const text = (await (await signedIn(w.people[who].email)).get(`/cases/${id}`)).text;
      const at = text.indexOf('id="policy-check"');
      return at < 0 ? null : text.slice(at, text.indexOf('</p>', at));
    };
    expect(await line('provincial')).toContain('保单核验：待保险公司核验保单和保费发票');
    expect(await line('provincial')).toContain('审核通过须待保险公司核验保单和保费发票。');
    // the firm is told where the check stands, not the reviewer's reason to wait
    expect(await line('firm')).not.toContain('审核通过须待');

    expect((await t.api.post(`/cases/${id}/events`, { type: 'POLICY_MISMATCH', reason: '保单号与发票不符' }, w.tokens.insurer)).status).toBe(200);
    expect(await line('provincial')).toContain('保险公司核验不符：审核人员退回申请后，由企业更正保单信息并重新提交');
    // the reviewer who may return the case is told that a return is the way to the correction; the firm is told what comes
    expect(await line('provincial')).toContain('请退回申请并说明保单不符之处');
    expect(await line('provincial')).not.toContain('审核通过须待');
    expect(await line('firm')).toContain('审核人员退回申请后');
    expect(await line('firm')).not.toContain('请退回申请');
  });

  it('shows the policy verified, and the approval, once the insurer has checked it', async () => {
    const id = await w.caseIn('provincial');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    const text = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text;
    expect(text).toContain('保单核验：保险公司已核验');
    expect(text).not.toContain('审核通过须待');
    expect(text).toContain('<input type="hidden" name="type" value="APPROVE"/>');
  });

  it("names the person behind each history entry to the programme's staff, and only the role to the firm", async () => {
    await t.app.db.update(users).set({ name: '市级审核员王五' }).where(eq(users.id, w.people.municipal.id));
    const id = await w.caseIn('revision');
    const reviewer = (await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text;
    expect(reviewer).toContain('操作人：市级审核 市级审核员王五');
    const firm = (await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text;
    expect(firm).toContain('操作人：市级审核');
    expect(firm).not.toContain('市级审核员王五');
  });

  it("names to a firm's people their own colleagues behind each entry, not the reviewers", async () => {
    const firm = await w.makeFirm();
    const colleague = await makeUser(t.app.db, { roles: ['firm'], enterpriseId: firm.enterprise.id, name: '企业经办人孙七' });
    const created = await t.api.post<{ id: string }>('/cases', w.caseBody(), await t.api.login(colleague.email));
    expect(created.status).toBe(201);
    const page = (await (await signedIn(firm.user.email)).get(`/cases/${created.body.id}`)).text;
    expect(page.slice(page.indexOf('id="timeline"'))).toContain('企业经办人孙七');
    // another firm's person reads no name of theirs: the case is not theirs to read at all
    expect((await (await signedIn(w.people.firm.email)).get(`/cases/${created.body.id}`)).status).toBe(404);
  });

  it('shows each step of the history from the state it left to the one it reached', async () => {
    const id = await w.caseIn('provincial');
    const page = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text;
    const timeline = page.slice(page.indexOf('id="timeline"'));
    // the city's approval: from its review to the province's, not the province's review alone
    expect(timeline).toMatch(/<strong>审核通过<\/strong> <span class="badge state-municipal">市级初审<\/span><span aria-hidden="true"> → <\/span><span class="visually-hidden"> 变为 <\/span><span class="badge state-provincial">省级复审<\/span>/);
    // a step that left the state as it was (an upload, the insurer's check) shows where it stands
    expect(timeline).not.toMatch(/state-municipal">市级初审<\/span><span aria-hidden="true"> → <\/span><span class="visually-hidden"> 变为 <\/span><span class="badge state-municipal">/);
  });

  it("puts the API's reason next to an empty reason field, and changes nothing", async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'REJECT', reason: '  ', version: '1' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="d-REJECT-reason-error"><span>[^<]+<\/span>/);
    expect(await stateOf(id)).toBe('municipal');
  });

  it('returns a case for revision through the form, and the history shows the reason', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RETURN', reasons: '检测报告缺少签章\n合同金额与发票不符', version });
    expect(res.status).toBe(303);
    expect(await stateOf(id)).toBe('revision');
    const after = await b.get(res.headers.get('location') ?? '');
    expect(after.text).toContain('合同金额与发票不符');
    expect(after.text).toContain('<span class="badge state-revision">待补正</span>');
  });

  it('asks for the reasons under the reasons box when a return has none, in both languages', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RETURN', reasons: ' \n ', version: '1' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="d-RETURN-reasons-error"><span>请填写退回理由，每行一条。<\/span>/);
    expect(res.text).not.toContain('至少选择一项');
    b.cookies.set('fb_lang', 'en');
    const english = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RETURN', reasons: '', version: '1' });
    expect(english.text).toMatch(/id="d-RETURN-reasons-error"><span>Write the reasons for returning, one per line.<\/span>/);
    expect(await stateOf(id)).toBe('municipal');
  });

  it('says a reason too long as too long, not as missing', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RETURN', reasons: '缺'.repeat(2001), version: '1' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="d-RETURN-reasons-error"');
    expect(res.text).not.toContain('请填写退回理由');
    expect(await stateOf(id)).toBe('municipal');
  });

  it('shows a paused deadline by the working days it has left, without its old due date, in both languages', async () => {
    const id = await w.caseIn('municipal');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '检测报告缺少签章' }] }, w.tokens.municipal)).status).toBe(200);
    const b = await signedIn(w.people.municipal.email);
    const clocksOf = (text: string) => text.slice(text.indexOf('id="clocks"'), text.indexOf('</section>', text.indexOf('id="clocks"')));
    const zh = clocksOf((await b.get(`/cases/${id}`)).text);
    const paused = /<li><strong>市级初审<\/strong>(.*?)<\/li>/.exec(zh)?.[1] ?? '';
    expect(paused).toMatch(/^<span> · 已暂停，剩余 \d+ 个工作日<\/span>$/);
    b.cookies.set('fb_lang', 'en');
    const en = clocksOf((await b.get(`/cases/${id}`)).text);
    expect(en).toMatch(/<span> · Paused, \d+ working days left<\/span>/);
    expect(en).not.toMatch(/Due [^<]*Paused/);
  });

  it('refuses a decision without the form token, 403, and changes nothing', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    expect((await b.post(`/cases/${id}/events`, { type: 'APPROVE' })).status).toBe(403);
    expect(await stateOf(id)).toBe('municipal');
  });

  it('acts on the case its address names, whatever case id the form carries', async () => {
    const [named, other] = [await w.caseIn('municipal'), await w.caseIn('municipal')];
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${named}`);
    const res = await b.post(`/cases/${named}/events`, { _csrf: PageClient.csrfOf(page.text), caseId: other, id: other, type: 'RETURN', reasons: '检测报告缺少签章' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/cases/${named}?done=RETURN`);
    expect(await stateOf(named)).toBe('revision');
    expect(await stateOf(other)).toBe('municipal');
  });

  it('says the case has moved on when the form was for an older version', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'APPROVE', version: '0' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('此申请刚被他人更新');
  });

  it("shows the service's reasons when a firm submits an incomplete draft", async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const page = await b.get(`/cases/${id}`);
    // the firm's draft offers an upload form per kind and lists what SUBMIT would refuse
    expect(page.text).toContain('<label for="upload-business_license">选择营业执照文件</label>');
    expect(page.text).toContain('缺少必备材料：营业执照，请上传');
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'SUBMIT' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<div class="problems" role="alert">');
    expect(await stateOf(id)).toBe('draft');
  });

  it('offers a firm no reviewer decision, and refuses one it posts anyway', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.firm.email);
    const page = await b.get(`/cases/${id}`);
    expect(page.text).not.toContain('审核通过');
    const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'APPROVE' });
    expect(res.status).not.toBe(303);
    expect(await stateOf(id)).toBe('municipal');
  });
});

describe('the subsidy on the case page', () => {
  it('shows the firm its subsidy step by step in Chinese', async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="subsidy">保费补偿</h2>');
    expect(page.text).toContain('补偿金额 S = 80% × E，计至分，舍去分以下部分');
    expect(page.text).toContain('class="num">1,000,000.00</td>');
    // the rules' code is small print after words; every amount grouped by thousands, spaced from the words
    expect(page.text).toContain('<span>以上金额按核定时的保费补偿计算规则逐步算出。</span> <small class="rule-version">（规则版本 spec-6/v1）</small>');
    expect(page.text).not.toContain('计算规则版本');
    expect(page.text).toMatch(/补偿责任限额 L′ = 责任限额与 \d+ 倍合同金额、[\d,]+\.\d\d 元 中的较小者/);
    expect(page.text).not.toMatch(/\d{4}\.\d\d 元/);
    firm.cookies.set('fb_lang', 'en');
    const en = await firm.get(`/cases/${id}`);
    expect(en.text).toContain('<span>Worked out step by step under the premium subsidy rules in force when the amount was set.</span> <small class="rule-version">(rule version spec-6/v1)</small>');
    expect(en.text).toMatch(/the smaller of L and \d+ × the contract amount and [\d,]+\.\d\d yuan/);
    expect(en.text).not.toMatch(/\d{4}\.\d\d yuan/);
  });

  it('shows finance the subsidy, and the insurer none of it', async () => {
    const id = await w.caseIn('approved');
    expect((await (await signedIn(w.people.finance.email)).get(`/cases/${id}`)).text).toContain('<h2 id="subsidy">');
    const insurer = await (await signedIn(w.people.insurer.email)).get(`/cases/${id}`);
    expect(insurer.status).toBe(200);
    expect(insurer.text).not.toContain('<h2 id="subsidy">');
  });
});

/** A real disbursement batch of the case, made by finance, approved by the second finance user, and its payment settled as told (or not yet, given null). */
async function settledBatch(caseId: string, outcome: { reference: string; paidOn: string } | { failure: string } | null) {
  const made = await t.api.post<{ id: string; number: string; cases: { bankAccount: string }[] }>('/disbursements', { roundId: w.round.id, caseIds: [caseId] }, w.tokens.finance);
  expect(made.status).toBe(201);
  const steps: [Record<string, unknown>, string][] = [
    [{ type: 'SUBMIT' }, w.tokens.finance],
    [{ type: 'APPROVE' }, w.tokens.finance2],
    ...(outcome ? [[{ type: 'SETTLE', payments: [{ caseId, ...outcome }] }, w.tokens.finance] as [Record<string, unknown>, string]] : []),
  ];
  for (const [event, token] of steps) expect((await t.api.post(`/disbursements/${made.body.id}/events`, event, token)).status, String(event.type)).toBe(200);
  return { id: made.body.id, number: made.body.number, account: made.body.cases[0]?.bankAccount ?? '' };
}

/** The payment's part of a case page: from its heading to the end of the subsidy section. */
const paymentPart = (html: string) => {
  const from = html.indexOf('<h3 id="payment">');
  return from < 0 ? '' : html.slice(from, html.indexOf('</section>', from));
};
/** 2026-12-07 as the Chinese pages write it: 2026年12月7日. */
const zhDate = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};
/** 2026-12-07 as the English pages write it: 7 Dec 2026. */
const enDate = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1] ?? ''} ${y}`;
};

describe('the payment on the case page', () => {
  it('shows the firm what was paid, in both languages: the amount, the day, the bank reference, the batch and the account by its last four digits', async () => {
    const id = await w.caseIn('approved');
    const paidOn = shanghaiDate(t.app.clock.now());
    const batch = await settledBatch(id, { reference: 'ICBC-20261201-0777', paidOn });
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    expect(page.status).toBe(200);
    const zh = paymentPart(page.text);
    expect(zh).toContain('<h3 id="payment">拨付情况</h3>');
    expect(zh).toContain('<dt>拨付状态</dt><dd><span class="badge pay-paid">已拨付</span></dd>');
    expect(zh).toContain('<dt>拨付金额（元）</dt><dd class="num">1,000,000.00</dd>');
    expect(zh).toContain(`<dt>拨付日期</dt><dd>${zhDate(paidOn)}</dd>`);
    expect(zh).toContain('<dt>银行流水号</dt><dd>ICBC-20261201-0777</dd>');
    // the firm does not read batches: the number, not a link
    expect(zh).toContain(`<dt>拨付批次</dt><dd><span>${batch.number}</span></dd>`);
    expect(zh).toContain(`<dt>收款账户</dt><dd>中国工商银行杭州分行 尾号 ${batch.account.slice(-4)}</dd>`);
    expect(batch.account.length).toBeGreaterThan(4);
    expect(page.text).not.toContain(batch.account);

    firm.cookies.set('fb_lang', 'en');
    const en = paymentPart((await firm.get(`/cases/${id}`)).text);
    expect(en).toContain('<h3 id="payment">Payment</h3>');
    expect(en).toContain('<span class="badge pay-paid">Paid</span>');
    expect(en).toContain('<dt>Amount (yuan)</dt><dd class="num">1,000,000.00</dd>');
    expect(en).toContain(`<dt>Paid on</dt><dd>${enDate(paidOn)}</dd>`);
    expect(en).toContain('<dt>Bank reference</dt><dd>ICBC-20261201-0777</dd>');
    expect(en).toContain(`<dt>Paid into</dt><dd>中国工商银行杭州分行, account ending ${batch.account.slice(-4)}</dd>`);
  });

  it('shows finance the whole account and a link to the batch', async () => {
    const id = await w.caseIn('approved');
    const batch = await settledBatch(id, { reference: 'ICBC-20261201-0778', paidOn: shanghaiDate(t.app.clock.now()) });
    const part = paymentPart((await (await signedIn(w.people.finance.email)).get(`/cases/${id}`)).text);
    expect(part).toContain(`<dt>拨付批次</dt><dd><a href="/money/batches/${batch.id}">${batch.number}</a></dd>`);
    expect(part).toContain(`<dt>收款账户</dt><dd>中国工商银行杭州分行 ${batch.account}</dd>`);
  });

  it('says that a payment failed, why, and that finance will pay it in a new batch, in both languages', async () => {
    const id = await w.caseIn('approved');
    const batch = await settledBatch(id, { failure: '收款账户已销户' });
    const firm = await signedIn(w.people.firm.email);
    const zh = paymentPart((await firm.get(`/cases/${id}`)).text);
    expect(zh).toContain('<span class="badge pay-failed">拨付失败</span>');
    expect(zh).toContain('<dt>失败原因</dt><dd>收款账户已销户</dd>');
    expect(zh).toContain(`<dt>拨付批次</dt><dd><span>${batch.number}</span></dd>`);
    expect(zh).toContain('<p role="note">本次拨付失败：收款账户已销户。财务人员将把本申请纳入新的拨付批次重新拨付。</p>');
    expect(zh).not.toContain('拨付日期');
    firm.cookies.set('fb_lang', 'en');
    const en = paymentPart((await firm.get(`/cases/${id}`)).text);
    expect(en).toContain('<span class="badge pay-failed">Payment failed</span>');
    expect(en).toContain('<p role="note">This payment failed: 收款账户已销户. Finance will put the application into a new disbursement batch and pay it again.</p>');
  });

  it('shows no payment before a batch is approved, then that the bank is to pay it; and none of it to the insurer', async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const before = await firm.get(`/cases/${id}`);
    expect(before.text).toContain('<h2 id="subsidy">');
    expect(before.text).not.toContain('<h3 id="payment">');
    const batch = await settledBatch(id, null);
    const zh = paymentPart((await firm.get(`/cases/${id}`)).text);
    expect(zh).toContain('<span class="badge pay-approved">已审批，待银行付款</span>');
    expect(zh).toContain(`<dt>拨付批次</dt><dd><span>${batch.number}</span></dd>`);
    expect(zh).toContain('<p class="hint">拨付批次已审批，款项将由银行付至上述账户；付款后此处将显示拨付日期和银行流水号。</p>');
    expect(zh).not.toContain('银行流水号</dt>');
    firm.cookies.set('fb_lang', 'en');
    expect(paymentPart((await firm.get(`/cases/${id}`)).text)).toContain('<span class="badge pay-approved">Approved, awaiting the bank</span>');
    const insurer = await (await signedIn(w.people.insurer.email)).get(`/cases/${id}`);
    expect(insurer.status).toBe(200);
    expect(insurer.text).not.toContain('<h3 id="payment">');
    expect(insurer.text).not.toContain(batch.number);
  });
});

describe('claims on the case page', () => {

  it('lets the firm report a claim on its approved case, shows a wrong amount next to its field, and lets the insurer pay it', async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    expect(page.text).toContain('<h2 id="claims">理赔</h2>');
    const csrf = PageClient.csrfOf(page.text);
    const wrong = await firm.post(`/cases/${id}/claims`, { _csrf: csrf, occurredOn: factoryDates.lossOn, kind: 'quality', amount: '12,000.001', description: '批次产品表面缺陷，用户退货' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/id="cr-amount-error"/);
    // a day before the policy is said with the amount and the description, not on the next try
    const all = { _csrf: csrf, occurredOn: '2000-01-01', kind: 'quality', amount: '0', description: '坏' };
    const early = await firm.post(`/cases/${id}/claims`, all);
    expect(early.status).toBe(400);
    expect(early.text).toMatch(/id="cr-amount-error"/);
    expect(early.text).toMatch(/id="cr-description-error"/);
    expect(early.text).toMatch(/id="cr-occurredOn-error"[^>]*><span>[^<]*出险日期早于保险期间<\/span>/);
    firm.cookies.set('fb_lang', 'en');
    expect((await firm.post(`/cases/${id}/claims`, all)).text).toMatch(/id="cr-occurredOn-error"[^>]*><span>[^<]*the loss happened before it<\/span>/);
    firm.cookies.set('fb_lang', 'zh');
    // a comma that groups no thousands (a decimal comma) is refused, not read as another amount
    const decimalComma = await firm.post(`/cases/${id}/claims`, { _csrf: csrf, occurredOn: factoryDates.lossOn, kind: 'quality', amount: '1234,56', description: '批次产品表面缺陷，用户退货' });
    expect(decimalComma.status).toBe(400);
    expect((await t.api.get<{ items: unknown[] }>(`/cases/${id}/claims`, w.tokens.firm)).body.items).toEqual([]);
    const filed = await firm.post(`/cases/${id}/claims`, { _csrf: csrf, occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120,000.00', description: '批次产品表面缺陷，用户退货' });
    // typed as amounts are shown, with thousands separators
    expect(filed.status).toBe(303);
    const listed = await t.api.get<{ items: { id: string; state: string }[] }>(`/cases/${id}/claims`, w.tokens.firm);
    const claim = listed.body.items[0];
    expect(claim?.state).toBe('reported');
    expect((await t.api.get<{ items: { amount: string }[] }>(`/cases/${id}/claims`, w.tokens.firm)).body.items[0]?.amount).toBe('120000.00');

    const insurer = await signedIn(w.people.insurer.email);
    const seen = await insurer.get(`/cases/${id}`);
    expect(seen.text).toContain('待保险公司决定');
    // the insurer reads what happened before deciding
    expect(seen.text).toContain('批次产品表面缺陷，用户退货');
    expect(seen.text).not.toContain('id="claim-report"');
    // the case asks nothing of the insurer, the claim does: said where the case's steps are, linked to the claim
    expect(seen.text).toContain(`<a href="#claim-${claim?.id}">理赔 `);
    expect(seen.text).toContain('待您决定：请查阅下方的理赔材料后赔付或拒赔。');
    expect(seen.text).not.toContain('您目前无需对此申请进行操作');
    // the firm, who decides nothing on it, is not told so
    expect((await firm.get(`/cases/${id}`)).text).not.toContain('待您决定');
    const paid = await insurer.post(`/claims/${claim?.id}/events`, { _csrf: PageClient.csrfOf(seen.text), caseId: id, type: 'PAY', amount: '100，000.00', reference: 'PICC-PAY-1', confirm: 'yes' });
    expect(paid.status).toBe(303);
    expect((await firm.get(`/cases/${id}`)).text).toContain('100,000.00 元（支付流水号 PICC-PAY-1）');
    // decided, the claim asks nothing more of the insurer
    expect((await insurer.get(`/cases/${id}`)).text).toContain('您目前无需对此申请进行操作');
  });

  it('refuses a claim report to a role that may not report, before reading what the form holds', async () => {
    const id = await w.caseIn('approved');
    const bad = { occurredOn: '2020-01-01', kind: 'quality', amount: 'abc', description: '' };
    for (const [who, status] of [
      [w.people.insurer.email, 403],
      [w.people.municipal.email, 403],
      [w.people.otherFirm.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      expect((await b.post(`/cases/${id}/claims`, { _csrf: csrf, ...bad })).status, who).toBe(status);
    }
  });

  it('refuses a claim report or a claim decision without its form token, and changes nothing', async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    await firm.get(`/cases/${id}`);
    const claim = { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '无令牌理赔' };
    expect((await firm.post(`/cases/${id}/claims`, claim)).status).toBe(403);
    expect((await firm.post(`/cases/${id}/claims`, { ...claim, _csrf: 'x'.repeat(43) })).status).toBe(403);
    const none = await t.api.get<{ items: unknown[] }>(`/cases/${id}/claims`, w.tokens.firm);
    expect(none.body.items).toEqual([]);

    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { ...claim, amount: '120000.00' }, w.tokens.firm);
    expect(filed.status).toBe(201);
    const insurer = await signedIn(w.people.insurer.email);
    await insurer.get(`/cases/${id}`);
    expect((await insurer.post(`/claims/${filed.body.id}/events`, { caseId: id, type: 'PAY', amount: '100000.00', reference: 'PICC-NOCSRF' })).status).toBe(403);
    const after = await t.api.get<{ items: { id: string; state: string }[] }>(`/cases/${id}/claims`, w.tokens.firm);
    expect(after.body.items.find((c) => c.id === filed.body.id)?.state).toBe('reported');
  });

  it("answers a claim decision on the claim's own case, whatever case id the form carries", async () => {
    const [id, other] = [await w.caseIn('approved'), await w.caseIn('approved')];
    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
    expect(filed.status).toBe(201);
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    // a refusal is shown on the claim's case, beside the claim's form
    const refused = await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: csrf, caseId: other, type: 'PAY', amount: '-1', reference: 'PICC-PAY-2' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(`action="/claims/${filed.body.id}/events#c-${filed.body.id}-PAY"`);
    expect(refused.text).toContain('aria-invalid="true"');
    const paid = await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: csrf, caseId: other, type: 'PAY', amount: '100000.00', reference: 'PICC-PAY-2', confirm: 'yes' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`/cases/${id}?claim=${filed.body.id}#claims`);
  });

  it('asks the insurer to confirm a payment above the amount claimed, a second step with the excess shown, and pays it once ticked', async () => {
    const id = await w.caseIn('approved');
    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'liability', amount: '120000.00', description: '用户设备损坏，另需现场施救' }, w.tokens.firm);
    expect(filed.status).toBe(201);
    const insurer = await signedIn(w.people.insurer.email);
    const page = await insurer.get(`/cases/${id}`);
    expect(page.text).toContain('企业索赔金额 120,000.00 元。');
    expect(page.text).not.toContain('name="exceedsClaim"');
    const csrf = PageClient.csrfOf(page.text);
    const pay = { _csrf: csrf, type: 'PAY', amount: '150,000.00', reference: 'PICC-OVER-1' };

    const asked = await insurer.post(`/claims/${filed.body.id}/events`, pay);
    expect(asked.status).toBe(422);
    expect(asked.text).toContain('赔付金额 150,000.00 元高于企业索赔金额 120,000.00 元，多出 30,000.00 元。');
    expect(asked.text).toContain('请勾选确认：赔付金额高于索赔金额。');
    expect(asked.text).toMatch(/<input type="checkbox" id="c-[0-9a-f-]+-exceeds" name="exceedsClaim" value="yes" aria-invalid="true"/);
    // what was typed stays in the form
    expect(asked.text).toContain('value="150,000.00"');
    expect(asked.text).toContain('value="PICC-OVER-1"');
    const claimOf = async () => (await t.api.get<{ state: string; decision: { paidAmount: string | null } | null }>(`/claims/${filed.body.id}`, w.tokens.insurer)).body;
    expect(await claimOf()).toMatchObject({ state: 'reported', decision: null });

    insurer.cookies.set('fb_lang', 'en');
    const english = await insurer.post(`/claims/${filed.body.id}/events`, pay);
    expect(english.status).toBe(422);
    expect(english.text).toContain('150,000.00 yuan is more than the 120,000.00 yuan the firm claimed, by 30,000.00 yuan.');
    expect(english.text).toContain('I have checked: pay more than was claimed');
    insurer.cookies.set('fb_lang', 'zh');

    // ticked but the reference forgotten: the box stays ticked beside the other problem
    const noReference = await insurer.post(`/claims/${filed.body.id}/events`, { ...pay, reference: '', exceedsClaim: 'yes' });
    expect(noReference.status).toBe(400);
    expect(noReference.text).toMatch(/name="exceedsClaim" value="yes" checked/);
    expect(noReference.text).not.toContain('请勾选确认');

    const paid = await insurer.post(`/claims/${filed.body.id}/events`, { ...pay, exceedsClaim: 'yes', confirm: 'yes' });
    expect(paid.status).toBe(303);
    expect(await claimOf()).toMatchObject({ state: 'paid', decision: { paidAmount: '150000.00' } });
  });

  it('pays the amount claimed, or less, without the second step', async () => {
    const id = await w.caseIn('approved');
    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    expect((await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: csrf, type: 'PAY', amount: '120000.00', reference: 'PICC-EXACT-1', confirm: 'yes' })).status).toBe(303);
    // and a second decision on a decided claim is refused for that, not asked to be confirmed
    const late = await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: csrf, type: 'PAY', amount: '999999.00', reference: 'PICC-EXACT-2' });
    expect(late.status).toBe(409);
    expect(late.text).not.toContain('请勾选确认');
  });

  it('refuses a payment above the claim from anyone but the policy\'s insurer as any payment, never with the confirmation step', async () => {
    const id = await w.caseIn('approved');
    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '100.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
    const pay = { type: 'PAY', amount: '200.00', reference: 'X-1', exceedsClaim: 'yes' };
    for (const [who, status] of [['firm', 403], ['provincial', 403], ['municipal', 403], ['otherInsurer', 404], ['otherMunicipal', 404], ['finance', 404], ['expert', 404]] as const) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      for (const body of [pay, { ...pay, exceedsClaim: '' }]) {
        const res = await b.post(`/claims/${filed.body.id}/events`, { _csrf: csrf, ...body });
        expect(res.status, who).toBe(status);
        expect(res.text, who).not.toContain('赔付金额 200.00 元高于');
      }
    }
    expect((await t.api.get<{ state: string }>(`/claims/${filed.body.id}`, w.tokens.insurer)).body.state).toBe('reported');
  });

  it('offers no claim form before approval', async () => {
    const id = await w.caseIn('municipal');
    const page = await (await signedIn(w.people.firm.email)).get(`/cases/${id}`);
    expect(page.text).not.toContain('id="claim-report"');
  });
});

describe('claim documents on the case page', () => {
  const reported = async (caseId: string) => {
    const filed = await t.api.post<{ id: string; number: string }>(`/cases/${caseId}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
    expect(filed.status).toBe(201);
    return filed.body;
  };
  /** The upload form's body, as a browser sends it; null: no token, no file. */
  const uploadForm = (csrf: string | null, file: { bytes: Buffer; name: string; type: string } | null = { bytes: pdfBytes('loss list'), name: '损失清单.pdf', type: 'application/pdf' }) => {
    const form = new FormData();
    if (csrf !== null) form.append('_csrf', csrf);
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return form;
  };
  const documentsOf = (claimId: string) => t.app.db.select().from(claimDocuments).where(eq(claimDocuments.claimId, claimId));

  it('lets the firm upload a PDF to its reported claim, and lists it to the insurer above the decision and to the reviewers, each download opening with the page session', async () => {
    const id = await w.caseIn('approved');
    const claim = await reported(id);
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    expect(page.text).toContain(`<h3 id="claim-${claim.id}">理赔 ${claim.number} 的材料</h3>`);
    expect(page.text).toContain('未上传理赔材料。');
    expect(page.text).toMatch(new RegExp(`<form method="post" action="/claims/${claim.id}/documents#cu-${claim.id}" enctype="multipart/form-data"`));
    const bytes = pdfBytes('loss list');
    const sent = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(PageClient.csrfOf(page.text)));
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/cases/${id}#claims`);
    const [doc] = await documentsOf(claim.id);
    expect(doc).toMatchObject({ version: 1, fileName: '损失清单.pdf', mediaType: 'application/pdf', sizeBytes: bytes.length });
    const href = `/api/v1/claims/${claim.id}/documents/${doc?.id}`;
    const listed = await firm.get(`/cases/${id}`);
    expect(listed.text).toContain(`<a href="${href}">损失清单.pdf</a>`);
    expect(listed.text).toContain(`${bytes.length} B`);
    expect(listed.text).not.toContain('未上传理赔材料。');
    // the heading names the table once; its uploads are numbered, not versions
    expect(listed.text.split(`理赔 ${claim.number} 的材料`)).toHaveLength(2);
    expect(listed.text).toContain(`<table class="stack" aria-labelledby="claim-${claim.id}">`);
    const claimTable = listed.text.slice(listed.text.indexOf(`aria-labelledby="claim-${claim.id}">`));
    expect(claimTable.slice(0, claimTable.indexOf('</thead>'))).toMatch(/<th[^>]*>序号<\/th>/);
    expect(claimTable.slice(0, claimTable.indexOf('</thead>'))).not.toContain('版本');

    const insurer = await signedIn(w.people.insurer.email);
    const seen = await insurer.get(`/cases/${id}`);
    expect(seen.text).toContain(`<a href="${href}">损失清单.pdf</a>`);
    // the decision comes after the documents it is taken on, in the claim's own part of the page
    const part = seen.text.slice(seen.text.indexOf(`<section class="claim-file" aria-labelledby="claim-${claim.id}">`));
    expect(part.indexOf(href)).toBeGreaterThan(0);
    expect(part.indexOf('请先查阅以上理赔材料，再作出赔付或拒赔决定。')).toBeGreaterThan(part.indexOf(href));
    expect(part.indexOf(`action="/claims/${claim.id}/events#c-${claim.id}-PAY"`)).toBeGreaterThan(part.indexOf(href));
    expect(seen.text).not.toContain(`action="/claims/${claim.id}/documents`);
    const file = await insurer.get(href);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(file.text).toBe(bytes.toString('latin1'));
    // the provincial and the city's reviewers see the claims, and so its documents; another insurer does not
    for (const who of [w.people.provincial.email, w.people.municipal.email]) {
      const b = await signedIn(who);
      const theirs = await b.get(`/cases/${id}`);
      expect(theirs.text, who).toContain(`<a href="${href}">损失清单.pdf</a>`);
      expect(theirs.text, who).not.toContain(`action="/claims/${claim.id}/documents`);
      expect((await b.get(href)).status, who).toBe(200);
    }
    expect((await (await signedIn(w.people.otherInsurer.email)).get(href)).status).toBe(404);

    // in English too
    insurer.cookies.set('fb_lang', 'en');
    const english = await insurer.get(`/cases/${id}`);
    expect(english.text.split(`Documents of claim ${claim.number}`)).toHaveLength(2);
    expect(english.text).toMatch(/<th[^>]*>No\.<\/th>/);
    expect(english.text).toContain('Read the documents above before paying or denying the claim.');
  });

  it("lists each claim's documents under that claim, in the order they were uploaded", async () => {
    const id = await w.caseIn('approved');
    const first = await reported(id);
    const second = await reported(id);
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
    const sent: [string, string, Buffer, string][] = [
      [first.id, '损失清单.pdf', pdfBytes('loss list'), 'application/pdf'],
      [second.id, '检测报告.pdf', pdfBytes('test report'), 'application/pdf'],
      [first.id, '现场照片.png', pngBytes(1), 'image/png'],
    ];
    for (const [claimId, name, bytes, type] of sent) {
      expect((await firm.postMultipart(`/claims/${claimId}/documents`, uploadForm(csrf, { bytes, name, type }))).status, name).toBe(303);
    }
    const page = (await firm.get(`/cases/${id}`)).text;
    const listedUnder = (claimId: string) => {
      const part = page.slice(page.indexOf(`<section class="claim-file" aria-labelledby="claim-${claimId}">`));
      return [...part.slice(0, part.indexOf('</section>')).matchAll(/<a href="\/api\/v1\/claims\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    };
    expect(listedUnder(first.id)).toEqual(['损失清单.pdf', '现场照片.png']);
    expect(listedUnder(second.id)).toEqual(['检测报告.pdf']);
  });

  it('switches language back to the case after a refused upload, not to the dashboard', async () => {
    const id = await w.caseIn('approved');
    const claim = await reported(id);
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    const form = uploadForm(PageClient.csrfOf(page.text), null);
    form.append('_page', PageClient.hiddenOf(page.text, '_page'));
    const none = await firm.postMultipart(`/claims/${claim.id}/documents`, form);
    expect(none.status).toBe(400);
    expect(PageClient.hiddenOf(none.text, 'back')).toBe(`/cases/${id}`);
  });

  it('says beside the upload form, in the page\'s language, that no file or a file of another kind was sent, and keeps nothing', async () => {
    const id = await w.caseIn('approved');
    const claim = await reported(id);
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
    const none = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf, null));
    expect(none.status).toBe(400);
    expect(none.text).toContain(`<p class="error" id="cu-${claim.id}-file-error"><span>未上传文件</span></p>`);
    expect(none.text).toMatch(new RegExp(`id="cu-${claim.id}-file" name="file"[^>]* aria-invalid="true"`));
    const text = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf, { bytes: Buffer.from('just text, no document'), name: 'note.txt', type: 'text/plain' }));
    expect(text.status).toBe(415);
    expect(text.text).toContain('文件须为 PDF、JPEG、PNG 或 OFD 格式（按文件内容判断）');
    // a file named as a PDF is judged from its bytes
    const disguised = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf, { bytes: Buffer.from('just text, no document'), name: '损失清单.pdf', type: 'application/pdf' }));
    expect(disguised.status).toBe(415);
    expect(disguised.text).toContain(`id="cu-${claim.id}-file-error"`);
    firm.cookies.set('fb_lang', 'en');
    const english = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf, null));
    expect(english.status).toBe(400);
    expect(english.text).toContain('<span>no file was sent</span>');
    expect(await documentsOf(claim.id)).toEqual([]);
  });

  it('refuses a document to a decided claim with a clear 409 on the page, and offers no more upload form', async () => {
    const id = await w.caseIn('approved');
    const claim = await reported(id);
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
    expect((await t.api.post(`/claims/${claim.id}/events`, { type: 'DENY', reason: '不属于保险责任范围' }, w.tokens.insurer)).status).toBe(200);
    const late = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf));
    expect(late.status).toBe(409);
    expect(late.text).toContain('保险公司已对此理赔作出决定，不能再上传材料。');
    expect(late.text).not.toContain(`action="/claims/${claim.id}/documents`);
    expect(await documentsOf(claim.id)).toEqual([]);
    firm.cookies.set('fb_lang', 'en');
    const english = await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf));
    expect(english.status).toBe(409);
    expect(english.text).toContain('The insurer has decided this claim: no more documents can be added to it.');
  });

  it('refuses the upload to the insurer, another firm, the reviewers, an expert and finance, and to the firm without its form token, taking it only from the firm with its token', async () => {
    const id = await w.caseIn('approved');
    const claim = await reported(id);
    const refusals: [string, number][] = [
      [w.people.insurer.email, 403],
      [w.people.municipal.email, 403],
      [w.people.provincial.email, 403],
      [w.people.otherFirm.email, 404],
      [w.people.otherMunicipal.email, 404],
      [w.people.expert.email, 404],
      [w.people.finance.email, 404],
    ];
    for (const [who, status] of refusals) {
      const b = await signedIn(who);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      const res = await b.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf));
      expect(res.status, who).toBe(status);
      // who may upload is settled before the file is read: a file of another kind is not judged for them
      const text = await b.postMultipart(`/claims/${claim.id}/documents`, uploadForm(csrf, { bytes: Buffer.from('just text, no document'), name: 'note.txt', type: 'text/plain' }));
      expect(text.status, who).toBe(status);
    }
    // a visitor is sent to sign in
    const visitor = new PageClient(t.url);
    const anonymous = await visitor.postMultipart(`/claims/${claim.id}/documents`, uploadForm(PageClient.csrfOf((await visitor.get('/login')).text)));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${id}`);
    expect((await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(null))).status).toBe(403);
    expect((await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm('x'.repeat(43)))).status).toBe(403);
    expect(await documentsOf(claim.id)).toEqual([]);
    expect((await firm.postMultipart(`/claims/${claim.id}/documents`, uploadForm(PageClient.csrfOf(page.text)))).status).toBe(303);
    expect((await documentsOf(claim.id)).length).toBe(1);
    // finance reads no claims: neither the claim nor its documents are on its page
    const finance = await (await signedIn(w.people.finance.email)).get(`/cases/${id}`);
    expect(finance.status).toBe(200);
    expect(finance.text).not.toContain(claim.number);
    expect(finance.text).not.toContain('损失清单.pdf');
  });
});
