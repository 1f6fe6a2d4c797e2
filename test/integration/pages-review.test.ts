import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { enterprises, notices, objections, recoveries, rounds, users } from '../../db/schema';
import { deliverEvent } from '../../server/engine/deliver';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';
import { FAILING_SCORES, PASSING_SCORES } from '../support/world';
import { defaultRubric, factoryDates, makeRound } from '../../seeds/factories';

// The review stage's forms without a browser (the journey is test/e2e/review.test.ts): who is
// refused on them, and a form without its token. The refusals come from the services the API uses.
const { t, w } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};
const stateOf = async (id: string) => (await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.provincial)).body.state;
const csrfFor = async (b: PageClient, path = '/') => PageClient.csrfOf((await b.get(path)).text);
/** The notices of this file's round: other files publish notices of their own rounds meanwhile. */
const noticesOfRound = async () => (await t.app.db.select({ id: notices.id }).from(notices).where(eq(notices.roundId, w.round.id))).length;

async function assignedPanel() {
  const id = await w.caseIn('expert');
  const panel = await w.makeExperts(3);
  const res = await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial);
  if (res.status !== 200) throw new Error(`assigning failed: ${res.status}`);
  return { id, panel };
}

/** A case with its panel assigned, whose first expert has accepted and is signed in to the pages. */
async function acceptedByOne() {
  const { id, panel } = await assignedPanel();
  const expert = panel[0];
  if (!expert) throw new Error('no expert');
  expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, expert.token)).status).toBe(200);
  return { id, panel, expert, b: await signedIn(expert.user.email) };
}

async function onNoticeWithObjection() {
  const caseId = await w.caseIn('awaitingNotice');
  const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
  const filed = await t.api.post<{ id: string; reference: string }>(`/public/notices/${published.body.id}/objections`, { caseId, name: '王五', contact: 'wang.wu@example.com', reason: '该材料已有多年销售记录，并非首批次应用。' });
  if (filed.status !== 201) throw new Error(`objecting failed: ${filed.status}`);
  return { caseId, noticeId: published.body.id, objectionId: filed.body.id, reference: filed.body.reference };
}

describe('the expert assignment form', () => {
  it('offers the provincial reviewer the experts, with the conflict the system sees beside the expert', async () => {
    const id = await w.caseIn('expert');
    const [conflicted] = await w.makeExperts(1, { name: '赵关联', organisationUscc: w.firm.uscc });
    const reviewer = await signedIn(w.people.provincial.email);
    const first = (await reviewer.get(`/cases/${id}`)).text;
    expect(first).toContain('<h3 id="d-ASSIGN_EXPERTS">指派评审专家</h3>');
    // a first assignment asks for the panel's size
    expect(first).toMatch(/请选择评审专家（至少 \d+ 位）/);
    // the pool of experts is long: the reviewer finds one by name, the search kept in its field
    const page = await reviewer.get(`/cases/${id}?expert=${encodeURIComponent(conflicted?.user.email ?? '')}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`name="expert" value="${conflicted?.user.email}"`);
    expect(page.text).toContain('<h3 id="d-ASSIGN_EXPERTS">指派评审专家</h3>');
    expect(page.text).toContain(`value="${conflicted?.user.id}"`);
    // the party is named, not its code alone
    expect(page.text).toContain(`利益冲突：任职于申报企业 ${w.firm.name}（${w.firm.uscc}）`);
  });

  it('refuses the firm, the municipal reviewer, the insurer and finance, and assigns nothing', async () => {
    const id = await w.caseIn('expert');
    const [expert] = await w.makeExperts(1);
    for (const [who, status] of [
      [w.people.firm.email, 403],
      [w.people.municipal.email, 403],
      [w.people.insurer.email, 403],
      [w.people.finance.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const page = await b.get(`/cases/${id}`);
      if (page.status === 200) expect(page.text, who).not.toContain('d-ASSIGN_EXPERTS');
      const res = await b.post(`/cases/${id}/events`, { _csrf: await csrfFor(b), type: 'ASSIGN_EXPERTS', expertIds: expert?.user.id ?? '' });
      expect(res.status, who).toBe(status);
    }
    expect((await t.api.get<{ experts: unknown[] }>(`/cases/${id}`, w.tokens.provincial)).body.experts).toEqual([]);
  });

  it('asks beside the list for as many experts as the round needs, counting those chosen, in both languages', async () => {
    const id = await w.caseIn('expert');
    const two = await w.makeExperts(2);
    const b = await signedIn(w.people.provincial.email);
    const page = await b.get(`/cases/${id}`);
    const form = { _csrf: PageClient.csrfOf(page.text), type: 'ASSIGN_EXPERTS', expertIds: two.map((e) => e.user.id) };
    const res = await b.post(`/cases/${id}/events`, form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="a-expertIds-error"[^>]*>\s*<span>请至少选择 3 位专家（已选 2 位）<\/span>/);
    expect(res.text).not.toContain('无利益冲突的专家人数不足');
    // and announced at the top of the form, linked to the list
    expect(res.text).toMatch(/<div class="problems" role="alert">.*<a href="#a-expertIds">[^<]*请至少选择 3 位专家（已选 2 位）<\/a>/s);
    expect(res.text).toContain('<fieldset id="a-expertIds"');
    b.cookies.set('fb_lang', 'en');
    const english = await b.post(`/cases/${id}/events`, form);
    expect(english.text).toMatch(/id="a-expertIds-error"[^>]*>\s*<span>choose at least 3 experts \(2 chosen\)<\/span>/);
    expect((await t.api.get<{ experts: unknown[] }>(`/cases/${id}`, w.tokens.provincial)).body.experts).toEqual([]);
  });

  it('refuses a form without its token', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    const b = await signedIn(w.people.provincial.email);
    await b.get(`/cases/${id}`);
    const res = await b.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel[0]?.user.id ?? '' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('表单已失效或来源不明');
    expect(await stateOf(id)).toBe('expert');
  });
});

describe("the experts' own deadlines", () => {
  it('say whose they are to the provincial reviewer and to the expert, and to nobody else', async () => {
    // each expert by a name of their own, so that the order below says something
    const id = await w.caseIn('expert');
    const panel = [...(await w.makeExperts(1, { name: '甲专家' })), ...(await w.makeExperts(1, { name: '乙专家' })), ...(await w.makeExperts(1, { name: '丙专家' }))];
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const [first, second] = panel;
    if (!first || !second) throw new Error('no experts');
    const clocksOf = async (email: string) => {
      const text = (await (await signedIn(email)).get(`/cases/${id}`)).text;
      return text.slice(text.indexOf('id="clocks"'), text.indexOf('</section>', text.indexOf('id="clocks"')));
    };
    const provincial = await clocksOf(w.people.provincial.email);
    for (const e of panel) expect(provincial).toContain(`<strong>专家评审（${e.user.name}）</strong>`);
    // in the order they were assigned, whatever their ids
    const places = panel.map((e) => provincial.indexOf(`<strong>专家评审（${e.user.name}）</strong>`));
    expect(places).toEqual([...places].sort((a, b) => a - b));
    const own = await clocksOf(first.user.email);
    expect(own).toContain('<strong>专家评审（本人）</strong>');
    expect(own).not.toContain(second.user.name);
    const firm = await clocksOf(w.people.firm.email);
    for (const e of panel) expect(firm).not.toContain(e.user.name);
  });

  it("name each assigned expert to the provincial reviewer whatever the assignment form's search lists", async () => {
    const id = await w.caseIn('expert');
    const panel = [];
    for (let i = 0; i < 3; i++) panel.push(...(await w.makeExperts(1, { name: `专家 ${randomUUID()}` })));
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    // a search that finds none of them: the panel and the deadlines still say who they are
    const text = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}?expert=${encodeURIComponent(`无此人 ${randomUUID()}`)}`)).text;
    for (const e of panel) {
      expect(text).toContain(`<strong>专家评审（${e.user.name}）</strong>`);
      expect(text).toContain(`>${e.user.name}</td>`);
      expect(text).not.toContain(`>${e.user.id}</td>`);
    }
    // an expert deactivated since is still named on the panel they sat on
    const gone = panel[2];
    if (!gone) throw new Error('no expert');
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, gone.user.id));
    const later = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text;
    expect(later).toContain(`>${gone.user.name}</td>`);
    expect(later).not.toContain(`>${gone.user.id}</td>`);
  });
});

describe('declining an assignment', () => {
  it('takes the expert to their inbox with word of it, not to a case page they no longer see', async () => {
    const { id, panel } = await assignedPanel();
    const expert = panel[0];
    if (!expert) throw new Error('no expert');
    const b = await signedIn(expert.user.email);
    const page = await b.get(`/cases/${id}`);
    const declined = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'DECLINE_ASSIGNMENT', reason: '与申报企业存在利益关系' });
    expect(declined.status).toBe(303);
    expect(declined.headers.get('location')).toBe('/inbox?done=declined');
    const inbox = await b.get('/inbox?done=declined');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain('已谢绝该评审任务，省级审核人员将另行指派专家。');
    expect(inbox.text).not.toContain(`href="/cases/${id}"`);
    // the provincial reviewer replaces one expert: not asked for a whole panel again
    const replace = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text;
    expect(replace).toContain('<h3 id="d-ASSIGN_EXPERTS">替换或增补评审专家</h3>');
    expect(replace).not.toMatch(/请选择评审专家（至少/);
    // one who still sees the case after a step goes back to it
    const other = panel[1];
    if (!other) throw new Error('no expert');
    const c = await signedIn(other.user.email);
    const accepted = await c.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await c.get(`/cases/${id}`)).text), type: 'ACCEPT_ASSIGNMENT', noConflict: 'on' });
    expect(accepted.headers.get('location')).toBe(`/cases/${id}?done=ACCEPT_ASSIGNMENT`);
  });

  it('offers to replace only the experts who may be replaced: one who declined, and one whose account was deactivated, marked so', async () => {
    const { id, panel } = await assignedPanel();
    const [declining, gone, onTime] = panel;
    if (!declining || !gone || !onTime) throw new Error('no panel');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'DECLINE_ASSIGNMENT', reason: '出差' }, declining.token)).status).toBe(200);
    await t.app.db.update(users).set({ active: false }).where(eq(users.id, gone.user.id));
    const page = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text;
    const select = page.slice(page.indexOf('<select id="a-replaces"'), page.indexOf('</select>', page.indexOf('<select id="a-replaces"')));
    expect(select).toContain(`value="${declining.user.id}"`);
    expect(select).toMatch(new RegExp(`value="${gone.user.id}"[^>]*>[^<]*· 账号已停用<`));
    expect(select).not.toContain(`value="${onTime.user.id}"`);
    // the panel says it too
    expect(page).toContain('<span class="badge overdue"> 账号已停用</span>');
  });

  it('says on the inbox that a step took the case out of sight, and nothing for a word it does not know', async () => {
    const b = await signedIn(w.people.provincial.email);
    expect((await b.get('/inbox?done=left')).text).toContain('<p role="status" class="done">已办理。此申请已不在您的查看范围内。</p>');
    expect((await b.get('/inbox?done=elsewhere')).text).not.toContain('class="done"');
  });
});

describe('the score form', () => {
  it('shows the rubric to an expert of the panel, refuses a score above its maximum beside its field, and then shows the score read-only', async () => {
    const { id, b } = await acceptedByOne();
    const page = await b.get(`/cases/${id}`);
    expect(page.text).toContain('技术先进性 / innovation（权重 1，满分 30 分）');
    expect(page.text).toMatch(/name="scores\.innovation" min="0" max="30" step="1"/);
    const form = { _csrf: PageClient.csrfOf(page.text), type: 'SCORE', 'scores.innovation': '35', 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求', confirmFinal: 'on' };
    const refused = await b.post(`/cases/${id}/events`, form);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/<p class="error" id="s-innovation-error"><span>技术先进性 \/ innovation：最高 30 分<\/span><\/p>/);
    expect(refused.text).toMatch(/name="scores\.innovation"[^>]*value="35"[^>]*aria-invalid="true"/);

    const words = await b.post(`/cases/${id}/events`, { ...form, 'scores.innovation': 'abc' });
    expect(words.status).toBe(400);
    expect(words.text).toContain('id="s-innovation-error"');
    // a number with a fraction is a number: what is wrong with it is that points are whole
    const fraction = await b.post(`/cases/${id}/events`, { ...form, 'scores.innovation': '10.5' });
    expect(fraction.status).toBe(400);
    expect(fraction.text).toMatch(/id="s-innovation-error"><span>应填写整数<\/span>/);

    const done = await b.post(`/cases/${id}/events`, { ...form, 'scores.innovation': '25' });
    expect(done.status).toBe(303);
    const after = await b.get(`/cases/${id}`);
    expect(after.text).toContain('您已提交评分，以下为提交的内容（不可修改）。');
    expect(after.text).not.toContain('id="d-SCORE"');
    expect(after.text).toContain('<td data-label="总分" class="num">80.00</td>');
  });

  it('refuses an expert who is not on the panel (the case answers 404), and the other roles', async () => {
    const { id } = await assignedPanel();
    const [outsider] = await w.makeExperts(1);
    const form = { type: 'SCORE', 'scores.innovation': '25', 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求' };
    for (const [who, status] of [
      [outsider?.user.email ?? '', 404],
      [w.people.firm.email, 403],
      [w.people.municipal.email, 403],
      [w.people.insurer.email, 403],
      [w.people.finance.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const res = await b.post(`/cases/${id}/events`, { _csrf: await csrfFor(b), ...form });
      expect(res.status, who).toBe(status);
    }
    expect(await stateOf(id)).toBe('expert');
  });

  it('refuses a score form with a criterion sent twice, saying so beside it, keeping the form, and records nothing', async () => {
    const { id, expert, b } = await acceptedByOne();
    const page = await b.get(`/cases/${id}`);
    const form = { _csrf: PageClient.csrfOf(page.text), type: 'SCORE', 'scores.innovation': ['25', '5'], 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求', confirmFinal: 'on' };
    const refused = await b.post(`/cases/${id}/events`, form);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/<p class="error" id="s-innovation-error"><span>[^<]*此项只能填写一个值：表单重复提交了该项<\/span><\/p>/);
    expect(refused.text).toMatch(/name="scores\.innovation"[^>]*value="25"[^>]*aria-invalid="true"/);
    expect(refused.text).toMatch(/name="scores\.market"[^>]*value="15"/);
    expect(refused.text).toContain('指标达到目录要求</textarea>');
    const answer = await t.api.get<{ experts: { mine: boolean; status: string; scores: unknown }[]; version: number }>(`/cases/${id}`, expert.token);
    expect(answer.body.experts.find((e) => e.mine)).toMatchObject({ status: 'accepted', scores: null });
    const history = await t.api.get<{ items: { eventType: string }[] }>(`/cases/${id}/history`, w.tokens.provincial);
    expect(history.body.items.map((e) => e.eventType)).not.toContain('SCORE');
    // the opinion twice too, each named; sent once each, the score is taken
    const both = await b.post(`/cases/${id}/events`, { ...form, _csrf: PageClient.csrfOf(refused.text), opinion: ['指标达到目录要求', '另一条'] });
    expect(both.status).toBe(400);
    expect(both.text).toContain('id="s-opinion-error"');
    const done = await b.post(`/cases/${id}/events`, { ...form, _csrf: PageClient.csrfOf(both.text), 'scores.innovation': '25' });
    expect(done.status).toBe(303);
    expect((await t.api.get<{ experts: { mine: boolean; status: string }[] }>(`/cases/${id}`, expert.token)).body.experts.find((e) => e.mine)?.status).toBe('scored');
  });

  it('refuses a score form with a field sent twice to everyone who may not score, showing them no form and recording nothing', async () => {
    const { id } = await assignedPanel();
    const [outsider] = await w.makeExperts(1);
    const form = { type: 'SCORE', 'scores.innovation': ['25', '5'], 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求', confirmFinal: 'on' };
    for (const [who, status] of [
      [outsider?.user.email ?? '', 404],
      [w.people.firm.email, 400],
      [w.people.provincial.email, 400],
      [w.people.finance.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const res = await b.post(`/cases/${id}/events`, { _csrf: await csrfFor(b), ...form });
      expect(res.status, who).toBe(status);
      expect(res.text, who).not.toContain('id="d-SCORE"');
    }
    const history = await t.api.get<{ items: { eventType: string }[] }>(`/cases/${id}/history`, w.tokens.provincial);
    expect(history.body.items.map((e) => e.eventType)).not.toContain('SCORE');
  });

  it('names every problem of a score at once, beside its field and in the summary at the top, keeping what was typed', async () => {
    const { id, b } = await acceptedByOne();
    const page = await b.get(`/cases/${id}`);
    // a criterion left empty, words, one above its maximum, one with a fraction, and no opinion: the
    // schema refuses the words, the fraction and the opinion, the rubric the empty one and the maximum
    const form = { _csrf: PageClient.csrfOf(page.text), type: 'SCORE', 'scores.innovation': '', 'scores.firstBatch': 'abc', 'scores.market': '25', 'scores.risk': '7.5', opinion: '', confirmFinal: 'on' };
    const refused = await b.post(`/cases/${id}/events`, form);
    expect(refused.status).toBe(400);
    const beside = (field: string) => new RegExp(`<p class="error" id="s-${field}-error"><span>([^<]*)</span></p>`).exec(refused.text)?.[1];
    expect({ innovation: beside('innovation'), firstBatch: beside('firstBatch'), market: beside('market'), risk: beside('risk'), opinion: beside('opinion') }).toEqual({
      innovation: '技术先进性 / innovation：请打分',
      firstBatch: '应填写数字',
      market: '市场与产业带动 / market impact：最高 20 分',
      risk: '应填写整数',
      opinion: '请填写评审意见',
    });
    // the summary lists the five, in the form's order, each linked to its field
    const summary = /<div class="problems" role="alert">([\s\S]*?)<\/div>/.exec(refused.text)?.[1] ?? '';
    expect([...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['s-innovation', '技术先进性 / innovation：请打分'],
      ['s-firstBatch', '首批次应用属性 / first-batch use：应填写数字'],
      ['s-market', '市场与产业带动 / market impact：最高 20 分'],
      ['s-risk', '风险保障合理性 / risk cover：应填写整数'],
      ['s-opinion', '评审意见：请填写评审意见'],
    ]);
    for (const [name, typed] of [['firstBatch', 'abc'], ['market', '25'], ['risk', '7.5']] as const) {
      expect(refused.text, name).toMatch(new RegExp(`name="scores\\.${name}"[^>]*value="${typed.replace('.', '\\.')}"[^>]*aria-invalid="true"`));
    }

    // in English, with a negative score, an opinion too long and a criterion the rubric does not have
    b.cookies.set('fb_lang', 'en');
    const english = await b.post(`/cases/${id}/events`, { ...form, 'scores.innovation': '-1', 'scores.beauty': '5', opinion: '长'.repeat(2001) });
    expect(english.status).toBe(400);
    const problems = /<div class="problems" role="alert">([\s\S]*?)<\/div>/.exec(english.text)?.[1] ?? '';
    expect([...problems.matchAll(/<li>(?:<a href="#[^"]+">)?([^<]*)/g)].map((m) => m[1])).toEqual([
      "beauty is not a criterion of the round&#39;s rubric",
      '技术先进性 / innovation: points cannot be negative',
      '首批次应用属性 / first-batch use: must be a number',
      '市场与产业带动 / market impact: at most 20 points',
      '风险保障合理性 / risk cover: points must be a whole number',
      'Opinion: at most 2000 characters',
    ]);
    expect(english.text).toContain('<textarea id="s-opinion" name="opinion"');
    expect(english.text).toContain('长'.repeat(2001));

    // mended, the score is taken
    b.cookies.set('fb_lang', 'zh');
    const done = await b.post(`/cases/${id}/events`, { ...form, 'scores.innovation': '25', 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求' });
    expect(done.status).toBe(303);
  });

  it('shows the rubric\'s formula, the total as typed and then as given, and the mean against the pass mark, as the service counts them', async () => {
    // weights with fractions, so that a total is no plain sum: 1.5 × innovation + 0.25 × market
    const round = await makeRound(t.app.db, {
      editionId: w.edition.id,
      insurerIds: [w.insurer.id],
      rubric: { criteria: [{ key: 'innovation', label: '技术先进性', maxPoints: 30, weight: 1.5 }, { key: 'market', label: '市场带动', maxPoints: 20, weight: 0.25 }], passMark: 30 },
    });
    const id = await w.caseIn('expert', { roundId: round.id });
    const panel = await w.makeExperts(3);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    for (const e of panel) expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, e.token)).status).toBe(200);
    const [first, second, third] = panel;
    if (!first || !second || !third) throw new Error('no panel');

    const b = await signedIn(first.user.email);
    const page = await b.get(`/cases/${id}`);
    expect(page.text).toContain('总分 = 1.5 × 技术先进性 + 0.25 × 市场带动（各项得分乘以权重后相加，四舍五入保留两位小数），满分 50 分。');
    expect(page.text).toContain('3 位专家评分后，取各位专家总分的平均分：达到及格分 30 分为通过，低于 30 分不予通过。');
    expect(page.text).toContain('填写各项得分后，这里显示您的总分。');
    // the total as the points are typed (htmx asks for it): 17 × 1.5 + 9 × 0.25
    const typed = await b.get(`/cases/${id}/score-total?scores.innovation=17&scores.market=9`);
    expect(typed.status).toBe(200);
    expect(typed.text).toBe('<p>您的总分：27.75 分（及格分 30 分）</p>');
    expect((await b.get(`/cases/${id}/score-total?scores.innovation=17&scores.market=25`)).text).toBe('<p>已填有效得分 1 / 2 项，合计 25.50 分（及格分 30 分）</p>');
    // without scripts, a refused form shows the total of what was typed
    const half = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'SCORE', 'scores.innovation': '17', 'scores.market': '9', opinion: '', confirmFinal: 'on' });
    expect(half.status).toBe(400);
    expect(half.text).toContain('<div id="s-total" class="score-total" aria-live="polite"><p>您的总分：27.75 分（及格分 30 分）</p></div>');
    expect((await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'SCORE', 'scores.innovation': '17', 'scores.market': '9', opinion: '创新性较好', confirmFinal: 'on' })).status).toBe(303);

    // given, the total on the page is the service's
    const own = (await t.api.get<{ experts: { mine: boolean; total: number | null }[] }>(`/cases/${id}`, first.token)).body.experts.find((e) => e.mine)?.total;
    expect(own).toBe(27.75);
    const after = await b.get(`/cases/${id}`);
    expect(after.text).toContain(`<p id="own-total">您的总分：${own?.toFixed(2)} 分（及格分 30 分）。是否通过以各位专家总分的平均分判定。</p>`);
    expect(after.text).toContain('<p id="expert-mean">已有 1 位专家评分（需 3 位），目前平均分 27.75 分，及格分 30 分；全部评分后判定。</p>');
    // an expert who has not scored sees neither the others' totals nor their mean
    const waiting = await (await signedIn(second.user.email)).get(`/cases/${id}`);
    expect(waiting.text).not.toContain('id="expert-mean"');
    expect(waiting.text).not.toContain('id="own-total"');

    // 21 × 1.5 + 7 × 0.25 = 33.25 and 19 × 1.5 + 11 × 0.25 = 31.25: the mean of the three is 30.75
    expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: { innovation: 21, market: 7 }, opinion: '同意' }, second.token)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: { innovation: 19, market: 11 }, opinion: '同意' }, third.token)).status).toBe(200);
    const answer = (await t.api.get<{ state: string; experts: { total: number | null }[] }>(`/cases/${id}`, w.tokens.provincial)).body;
    expect(answer.state).toBe('awaitingNotice');
    const totals = answer.experts.map((e) => e.total ?? NaN);
    const mean = (totals.reduce((x, y) => x + y, 0) / totals.length).toFixed(2);
    expect(mean).toBe('30.75');
    const reviewer = await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`);
    expect(reviewer.text).toContain(`<p id="expert-mean">3 位专家总分的平均分为 ${mean} 分，达到及格分 30 分：专家评审通过。</p>`);
    for (const total of totals) expect(reviewer.text).toContain(`<td data-label="总分" class="num">${total.toFixed(2)}</td>`);
    expect(reviewer.text).not.toContain('id="own-total"');
  });

  it("shows the mean of a panel that falls short below the pass mark, as the case's rejection has it", async () => {
    const id = await w.caseIn('expert');
    await w.expertsScore(id, FAILING_SCORES);
    expect(await stateOf(id)).toBe('rejected');
    const reviewer = await signedIn(w.people.provincial.email);
    reviewer.cookies.set('fb_lang', 'en');
    expect((await reviewer.get(`/cases/${id}`)).text).toContain("<p id=\"expert-mean\">The mean of the 3 experts&#39; totals is 40.00, below the pass mark of 60: the expert review is not passed.</p>");
    // the firm and the municipal reviewer see no experts, nor where their scores stand
    for (const who of [w.people.firm.email, w.people.municipal.email]) {
      const page = await (await signedIn(who)).get(`/cases/${id}`);
      expect(page.status, who).toBe(200);
      expect(page.text, who).not.toContain('id="expert-mean"');
    }
  });

  it('gives the total as typed only to the expert who may score the case', async () => {
    const { id, panel } = await assignedPanel();
    const [accepted, notYet] = panel;
    const [outsider] = await w.makeExperts(1);
    if (!accepted || !notYet || !outsider) throw new Error('no experts');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, accepted.token)).status).toBe(200);
    const path = `/cases/${id}/score-total?scores.innovation=20`;
    expect((await (await signedIn(accepted.user.email)).get(path)).status).toBe(200);
    for (const who of [notYet.user.email, outsider.user.email, w.people.provincial.email, w.people.firm.email, w.people.municipal.email, w.people.finance.email]) {
      const res = await (await signedIn(who)).get(path);
      expect(res.status, who).toBe(404);
      expect(res.text, who).not.toContain('30.00');
    }
    const anonymous = await new PageClient(t.url).get(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });

  it('shows the provincial reviewer every score and total of the panel', async () => {
    const id = await w.caseIn('expert');
    await w.expertsScore(id, PASSING_SCORES);
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`);
    expect(page.text.match(/<td data-label="总分" class="num">80\.00<\/td>/g)).toHaveLength(3);
    expect(page.text).toContain('技术先进性 / innovation：25 / 30');
  });
});

describe("the case page's next step in expert review", () => {
  const nextOf = (html: string) => /<span> 下一步：([^<]*)<\/span>|<span> Next step: ([^<]*)<\/span>/.exec(html)?.slice(1).find((x) => x !== undefined) ?? null;

  it('tells an expert to accept or decline, then to score by the rubric or decline, then that the others are awaited', async () => {
    const { id, panel } = await assignedPanel();
    const [expert, other] = panel;
    if (!expert || !other) throw new Error('no experts');
    const b = await signedIn(expert.user.email);
    expect(nextOf((await b.get(`/cases/${id}`)).text)).toBe('接受评审任务，或谢绝评审任务（如有利益冲突）');

    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, expert.token)).status).toBe(200);
    expect(nextOf((await b.get(`/cases/${id}`)).text)).toBe('按评分标准为本申请评分，或谢绝评审任务');

    expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: PASSING_SCORES, opinion: '指标达到目录要求' }, expert.token)).status).toBe(200);
    expect(nextOf((await b.get(`/cases/${id}`)).text)).toBe('您已评分，等待其他专家评分（已评分 1 位，需 3 位）');
    // the second score is counted for the first expert too: the quorum counts every expert's
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, other.token)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: PASSING_SCORES, opinion: '同意' }, other.token)).status).toBe(200);
    b.cookies.set('fb_lang', 'en');
    expect(nextOf((await b.get(`/cases/${id}`)).text)).toBe('you have scored; waiting for the other experts (2 scored of the 3 needed)');

    // the provincial reviewer, no expert of the panel, reads the task of the step the case is in
    const reviewer = await signedIn(w.people.provincial.email);
    expect(nextOf((await reviewer.get(`/cases/${id}`)).text)).toBe('专家评审（专家）');
    expect(nextOf((await reviewer.get(`/cases/${await w.caseIn('expert')}`)).text)).toBe('指派评审专家（省级审核）');
  });
});

describe("the case list's next step", () => {
  /** The 下一步 cell of the case's row on /cases, found by its number. */
  async function listedNext(b: PageClient, id: string): Promise<string | null> {
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.provincial)).body.number;
    const html = (await b.get(`/cases?q=${encodeURIComponent(number)}`)).text;
    const at = html.indexOf(`href="/cases/${id}"`);
    if (at < 0) return null;
    const row = html.slice(at, html.indexOf('</tr>', at));
    return /<td data-label="(?:下一步|Next step)">([^<]*)<\/td>/.exec(row)?.[1] ?? null;
  }
  const pageNext = async (b: PageClient, id: string) => /<span> 下一步：([^<]*)<\/span>/.exec((await b.get(`/cases/${id}`)).text)?.[1] ?? null;

  it("tells each reader their own next step, as the case page does: the expert's part, the insurer's check, else the step's", async () => {
    const { id, panel } = await assignedPanel();
    const [expert] = panel;
    if (!expert) throw new Error('no experts');
    const e = await signedIn(expert.user.email);
    expect(await listedNext(e, id)).toBe('接受评审任务，或谢绝评审任务（如有利益冲突）');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, expert.token)).status).toBe(200);
    expect(await listedNext(e, id)).toBe('按评分标准为本申请评分，或谢绝评审任务');
    expect(await listedNext(e, id)).toBe(await pageNext(e, id));

    // the firm and the province read the step the case is in: the experts' review, past the assigning
    const firm = await signedIn(w.people.firm.email);
    const province = await signedIn(w.people.provincial.email);
    expect(await listedNext(firm, id)).toBe('专家评审（专家）');
    expect(await listedNext(province, id)).toBe('专家评审（专家）');
    expect(await listedNext(province, id)).toBe(await pageNext(province, id));
    const unassigned = await w.caseIn('expert');
    expect(await listedNext(province, unassigned)).toBe('指派评审专家（省级审核）');

    // the insurer's check of the policy runs beside the municipal review: the insurer's own step
    const submitted = await w.submittedCase();
    expect(await listedNext(await signedIn(w.people.insurer.email), submitted)).toBe('核验保单（保险公司）');
    expect(await listedNext(firm, submitted)).toBe('市级初审（市级审核）');
    firm.cookies.set('fb_lang', 'en');
    expect(await listedNext(firm, submitted)).toBe('municipal review (Municipal reviewer)');
  });
});

describe('the notice publishing pages', () => {
  it('list the cases awaiting the notice for the provincial reviewer and publish the ticked ones', async () => {
    const id = await w.caseIn('awaitingNotice');
    const b = await signedIn(w.people.provincial.email);
    const page = await b.get('/review/notices');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`name="caseIds" value="${id}"`);
    const before = await noticesOfRound();
    const confirm = await b.post('/review/notices', { _csrf: PageClient.csrfOf(page.text), caseIds: id });
    // first the cases listed again, with the warning that a notice cannot be taken back; nothing published yet
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>确认发布公示</h1>');
    expect(confirm.text).toContain('以下 1 项申请将向社会公开');
    expect(confirm.text).toContain('不可撤回');
    expect(confirm.text).toContain(`<input type="hidden" name="caseIds" value="${id}"/>`);
    expect(confirm.text).toContain(`href="/cases/${id}"`);
    expect(confirm.text).toContain('确认发布（1 项申请）');
    expect(await noticesOfRound()).toBe(before);
    expect(await stateOf(id)).toBe('awaitingNotice');
    // going back keeps the choice
    const back = await b.post('/review/notices', { _csrf: PageClient.csrfOf(confirm.text), caseIds: id, confirm: 'back' });
    expect(back.status).toBe(200);
    expect(back.text).toMatch(new RegExp(`name="caseIds" value="${id}" checked`));
    expect(await noticesOfRound()).toBe(before);
    const res = await b.post('/review/notices', { _csrf: PageClient.csrfOf(confirm.text), caseIds: id, confirm: 'yes' });
    expect(res.status).toBe(303);
    const noticeId = /\/review\/notices\/([0-9a-f-]{36})\?published=1/.exec(res.headers.get('location') ?? '')?.[1];
    expect(noticeId).toBeDefined();
    expect(await stateOf(id)).toBe('notice');
    const staff = await b.get(res.headers.get('location') ?? '');
    expect(staff.status).toBe(200);
    expect(staff.text).toContain('公示已发布。');
    expect(staff.text).toMatch(/北京时间 \d{4}年\d{1,2}月\d{1,2}日 23:59:59，共 5 个工作日/);
  });

  it('show what a choice rests on: the firm, its city, the catalogue entry, the mean score and the subsidy to be granted, the case linked', async () => {
    const id = await w.caseIn('awaitingNotice');
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.provincial)).body.number;
    const [firm] = await t.app.db.select({ name: enterprises.name }).from(enterprises).where(eq(enterprises.id, w.firm.id));
    // a firm name with markup in it is shown as text
    await t.app.db.update(enterprises).set({ name: '<em>杭州</em>新材料有限公司' }).where(eq(enterprises.id, w.firm.id));
    try {
      const page = await (await signedIn(w.people.provincial.email)).get('/review/notices');
      expect(page.status).toBe(200);
      const row = page.text.split('<tr').find((r) => r.includes(`value="${id}"`)) ?? '';
      expect(row).toContain(`<label for="n-case-${id}">列入公示：${number}</label>`);
      expect(row).toContain(`<a href="/cases/${id}" aria-label="查看申请 ${number}">${number}</a>`);
      expect(row).toContain('&lt;em>杭州&lt;/em>新材料有限公司');
      expect(row).not.toContain('<em>杭州</em>');
      expect(row).toContain('杭州市');
      expect(row).toContain(`${w.entry.seq}. ${w.entry.name}`);
      // 25 + 25 + 15 + 15 from each of the three experts
      expect(row).toContain('80.00（合格线 60）');
      // the subsidy the public notice then proposes, by the same rule
      const published = await t.api.post<{ id: string }>('/notices', { caseIds: [id] }, w.tokens.provincial);
      const proposed = (await t.api.get<{ cases: { caseId: string; proposedSubsidy: string }[] }>(`/public/notices/${published.body.id}`)).body.cases.find((c) => c.caseId === id)?.proposedSubsidy;
      expect(proposed).toMatch(/^\d+\.\d{2}$/);
      expect(row).toContain(`>${(proposed ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}</td>`);
      expect((await (await signedIn(w.people.provincial.email)).get('/review/notices')).text).not.toContain(`value="${id}"`);
    } finally {
      await t.app.db.update(enterprises).set({ name: firm?.name ?? '' }).where(eq(enterprises.id, w.firm.id));
    }
  });

  it('answer 400 for a cursor the server never gave out', async () => {
    const page = await (await signedIn(w.people.provincial.email)).get('/review/notices?cursor=not-a-cursor');
    expect(page.status).toBe(400);
  });

  it("give the mean of every scoring expert's total, beside the pass mark frozen on the case", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    // the pass mark the case is scored against is the one frozen when its experts were assigned
    await t.app.db.update(rounds).set({ rubric: { ...defaultRubric, passMark: 65 } }).where(eq(rounds.id, w.round.id));
    try {
      expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    } finally {
      await t.app.db.update(rounds).set({ rubric: defaultRubric }).where(eq(rounds.id, w.round.id));
    }
    // 80, 70 and 67 points: a mean of 72.33
    const scores = [PASSING_SCORES, { innovation: 20, firstBatch: 20, market: 15, risk: 15 }, { innovation: 20, firstBatch: 20, market: 14, risk: 13 }];
    for (const [i, e] of panel.entries()) {
      expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, e.token)).status).toBe(200);
      expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: scores[i], opinion: '材料性能达到目录要求' }, e.token)).status).toBe(200);
    }
    const page = await (await signedIn(w.people.provincial.email)).get('/review/notices');
    const row = page.text.split('<tr').find((r) => r.includes(`value="${id}"`)) ?? '';
    expect(row).toContain('72.33（合格线 65）');
  });

  it('names a case that cannot go on the notice beside it, and publishes nothing', async () => {
    const early = await w.caseIn('municipal');
    const b = await signedIn(w.people.provincial.email);
    const before = await noticesOfRound();
    const again = await b.get('/review/notices');
    const refused = await b.post('/review/notices', { _csrf: PageClient.csrfOf(again.text), caseIds: early });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('不在待公示状态');
    expect(await noticesOfRound()).toBe(before);
    // confirmed straight away, past the list: the service refuses it all the same
    const confirmed = await b.post('/review/notices', { _csrf: PageClient.csrfOf(again.text), caseIds: early, confirm: 'yes' });
    expect(confirmed.status).toBe(422);
    expect(confirmed.text).toContain('不在待公示状态');
    expect(await noticesOfRound()).toBe(before);
    const none = await b.post('/review/notices', { _csrf: PageClient.csrfOf(again.text) });
    expect(none.status).toBe(400);
    expect(none.text).toContain('id="n-caseIds-error"');
    // said as what the check boxes want, in both languages
    expect(none.text).toMatch(/id="n-caseIds-error"[^>]*>\s*<span>请至少勾选一个申请。<\/span>/);
    expect(none.text).not.toContain('至少选择一项');
    b.cookies.set('fb_lang', 'en');
    const english = await b.post('/review/notices', { _csrf: PageClient.csrfOf(again.text) });
    expect(english.text).toMatch(/id="n-caseIds-error"[^>]*>\s*<span>Tick at least one application.<\/span>/);
  });

  it('refuse every other role, and a form without its token', async () => {
    const id = await w.caseIn('awaitingNotice');
    for (const who of [w.people.firm.email, w.people.municipal.email, w.people.insurer.email, w.people.finance.email, w.people.expert.email]) {
      const b = await signedIn(who);
      expect((await b.get('/review/notices')).status, who).toBe(403);
      expect((await b.post('/review/notices', { _csrf: await csrfFor(b), caseIds: id })).status, who).toBe(403);
      expect((await b.post('/review/notices', { _csrf: await csrfFor(b), caseIds: id, confirm: 'yes' })).status, who).toBe(403);
      // refused for who they are, before the form is read: not told what is wrong with it
      const empty = await b.post('/review/notices', { _csrf: await csrfFor(b) });
      expect(empty.status, who).toBe(403);
      expect(empty.text, who).not.toContain('id="n-caseIds-error"');
    }
    const anonymous = await new PageClient(t.url).get('/review/notices');
    expect(anonymous.status).toBe(303);
    const b = await signedIn(w.people.provincial.email);
    await b.get('/review/notices');
    expect((await b.post('/review/notices', { caseIds: id })).status).toBe(403);
    expect(await stateOf(id)).toBe('awaitingNotice');
  });

  it('say of a notice without objections that the notice, not an application, received none, in both languages', async () => {
    const caseId = await w.caseIn('awaitingNotice');
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    const b = await signedIn(w.people.provincial.email);
    const zh = await b.get(`/review/notices/${published.body.id}`);
    expect(zh.text).toContain('本次公示没有收到异议。');
    expect(zh.text).not.toContain('此申请没有收到异议');
    b.cookies.set('fb_lang', 'en');
    expect((await b.get(`/review/notices/${published.body.id}`)).text).toContain('No objection has been filed against this notice.');
  });

  it('show a notice with its objections and their personal data to the provincial reviewer only', async () => {
    const { noticeId, reference } = await onNoticeWithObjection();
    const provincial = await (await signedIn(w.people.provincial.email)).get(`/review/notices/${noticeId}`);
    expect(provincial.status).toBe(200);
    expect(provincial.text).toContain('王五（wang.wu@example.com）');
    // under the reference the objector was given
    expect(provincial.text).toContain(`<td data-label="受理编号">${reference}</td>`);
    for (const who of [w.people.firm.email, w.people.municipal.email, w.people.insurer.email, w.people.finance.email, w.people.expert.email]) {
      const res = await (await signedIn(who)).get(`/review/notices/${noticeId}`);
      expect(res.status, who).toBe(403);
      expect(res.text, who).not.toContain('wang.wu@example.com');
    }
    expect((await (await signedIn(w.people.provincial.email)).get(`/review/notices/${randomUUID()}`)).status).toBe(404);
  });
});

describe('the way to the notice publishing page', () => {
  it('is shown on a case awaiting its notice to the provincial reviewer only, not to the experts who scored it', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    await w.expertsScore(id, PASSING_SCORES, panel);
    expect(await stateOf(id)).toBe('awaitingNotice');
    expect((await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text).toContain('<a href="/review/notices">');
    const [e] = panel;
    const page = await (await signedIn(e?.user.email ?? '')).get(`/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="experts">');
    expect(page.text).not.toContain('href="/review/notices"');
  });
});

describe('text others typed, on the review pages', () => {
  const MARKUP = '<img src=x onerror=alert(1)>';
  // inside a quoted attribute (an aria-label) a "<" is text already: only the markup outside them counts
  const markupOf = (html: string) => html.replace(/="[^"]*"/g, '=""');

  it("shows an expert's opinion as text, never as markup", async () => {
    const { id, panel } = await assignedPanel();
    const [e] = panel;
    if (!e) throw new Error('no expert');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, e.token)).status).toBe(200);
    const scored = await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: PASSING_SCORES, opinion: `${MARKUP}性能达标` }, e.token);
    expect(scored.status).toBe(200);
    const page = await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)>性能达标');
    expect(markupOf(page.text)).not.toContain(MARKUP);
  });

  it("shows a member of the public's objection as text, never as markup, on the case and the notice", async () => {
    const caseId = await w.caseIn('awaitingNotice');
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    const filed = await t.api.post(`/public/notices/${published.body.id}/objections`, { caseId, name: `${MARKUP}王五`, contact: 'wang.wu@example.com', reason: `${MARKUP}已有多年销售记录，并非首批次应用。` });
    expect(filed.status).toBe(201);
    const b = await signedIn(w.people.provincial.email);
    for (const path of [`/cases/${caseId}`, `/review/notices/${published.body.id}`]) {
      const page = await b.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain('&lt;img src=x onerror=alert(1)>王五');
      expect(markupOf(page.text), path).not.toContain(MARKUP);
    }
  });
});

describe('the objection forms', () => {
  it('let the provincial reviewer dismiss an objection with a reason; an empty reason is refused beside it', async () => {
    const { caseId, objectionId } = await onNoticeWithObjection();
    const b = await signedIn(w.people.provincial.email);
    const page = await b.get(`/cases/${caseId}`);
    expect(page.text).toContain('该材料已有多年销售记录，并非首批次应用。');
    expect(page.text).toContain(`name="objectionId" value="${objectionId}"`);
    const empty = await b.post(`/cases/${caseId}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RESOLVE_OBJECTION', objectionId, outcome: 'dismissed', reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('请填写理由');
    expect(empty.text).toMatch(/id="o-[0-9a-f-]+-reason-error"/);
    const res = await b.post(`/cases/${caseId}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'RESOLVE_OBJECTION', objectionId, outcome: 'dismissed', reason: '经核实，检测报告真实有效' });
    expect(res.status).toBe(303);
    const [row] = await t.app.db.select().from(objections).where(eq(objections.id, objectionId));
    expect(row).toMatchObject({ status: 'dismissed', resolutionReason: '经核实，检测报告真实有效' });
    expect(await stateOf(caseId)).toBe('notice');
  });

  it('are refused to the firm, the municipal reviewer, the insurer and finance, who do not see who objected; and without a token', async () => {
    const { caseId, objectionId } = await onNoticeWithObjection();
    const form = { type: 'RESOLVE_OBJECTION', objectionId, outcome: 'upheld', reason: '异议属实' };
    for (const [who, status] of [
      [w.people.firm.email, 403],
      [w.people.municipal.email, 403],
      [w.people.insurer.email, 403],
      [w.people.finance.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const page = await b.get(`/cases/${caseId}`);
      expect(page.text, who).not.toContain('wang.wu@example.com');
      const res = await b.post(`/cases/${caseId}/events`, { _csrf: await csrfFor(b), ...form });
      expect(res.status, who).toBe(status);
    }
    const b = await signedIn(w.people.provincial.email);
    await b.get(`/cases/${caseId}`);
    expect((await b.post(`/cases/${caseId}/events`, form)).status).toBe(403);
    const [row] = await t.app.db.select().from(objections).where(eq(objections.id, objectionId));
    expect(row?.status).toBe('open');
    expect(await stateOf(caseId)).toBe('objection');
  });
});

describe('recovery on a paid case and the insurer’s claim decision', () => {
  async function paid(): Promise<string> {
    const id = await w.caseIn('approved');
    const batchId = randomUUID();
    for (const event of [{ type: 'BATCHED', batchId }, { type: 'BATCH_APPROVED', batchId }, { type: 'PAID', batchId, paymentId: `P-${id.slice(0, 8)}`, reference: 'REF', paidOn: '2026-12-01' }]) {
      expect(await deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [id] }, event })).toEqual({ applied: 1, refused: 0 });
    }
    return id;
  }

  it('lets the provincial reviewer start a recovery with a reason and finance record the amount in yuan and its reference', async () => {
    const id = await paid();
    const provincial = await signedIn(w.people.provincial.email);
    const page = await provincial.get(`/cases/${id}`);
    expect(page.text).toContain('<h3 id="d-START_RECOVERY">启动追回</h3>');
    expect((await provincial.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'START_RECOVERY', reason: '伪造保费发票' })).status).toBe(303);
    expect(await stateOf(id)).toBe('recovery');

    const finance = await signedIn(w.people.finance.email);
    const money = await finance.get(`/cases/${id}`);
    expect(money.text).toContain('<label for="d-RECOVERED-amount">金额（元）</label>');
    expect(money.text).toContain('<label for="d-RECOVERED-reference">银行流水号</label>');
    const wrong = await finance.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(money.text), type: 'RECOVERED', amount: '0.00', reference: 'BACK-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('id="d-RECOVERED-amount-error"');
    expect((await finance.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(money.text), type: 'RECOVERED', amount: '12500.50', reference: 'BACK-1' })).status).toBe(303);
    const [row] = await t.app.db.select().from(recoveries).where(eq(recoveries.caseId, id));
    expect(row).toMatchObject({ amountFen: 1_250_050n, reference: 'BACK-1' });
    expect(await stateOf(id)).toBe('recovered');
    // the recovery barred the firm (SPEC §1); the other tests of this world still submit its cases
    await t.app.db.update(enterprises).set({ bannedUntil: null }).where(eq(enterprises.id, w.firm.id));
  });

  it('refuses a recovery to the firm, the insurer and the municipal reviewer', async () => {
    const id = await paid();
    for (const who of [w.people.firm.email, w.people.insurer.email, w.people.municipal.email]) {
      const b = await signedIn(who);
      const res = await b.post(`/cases/${id}/events`, { _csrf: await csrfFor(b), type: 'START_RECOVERY', reason: '伪造保费发票' });
      expect(res.status, who).toBe(403);
    }
    expect(await stateOf(id)).toBe('paid');
  });

  it('lets the insurer deny a claim with a reason', async () => {
    const id = await w.caseIn('approved');
    const filed = await t.api.post<{ id: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'liability', amount: '50000.00', description: '下游设备损坏' }, w.tokens.firm);
    expect(filed.status).toBe(201);
    const insurer = await signedIn(w.people.insurer.email);
    const page = await insurer.get(`/cases/${id}`);
    expect(page.text).toContain('拒赔理由');
    const empty = await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: PageClient.csrfOf(page.text), caseId: id, type: 'DENY', reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('请填写');
    expect((await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: PageClient.csrfOf(page.text), caseId: id, type: 'DENY', reason: '不属于保险责任范围' })).status).toBe(303);
    expect((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text).toContain('不属于保险责任范围');
  });
});
