import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// The case page in expert review, without a browser: the assignment form marks the experts who
// declined the case earlier (a declared conflict keeps them off it), and an invited expert reads
// the rubric before accepting. The refusals come from the services the API uses.
const { t, w } = useTestApp();

const signedIn = async (email: string, lang: 'zh' | 'en' = 'zh') => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  if (lang === 'en') b.cookies.set('fb_lang', 'en');
  return b;
};
const send = (id: string, token: string, body: Record<string, unknown>) => t.api.post(`/cases/${id}/events`, body, token);
const CONFLICT = '本人曾为该企业提供技术咨询';
const BUSY = '出差，无法按期评审';
/** A checkbox of the assignment form, by the expert it names. */
const boxOf = (html: string, expertId: string) => new RegExp(`<input type="checkbox"[^>]*value="${expertId}"[^>]*>`).exec(html)?.[0] ?? '';

/**
 * A case whose first expert declared a conflict and second declined as too busy, both replaced,
 * so that they are offered again; the experts share a name of this test's own to be found by.
 */
async function bothReplaced() {
  const id = await w.caseIn('expert');
  const name = `专家 ${randomUUID()}`;
  const panel = await w.makeExperts(5, { name });
  const [conflicted, busy, staying, first, second] = panel;
  if (!conflicted || !busy || !staying || !first || !second) throw new Error('no panel');
  const steps: [string, Record<string, unknown>][] = [
    [w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [conflicted.user.id, busy.user.id, staying.user.id] }],
    [conflicted.token, { type: 'DECLINE_ASSIGNMENT', reason: CONFLICT, conflictOfInterest: true }],
    [busy.token, { type: 'DECLINE_ASSIGNMENT', reason: BUSY }],
    [w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [first.user.id], replaces: conflicted.user.id }],
    [w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [second.user.id], replaces: busy.user.id }],
  ];
  for (const [token, body] of steps) {
    const res = await send(id, token, body);
    if (res.status !== 200) throw new Error(`${String(body.type)} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { id, name, conflicted, busy, staying };
}

describe('the expert assignment form, for experts who declined the case earlier', () => {
  it('marks one who declared a conflict with their reason and offers no box to tick; one who was busy is marked and may be ticked', async () => {
    const { id, name, conflicted, busy, staying } = await bothReplaced();
    const reviewer = await signedIn(w.people.provincial.email);
    const page = await reviewer.get(`/cases/${id}?expert=${encodeURIComponent(name)}`);
    expect(page.status).toBe(200);
    const barred = boxOf(page.text, conflicted.user.id);
    expect(barred).toContain(' disabled');
    expect(barred).toContain(`aria-describedby="a-expert-${conflicted.user.id}-declined"`);
    expect(page.text).toContain(`<span class="conflict" id="a-expert-${conflicted.user.id}-declined">曾声明与本申请存在利益冲突，不能再指派：${CONFLICT}</span>`);
    const offered = boxOf(page.text, busy.user.id);
    expect(offered).not.toBe('');
    expect(offered).not.toContain('disabled');
    expect(page.text).toContain(`<span class="declined-before" id="a-expert-${busy.user.id}-declined">曾谢绝评审本申请：${BUSY}</span>`);
    // an expert still on the panel is not offered, and nobody else is marked
    expect(boxOf(page.text, staying.user.id)).toBe('');
    expect(page.text.match(/class="declined-before"/g)).toHaveLength(1);

    const english = await (await signedIn(w.people.provincial.email, 'en')).get(`/cases/${id}?expert=${encodeURIComponent(name)}`);
    expect(english.text).toContain(`Declared a conflict of interest on this application and cannot be assigned to it again: ${CONFLICT}`);
    expect(english.text).toContain(`Declined this application earlier: ${BUSY}`);
  });

  it('refuses a form that names one who declared a conflict, saying who and why, and assigns the busy one', async () => {
    const { id, name, conflicted, busy } = await bothReplaced();
    const reviewer = await signedIn(w.people.provincial.email);
    const csrf = PageClient.csrfOf((await reviewer.get(`/cases/${id}`)).text);
    const refused = await reviewer.post(`/cases/${id}/events`, { _csrf: csrf, type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id, conflicted.user.id] });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(`${conflicted.user.name}已声明与本申请存在利益冲突，不能再指派：${CONFLICT}`);
    // shown again among the experts searched for (the list is capped), the busy one stays ticked and
    // the barred one is not ticked, as a disabled box would not be sent
    const searched = await reviewer.post(`/cases/${id}/events?expert=${encodeURIComponent(name)}`, { _csrf: PageClient.csrfOf(refused.text), type: 'ASSIGN_EXPERTS', expertIds: [busy.user.id, conflicted.user.id] });
    expect(searched.status).toBe(422);
    expect(boxOf(searched.text, busy.user.id)).toMatch(/ checked/);
    expect(boxOf(searched.text, conflicted.user.id)).toContain(' disabled');
    expect(boxOf(searched.text, conflicted.user.id)).not.toMatch(/ checked/);
    const statusOf = async (expertId: string) =>
      (await t.api.get<{ experts: { expertId: string; status: string }[] }>(`/cases/${id}`, w.tokens.provincial)).body.experts.filter((e) => e.expertId === expertId).map((e) => e.status);
    expect(await statusOf(busy.user.id)).toEqual(['replaced']);

    const assigned = await reviewer.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(searched.text), type: 'ASSIGN_EXPERTS', expertIds: busy.user.id });
    expect(assigned.status).toBe(303);
    expect(await statusOf(busy.user.id)).toEqual(['replaced', 'assigned']);
    // invited again, they read the rubric beside accept and decline, as at their first invitation
    const again = await (await signedIn(busy.user.email)).get(`/cases/${id}`);
    expect(again.text).toContain('<h3 id="rubric">评分标准</h3>');
    expect(again.text).toContain('value="ACCEPT_ASSIGNMENT"');
  });

  it('keeps every ticked expert ticked when the form is refused, those the search does not find listed first', async () => {
    const { id, name, conflicted, busy } = await bothReplaced();
    const [outside] = await w.makeExperts(1, { name: `另一位专家 ${randomUUID()}` });
    if (!outside) throw new Error('no expert');
    const reviewer = await signedIn(w.people.provincial.email);
    const csrf = PageClient.csrfOf((await reviewer.get(`/cases/${id}`)).text);
    // searched by this test's own name, which the outside expert does not share
    const refused = await reviewer.post(`/cases/${id}/events?expert=${encodeURIComponent(name)}`, { _csrf: csrf, type: 'ASSIGN_EXPERTS', expertIds: [outside.user.id, conflicted.user.id] });
    expect(refused.status).toBe(422);
    const kept = boxOf(refused.text, outside.user.id);
    expect(kept).toMatch(/ checked/);
    // before the experts only the search found, unticked
    const unticked = boxOf(refused.text, busy.user.id);
    expect(unticked).not.toMatch(/ checked/);
    expect(refused.text.indexOf(kept)).toBeLessThan(refused.text.indexOf(unticked));
    // sent back as shown, it assigns the one kept
    const assigned = await reviewer.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(refused.text), type: 'ASSIGN_EXPERTS', expertIds: outside.user.id });
    expect(assigned.status).toBe(303);
    // a search alone still lists only what it finds
    expect(boxOf((await reviewer.get(`/cases/${id}?expert=${encodeURIComponent(name)}`)).text, outside.user.id)).toBe('');
  });

  it('refuses the form naming them to every other role, and the expert who declared it, without a word of the declaration', async () => {
    const { id, conflicted } = await bothReplaced();
    for (const [who, status] of [
      [w.people.firm.email, 403],
      [w.people.municipal.email, 403],
      [w.people.insurer.email, 403],
      [w.people.finance.email, 404],
      [w.people.admin.email, 404],
      [conflicted.user.email, 404],
    ] as const) {
      const b = await signedIn(who);
      const page = await b.get(`/cases/${id}`);
      expect(page.text, who).not.toContain(CONFLICT);
      const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await b.get('/')).text), type: 'ASSIGN_EXPERTS', expertIds: conflicted.user.id });
      expect(res.status, who).toBe(status);
      expect(res.text, who).not.toContain(CONFLICT);
    }
  });
});

describe('the expert assignment form, naming an expert already on the panel', () => {
  async function onPanel() {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [fresh] = await w.makeExperts(1, { name: `新专家 ${randomUUID()}` });
    const [sitting] = panel;
    if (!fresh || !sitting) throw new Error('no expert');
    return { id, fresh, sitting };
  }

  it('is refused in the form, saying who, with the other ticked expert kept, and nothing assigned', async () => {
    const { id, fresh, sitting } = await onPanel();
    const reviewer = await signedIn(w.people.provincial.email);
    const csrf = PageClient.csrfOf((await reviewer.get(`/cases/${id}`)).text);
    const refused = await reviewer.post(`/cases/${id}/events`, { _csrf: csrf, type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id, sitting.user.id] });
    expect(refused.status).toBe(422);
    const form = /<form method="post" action="[^"]*#d-ASSIGN_EXPERTS"[\s\S]*?<\/form>/.exec(refused.text)?.[0] ?? '';
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain(`${sitting.user.name}已在本申请的评审专家名单中（待接受），不能重复指派`);
    expect(boxOf(form, fresh.user.id)).toMatch(/ checked/);
    // one on the panel is offered no box of their own
    expect(boxOf(form, sitting.user.id)).toBe('');
    const experts = (await t.api.get<{ experts: { expertId: string }[] }>(`/cases/${id}`, w.tokens.provincial)).body.experts.map((e) => e.expertId);
    expect(experts).not.toContain(fresh.user.id);
    expect(experts.filter((e) => e === sitting.user.id)).toHaveLength(1);

    const english = await signedIn(w.people.provincial.email, 'en');
    const inEnglish = await english.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await english.get(`/cases/${id}`)).text), type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id, sitting.user.id] });
    expect(inEnglish.text).toContain(`${sitting.user.name} is already on this case&#39;s panel (not yet accepted) and cannot be assigned to it again`);
  });

  it('refuses the form to every other role, the experts of the panel included, without naming who sits on it', async () => {
    const { id, fresh, sitting } = await onPanel();
    for (const [who, status] of [
      [w.people.firm.email, 403],
      [w.people.municipal.email, 403],
      [w.people.finance.email, 404],
      [sitting.user.email, 403],
    ] as const) {
      const b = await signedIn(who);
      const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await b.get('/')).text), type: 'ASSIGN_EXPERTS', expertIds: [fresh.user.id, sitting.user.id] });
      expect(res.status, who).toBe(status);
      expect(res.text, who).not.toContain('不能重复指派');
    }
  });
});

describe('the rubric before accepting', () => {
  async function invited() {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    const res = await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) });
    if (res.status !== 200) throw new Error(`assigning failed: ${res.status}`);
    const [expert] = panel;
    if (!expert) throw new Error('no expert');
    return { id, expert };
  }

  it('shows an invited expert the criteria, weights, maximum points and pass mark read-only, beside accept and decline', async () => {
    const { id, expert } = await invited();
    const page = await (await signedIn(expert.user.email)).get(`/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h3 id="rubric">评分标准</h3>');
    expect(page.text).toContain('接受评审任务后，您将按以下评分标准逐项打分（仅供查看）。');
    for (const [label, max] of [
      ['技术先进性 / innovation', 30],
      ['首批次应用属性 / first-batch use', 30],
      ['市场与产业带动 / market impact', 20],
      ['风险保障合理性 / risk cover', 20],
    ] as const) {
      expect(page.text).toMatch(new RegExp(`<td data-label="评分项">${label.replace('/', '\\/')}</td>\\s*<td data-label="权重" class="num">1</td>\\s*<td data-label="满分" class="num">${max}</td>`));
    }
    expect(page.text).toContain('满分 100 分');
    expect(page.text).toContain('3 位专家评分后，取各位专家总分的平均分：达到及格分 60 分为通过');
    // read-only: no score to give yet, but the assignment to answer
    expect(page.text).not.toContain('id="d-SCORE"');
    expect(page.text).not.toContain('name="scores.innovation"');
    expect(page.text).toContain('value="ACCEPT_ASSIGNMENT"');
    expect(page.text).toContain('value="DECLINE_ASSIGNMENT"');

    const english = await (await signedIn(expert.user.email, 'en')).get(`/cases/${id}`);
    expect(english.text).toContain('<h3 id="rubric">Scoring rubric</h3>');
    expect(english.text).toMatch(/<td data-label="Maximum points" class="num">30<\/td>/);
    expect(english.text).toContain('the application passes at the pass mark of 60 or above');
  });

  it('gives way to the score form once the expert accepts', async () => {
    const { id, expert } = await invited();
    expect((await send(id, expert.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    const page = await (await signedIn(expert.user.email)).get(`/cases/${id}`);
    expect(page.text).not.toContain('id="rubric"');
    expect(page.text).toContain('id="d-SCORE"');
  });

  it('is not shown to the provincial reviewer, the firm, the municipal reviewer or the insurer, and the case stays hidden from other experts', async () => {
    const { id } = await invited();
    for (const who of [w.people.provincial.email, w.people.firm.email, w.people.municipal.email, w.people.insurer.email]) {
      const page = await (await signedIn(who)).get(`/cases/${id}`);
      expect(page.status, who).toBe(200);
      expect(page.text, who).not.toContain('id="rubric"');
    }
    const [outsider] = await w.makeExperts(1);
    expect((await (await signedIn(outsider?.user.email ?? '')).get(`/cases/${id}`)).status).toBe(404);
  });
});

describe('accepting on the case page', () => {
  const NO_CONFLICT = '本人与该申请企业不存在利益冲突，承诺独立、公正评审';
  async function invitedExpert() {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [expert] = panel;
    if (!expert) throw new Error('no expert');
    return { id, expert, panel };
  }
  const acceptForm = (html: string) => /<form[^>]*aria-labelledby="d-ACCEPT_ASSIGNMENT"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';

  it('asks for the declaration of no conflict of interest with a box to tick, in both languages', async () => {
    const { id, expert } = await invitedExpert();
    const form = acceptForm((await (await signedIn(expert.user.email)).get(`/cases/${id}`)).text);
    expect(form).toMatch(/<input type="checkbox" id="d-ACCEPT_ASSIGNMENT-noConflict" name="noConflict" required/);
    expect(form).toContain(`<label for="d-ACCEPT_ASSIGNMENT-noConflict">${NO_CONFLICT}</label>`);
    const english = acceptForm((await (await signedIn(expert.user.email, 'en')).get(`/cases/${id}`)).text);
    expect(english).toContain('I have no conflict of interest with the applicant firm and will review independently and impartially');
  });

  it('refuses an acceptance without the box ticked, saying why, and accepts it ticked, the history saying what was declared', async () => {
    const { id, expert } = await invitedExpert();
    const b = await signedIn(expert.user.email);
    const csrf = PageClient.csrfOf((await b.get(`/cases/${id}`)).text);
    const refused = await b.post(`/cases/${id}/events`, { _csrf: csrf, type: 'ACCEPT_ASSIGNMENT' });
    expect(refused.status).toBe(422);
    const form = acceptForm(refused.text);
    expect(form).toContain('接受评审任务须勾选声明：本人与该申请企业不存在利益冲突');
    expect(form).not.toMatch(/noConflict[ :]/);
    expect(form).toMatch(/name="noConflict" required aria-invalid="true"/);
    expect((await t.api.get<{ experts: { mine: boolean; status: string }[] }>(`/cases/${id}`, expert.token)).body.experts.find((e) => e.mine)?.status).toBe('assigned');

    const accepted = await b.post(`/cases/${id}/events`, { _csrf: csrf, type: 'ACCEPT_ASSIGNMENT', noConflict: 'on' });
    expect(accepted.status).toBe(303);
    const timeline = (html: string) => /<section aria-labelledby="timeline">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(timeline((await b.get(`/cases/${id}`)).text)).toContain(`<p class="text">声明：${NO_CONFLICT}</p>`);
    // the provincial reviewer reads it too; the firm reads that the expert accepted, not who or what they declared
    expect(timeline((await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text)).toContain(`声明：${NO_CONFLICT}`);
    const firm = timeline((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text);
    expect(firm).toContain('接受评审任务');
    expect(firm).not.toContain('声明：');
  });
});

describe('the score form', () => {
  async function accepted() {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    for (const e of panel) expect((await send(id, e.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    const [expert] = panel;
    if (!expert) throw new Error('no expert');
    return { id, expert, panel };
  }
  const SCORES = { 'scores.innovation': '25', 'scores.firstBatch': '25', 'scores.market': '15', 'scores.risk': '15', opinion: '指标达到目录要求' };

  it('says beside the button, before submitting, that a score is final, and asks for it to be confirmed', async () => {
    const { id, expert } = await accepted();
    const page = (await (await signedIn(expert.user.email)).get(`/cases/${id}`)).text;
    const form = /<form[^>]*aria-labelledby="d-SCORE"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
    expect(form).toMatch(/<p class="final" id="s-final">评分一经提交不可修改，也不能撤回。[^<]*<\/p>\s*<div class="choice"><input type="checkbox" id="s-confirmFinal" name="confirmFinal" required/);
    expect(form).toContain('<label for="s-confirmFinal">我已核对以上评分和意见，知悉提交后不可修改</label>');
    expect(form).toMatch(/<button type="submit" class="primary" aria-describedby="s-final">提交评分<\/button>\s*<\/form>$/);
    const english = (await (await signedIn(expert.user.email, 'en')).get(`/cases/${id}`)).text;
    expect(english).toContain('Once submitted, the score cannot be changed or withdrawn.');
  });

  it('records nothing until the confirmation is ticked, keeping what was typed and naming the rubric problems at once', async () => {
    const { id, expert } = await accepted();
    const b = await signedIn(expert.user.email);
    const csrf = PageClient.csrfOf((await b.get(`/cases/${id}`)).text);
    const unconfirmed = await b.post(`/cases/${id}/events`, { _csrf: csrf, type: 'SCORE', ...SCORES, 'scores.market': '25' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toMatch(/<p class="error" id="s-confirmFinal-error"><span>请勾选确认：评分提交后不可修改<\/span><\/p>/);
    expect(unconfirmed.text).toMatch(/id="s-market-error"><span>市场与产业带动 \/ market impact：最高 20 分<\/span>/);
    expect(unconfirmed.text).toMatch(/name="scores\.market"[^>]*value="25"/);
    expect(unconfirmed.text).toContain('指标达到目录要求</textarea>');
    const mine = async () => (await t.api.get<{ experts: { mine: boolean; status: string }[] }>(`/cases/${id}`, expert.token)).body.experts.find((e) => e.mine)?.status;
    expect(await mine()).toBe('accepted');
    const done = await b.post(`/cases/${id}/events`, { _csrf: csrf, type: 'SCORE', ...SCORES, confirmFinal: 'on' });
    expect(done.status).toBe(303);
    expect(await mine()).toBe('scored');
  });

  it('answers others who post a score with the refusal they had, not with the confirmation', async () => {
    const { id } = await accepted();
    const [outsider] = await w.makeExperts(1);
    for (const [who, status] of [
      [outsider?.user.email ?? '', 404],
      [w.people.firm.email, 403],
      [w.people.provincial.email, 403],
    ] as const) {
      const b = await signedIn(who);
      const csrf = PageClient.csrfOf((await b.get('/inbox')).text);
      const res = await b.post(`/cases/${id}/events`, { _csrf: csrf, type: 'SCORE', ...SCORES });
      expect(res.status, who).toBe(status);
      expect(res.text, who).not.toContain('s-confirmFinal-error');
    }
  });
});

describe('the panel and its deadlines as each expert reads them', () => {
  it("shows an expert their own deadline only, and the provincial reviewer each expert's by name", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const clocksOf = (html: string) => [...(/<section aria-labelledby="clocks">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '').matchAll(/<strong>([^<]*)<\/strong>/g)].map((m) => m[1]);
    const [first] = panel;
    if (!first) throw new Error('no expert');
    expect(clocksOf((await (await signedIn(first.user.email)).get(`/cases/${id}`)).text).filter((l) => l?.startsWith('专家评审'))).toEqual(['专家评审（本人）']);
    expect(clocksOf((await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text).filter((l) => l?.startsWith('专家评审'))).toEqual(panel.map((e) => `专家评审（${e.user.name}）`));
  });

  it('labels each expert with the same letter whoever of the panel reads it, by the order assigned', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const rowsOf = (html: string) => [...html.matchAll(/<td data-label="专家">([^<]*)<\/td>/g)].map((m) => m[1]);
    const seen = [];
    for (const e of panel) seen.push(rowsOf((await (await signedIn(e.user.email)).get(`/cases/${id}`)).text));
    expect(seen).toEqual([
      ['我（评审专家 A）', '评审专家 B', '评审专家 C'],
      ['评审专家 A', '我（评审专家 B）', '评审专家 C'],
      ['评审专家 A', '评审专家 B', '我（评审专家 C）'],
    ]);
  });

  it("names another expert's step in the history by their letter, to an expert of the panel only", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await send(id, w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) })).status).toBe(200);
    const [a, b] = panel;
    if (!a || !b) throw new Error('no panel');
    expect((await send(id, b.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true })).status).toBe(200);
    const timeline = (html: string) => /<section aria-labelledby="timeline">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(timeline((await (await signedIn(a.user.email)).get(`/cases/${id}`)).text)).toContain('操作人：评审专家 B');
    const firm = timeline((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text);
    expect(firm).toContain('接受评审任务');
    expect(firm).not.toContain('评审专家 B');
    const history = await t.api.get<{ items: { eventType: string; panelLetter?: string }[] }>(`/cases/${id}/history`, a.token);
    expect(history.body.items.find((e) => e.eventType === 'ACCEPT_ASSIGNMENT')).toMatchObject({ panelLetter: 'B', actorId: null });
  });
});
