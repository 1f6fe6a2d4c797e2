import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases } from '../../db/schema';
import { appendHistory } from '../../server/engine/history';
import { date } from '../../server/pages/format';
import { pdfBytes } from '../fixtures/documents/files';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';
import { PASSING_SCORES } from '../support/world';
import { factoryDates } from '../../seeds/factories';
import { addCalendarDays } from '../../server/calendar/workdays';

// The revision round trip on the pages: the firm's reply to the reasons of a return, what an edit
// or an upload changed in the history, and what the page says after a step.
const { t, w } = useTestApp();

const REASON = '保险费率4.5%偏高，请说明定价依据';
const REPLY = '费率系保险公司按风险等级核定，已上传费率说明。';

const signedIn = async (email: string, lang: 'zh' | 'en' = 'zh') => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  if (lang === 'en') b.cookies.set('fb_lang', 'en');
  return b;
};

async function returnedCase(): Promise<string> {
  const id = await w.submittedCase();
  expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'policy.premium', message: REASON }] }, w.tokens.municipal)).status).toBe(200);
  return id;
}

/** The day a running clock of the case runs out, as the API has it. */
async function dueOn(id: string, kind: string): Promise<string> {
  const view = await t.api.get<{ clocks: { kind: string; status: string; dueOn: string }[] }>(`/cases/${id}`, w.tokens.firm);
  const clock = view.body.clocks.find((c) => c.kind === kind && c.status === 'running');
  if (!clock) throw new Error(`no running ${kind} clock`);
  return clock.dueOn;
}

/** Sends a decision form of the case page as the browser does, and follows the redirect. */
async function decide(b: PageClient, id: string, form: Record<string, string>) {
  const page = await b.get(`/cases/${id}`);
  const sent = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page.text), ...form });
  return { sent, after: sent.status === 303 ? await b.get(sent.headers.get('location') ?? '') : null };
}

const section = (html: string, id: string) => {
  const start = html.indexOf(`<section aria-labelledby="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
};

describe("the firm's reply to a return", () => {
  it('asks the firm for an optional reply on the resubmit form, which comes before withdrawing, in both languages', async () => {
    const id = await returnedCase();
    const zh = (await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text;
    expect(zh).toContain('<label for="d-RESUBMIT-response">对退回理由的答复（选填）</label>');
    expect(zh).toMatch(/<textarea id="d-RESUBMIT-response" name="response" aria-describedby="d-RESUBMIT-response-hint"/);
    expect(zh).not.toMatch(/<textarea id="d-RESUBMIT-response"[^>]* required/);
    expect(zh.indexOf('<h3 id="d-RESUBMIT">')).toBeGreaterThan(-1);
    expect(zh.indexOf('<h3 id="d-RESUBMIT">')).toBeLessThan(zh.indexOf('<h3 id="d-WITHDRAW">'));
    const en = (await (await signedIn(w.people.firm.email, 'en')).get(`/cases/${id}`)).text;
    expect(en).toContain('<label for="d-RESUBMIT-response">Your reply to the reasons for returning (optional)</label>');
    expect(en.indexOf('<h3 id="d-RESUBMIT">')).toBeLessThan(en.indexOf('<h3 id="d-WITHDRAW">'));
  });

  it("shows the reviewer the reply beside the reasons they gave and in the history, and tells the firm who reviews it next and by when", async () => {
    const id = await returnedCase();
    const firm = await signedIn(w.people.firm.email);
    const { sent, after } = await decide(firm, id, { type: 'RESUBMIT', response: REPLY });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/cases/${id}?done=RESUBMIT`);
    const due = await dueOn(id, 'municipalReview');
    expect(after?.text).toContain(`<p role="status" class="done">申请已重新提交，等待杭州市级初审，截止日期 ${date(due, 'zh')}。</p>`);

    const zh = (await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text;
    const answer = section(zh, 'revision-answer');
    expect(answer).toContain('<h2 id="revision-answer">退回理由与企业答复</h2>');
    expect(answer).toContain(`<li>policy.premium: ${REASON}</li>`);
    expect(answer).toContain(`<blockquote class="text">${REPLY}</blockquote>`);
    // above the decisions the reviewer is to take
    expect(zh.indexOf('id="revision-answer"')).toBeLessThan(zh.indexOf('<h2 id="decisions">'));
    expect(section(zh, 'timeline')).toContain(`<p class="text">企业答复：${REPLY}</p>`);

    const en = (await (await signedIn(w.people.municipal.email, 'en')).get(`/cases/${id}`)).text;
    expect(section(en, 'revision-answer')).toMatch(/Reasons for returning and the firm(&#39;|')s reply/);
    expect(section(en, 'revision-answer')).toContain(`<blockquote class="text">${REPLY}</blockquote>`);
    expect(section(en, 'timeline')).toMatch(new RegExp(`<p class="text">The firm(&#39;|')s reply: ${REPLY}</p>`));
    const enFirm = await signedIn(w.people.firm.email, 'en');
    expect((await enFirm.get(`/cases/${id}?done=RESUBMIT`)).text).toContain(
      `The application was resubmitted; next: municipal review by the Hangzhou municipal reviewers, due ${date(due, 'en')}.`,
    );
  });

  it('tells the reviewer when the firm resubmitted without a reply', async () => {
    const id = await returnedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const zh = section((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text, 'revision-answer');
    expect(zh).toContain(REASON);
    expect(zh).toContain('<p class="empty">企业重新提交时未作答复。</p>');
    const en = section((await (await signedIn(w.people.municipal.email, 'en')).get(`/cases/${id}`)).text, 'revision-answer');
    expect(en).toContain('<p class="empty">The firm resubmitted without a reply.</p>');
  });

  it('shows no such part while the case is in revision, nor on a case never returned', async () => {
    const id = await returnedCase();
    expect((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text).not.toContain('id="revision-answer"');
    const fresh = await w.submittedCase();
    expect((await (await signedIn(w.people.municipal.email)).get(`/cases/${fresh}`)).text).not.toContain('id="revision-answer"');
  });

  it('shows the latest return and the reply to it after a second round, and nothing while the case is back in revision', async () => {
    const id = await returnedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: '第一次答复' }, w.tokens.firm)).status).toBe(200);
    const again = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与发票不符' }] }, w.tokens.municipal);
    expect(again.status).toBe(200);
    // back with the firm: the reviewer's earlier answer is no part of the page now
    expect((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text).not.toContain('id="revision-answer"');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: REPLY }, w.tokens.firm)).status).toBe(200);
    const answer = section((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text, 'revision-answer');
    expect(answer).toContain('<li>contract.amount: 合同金额与发票不符</li>');
    expect(answer).not.toContain(REASON);
    expect(answer).toContain(`<blockquote class="text">${REPLY}</blockquote>`);
    expect(answer).not.toContain('第一次答复');
  });

  it("shows the provincial reviewer the reply to their own return", async () => {
    const id = await w.caseIn('provincial');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'material.name', message: '材料名称与目录不符' }] }, w.tokens.provincial)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: REPLY }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.get(`/cases/${id}`, w.tokens.provincial)).body).toMatchObject({ state: 'provincial' });
    const answer = section((await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text, 'revision-answer');
    expect(answer).toContain('<li>material.name: 材料名称与目录不符</li>');
    expect(answer).toContain(`<blockquote class="text">${REPLY}</blockquote>`);
  });

  it('refuses a reply of more than 2,000 characters beside its field, keeping what was typed, and the case stays in revision', async () => {
    const id = await returnedCase();
    const long = '答'.repeat(2001);
    const { sent } = await decide(await signedIn(w.people.firm.email), id, { type: 'RESUBMIT', response: long });
    expect(sent.status).toBe(400);
    expect(sent.text).toMatch(/<p class="error" id="d-RESUBMIT-response-error">/);
    expect(sent.text).toContain(`>${long}</textarea>`);
    expect((await t.api.get(`/cases/${id}`, w.tokens.firm)).body).toMatchObject({ state: 'revision' });
  });
});

describe('what the history says of an edit and an upload', () => {
  it('names the fields an edit changed, from what to what (an insurer by name of the field only), and the kind and version of each upload', async () => {
    const id = await returnedCase();
    // the policy moved to start a month later, within the same policy year
    const laterStart = addCalendarDays(factoryDates.policyStartsOn, 30);
    const edited = await t.api.patch(`/cases/${id}`, { policy: { premium: '1200000.00', startsOn: laterStart, insurerId: w.otherInsurer.id }, material: { name: '低缺陷高平坦度大尺寸半导体硅晶圆' } }, w.tokens.firm);
    expect(edited.status).toBe(200);
    const firm = await signedIn(w.people.firm.email);
    for (const text of ['licence one', 'licence two']) {
      const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
      const form = new FormData();
      form.append('_csrf', csrf);
      form.append('type', 'business_license');
      form.append('file', new Blob([new Uint8Array(pdfBytes(text))], { type: 'application/pdf' }), '营业执照.pdf');
      expect((await firm.postMultipart(`/cases/${id}/documents`, form)).status).toBe(303);
    }

    const zh = section((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text, 'timeline');
    // the material's name was sent unchanged: not named
    expect(zh).toContain(`修改了 保费（元）：1,500,000.00 → 1,200,000.00；保险起期：${date(factoryDates.policyStartsOn, 'zh')} → ${date(laterStart, 'zh')}；承保保险公司`);
    expect(zh).not.toContain('材料名称：');
    expect(zh).not.toContain(w.otherInsurer.id);
    // the submitted case had its first licence already: these are its second and third
    expect(zh).toContain('<span class="detail"> 营业执照 第 2 版 · 营业执照.pdf</span>');
    expect(zh).toContain('<span class="detail"> 营业执照 第 3 版 · 营业执照.pdf</span>');

    const en = section((await (await signedIn(w.people.municipal.email, 'en')).get(`/cases/${id}`)).text, 'timeline');
    expect(en).toContain(`Changed premium (yuan): 1,500,000.00 → 1,200,000.00; policy start: ${date(factoryDates.policyStartsOn, 'en')} → ${date(laterStart, 'en')}; insurer`);
    expect(en).toContain('Business licence version 3 · 营业执照.pdf');
  });

  it('names what a second edit changed from the value the first one left', async () => {
    const id = await returnedCase();
    expect((await t.api.patch(`/cases/${id}`, { policy: { premium: '1200000.00' } }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.patch(`/cases/${id}`, { policy: { premium: '1100000.00' } }, w.tokens.firm)).status).toBe(200);
    const zh = section((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text, 'timeline');
    expect(zh).toContain('修改了 保费（元）：1,500,000.00 → 1,200,000.00');
    expect(zh).toContain('修改了 保费（元）：1,200,000.00 → 1,100,000.00');
    expect(zh).not.toContain('1,500,000.00 → 1,100,000.00');
  });

  it('says of an older upload entry what it has, and of an entry with nothing to say, nothing', async () => {
    const id = await w.createCase();
    // an entry as an older release might have kept it: the kind only
    const [row] = await t.app.db.select().from(cases).where(eq(cases.id, id));
    if (!row) throw new Error('no case');
    await t.app.db.transaction((tx) =>
      appendHistory(tx, { ownerKind: 'case', ownerId: id, eventType: 'DOCUMENT_UPLOADED', actorId: w.people.firm.id, actorRole: 'firm', at: new Date(), requestId: null, stateBefore: 'draft', stateAfter: 'draft', payload: { type: 'test_report' }, machineVersion: row.machineVersion }),
    );
    const zh = section((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text, 'timeline');
    expect(zh).toContain('<span class="detail"> 检测报告</span>');
  });
});

describe('what the page says after a step', () => {
  it('tells the firm after submitting who reviews the application, in which city, and by when, in both languages', async () => {
    const id = await w.createCase();
    await w.attachDocuments(id);
    const { sent, after } = await decide(await signedIn(w.people.firm.email), id, { type: 'SUBMIT' });
    expect(sent.status).toBe(303);
    const due = await dueOn(id, 'municipalReview');
    expect(after?.text).toContain(`<p role="status" class="done">申请已提交，等待杭州市级初审，截止日期 ${date(due, 'zh')}。</p>`);
    expect(after?.text).not.toContain('已办理。');
    const en = await (await signedIn(w.people.firm.email, 'en')).get(`/cases/${id}?done=SUBMIT`);
    expect(en.text).toContain(`The application was submitted; next: municipal review by the Hangzhou municipal reviewers, due ${date(due, 'en')}.`);
  });

  it('tells the reviewer after a return that the firm is to revise it, by the end of its revision period', async () => {
    const id = await w.submittedCase();
    const { after } = await decide(await signedIn(w.people.municipal.email), id, { type: 'RETURN', reasons: REASON });
    const due = await dueOn(id, 'revision');
    expect(after?.text).toContain(`已退回企业补正，等待企业补正后重新提交，截止日期 ${date(due, 'zh')}。`);
    expect((await (await signedIn(w.people.municipal.email, 'en')).get(`/cases/${id}?done=RETURN`)).text).toContain(
      `Returned to the firm for revision; next: revise and resubmit by the firm, due ${date(due, 'en')}.`,
    );
  });

  it('says a step that ends the case without a next one', async () => {
    const id = await w.submittedCase();
    const { after } = await decide(await signedIn(w.people.firm.email), id, { type: 'WITHDRAW', reason: '合同取消' });
    expect(after?.text).toContain('<p role="status" class="done">申请已撤回。</p>');
  });
});

describe('what the page says after a step, to whoever acts next', () => {
  it('tells the provincial reviewer who approved that assigning the experts is theirs next', async () => {
    const id = await w.caseIn('verifiedProvincial');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(200);
    const zh = (await (await signedIn(w.people.provincial.email)).get(`/cases/${id}?done=APPROVE`)).text;
    expect(zh).toMatch(/<p role="status" class="done">[^<]*接下来请您[^<]*<\/p>/);
  });

  it('no longer tells an expert to wait for the others once the experts have all scored', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.expertsScore(id, PASSING_SCORES, await w.makeExperts(3));
    const expert = panel[0];
    if (!expert) throw new Error('no expert');
    expect((await t.api.get(`/cases/${id}`, expert.token)).body).toMatchObject({ state: 'awaitingNotice' });
    const page = (await (await signedIn(expert.user.email)).get(`/cases/${id}`)).text;
    expect(page).not.toContain('等待其他专家评分');
  });

  it('gives an expert who has scored no deadline of their own after scoring, only the wait for the others', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const expert = panel[0];
    if (!expert) throw new Error('no expert');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, expert.token)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'SCORE', scores: PASSING_SCORES, opinion: '材料性能达到目录要求' }, expert.token)).status).toBe(200);
    const done = (await (await signedIn(expert.user.email)).get(`/cases/${id}?done=SCORE`)).text;
    expect(done).toMatch(/<p role="status" class="done">[^<]*等待其他专家评分[^<]*<\/p>/);
    expect(done).not.toMatch(/<p role="status" class="done">[^<]*截止[^<]*<\/p>/);
  });
});

describe("the insurer's own next step", () => {
  it("heads the case with the insurer's check of the policy while it waits for it, and the review's step once it is done", async () => {
    const id = await w.submittedCase();
    const insurer = await signedIn(w.people.insurer.email);
    expect((await insurer.get(`/cases/${id}`)).text).toContain('<span> 下一步：核验保单（保险公司）</span>');
    expect((await (await signedIn(w.people.insurer.email, 'en')).get(`/cases/${id}`)).text).toContain('<span> Next step: verify the policy (Insurer)</span>');
    // the reviewer reads their own step
    expect((await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text).toContain('<span> 下一步：市级初审（市级审核）</span>');
    const { after } = await decide(insurer, id, { type: 'VERIFY_POLICY', policyChecked: 'on' });
    const due = await dueOn(id, 'municipalReview');
    expect(after?.text).toContain(`保单已核验通过，等待杭州市级初审，截止日期 ${date(due, 'zh')}。`);
    expect(after?.text).toContain('<span> 下一步：市级初审（市级审核）</span>');
  });
});

describe('editing an application returned for revision', () => {
  it('saves the changes for the resubmission, not a draft, and says the reviewer sees them once resubmitted', async () => {
    const id = await returnedCase();
    const firm = await signedIn(w.people.firm.email);
    const edit = await firm.get(`/cases/${id}/edit`);
    expect(edit.text).toContain('>保存修改（待重新提交）</button>');
    expect(edit.text).not.toContain('保存草稿');
    expect(edit.text).toContain('修改要在重新提交后才送交审核人员');
    expect((await (await signedIn(w.people.firm.email, 'en')).get(`/cases/${id}/edit`)).text).toContain('>Save the changes for resubmission</button>');
    expect((await firm.get(`/cases/${id}?saved=1`)).text).toContain('<p role="status" class="done">修改已保存，尚未送交审核人员。补正完成后请在下方重新提交。</p>');
    // a draft is still saved as one
    const draft = await w.createCase();
    expect((await firm.get(`/cases/${draft}/edit`)).text).toContain('>保存草稿</button>');
    expect((await firm.get(`/cases/${draft}?saved=1`)).text).toContain('<p role="status" class="done">申请已保存。</p>');
  });
});

describe('claims, after reporting and deciding', () => {
  it('tells the firm a reported claim waits for the insurer, and the insurer what it paid or denied, in both languages', async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
    const filed = await firm.post(`/cases/${id}/claims`, { _csrf: csrf, occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120,000.00', description: '批次产品表面缺陷，用户退货' });
    expect(filed.status).toBe(303);
    const claims = (await t.api.get<{ items: { id: string; number: string }[] }>(`/cases/${id}/claims`, w.tokens.firm)).body.items;
    const claim = claims[0];
    if (!claim) throw new Error('no claim');
    expect(filed.headers.get('location')).toBe(`/cases/${id}?claim=${claim.id}#claims`);
    expect((await firm.get(`/cases/${id}?claim=${claim.id}`)).text).toContain(`<p role="status" class="done">理赔 ${claim.number} 已报告，等待保险公司作出赔付或拒赔决定。`);
    expect((await firm.get(`/cases/${id}?claim=${claim.id}`)).text).toContain('请在下方上传损失清单、现场照片等理赔材料。');
    expect((await (await signedIn(w.people.firm.email, 'en')).get(`/cases/${id}?claim=${claim.id}`)).text).toContain(`Claim ${claim.number} was reported and waits for the insurer to pay or deny it.`);
    // the documents are the firm's to add: a reviewer or the insurer reading the same link is not asked to
    for (const who of [w.people.municipal.email, w.people.insurer.email]) {
      const seen = (await (await signedIn(who)).get(`/cases/${id}?claim=${claim.id}`)).text;
      expect(seen, who).toContain(`理赔 ${claim.number} 已报告，等待保险公司作出赔付或拒赔决定。`);
      expect(seen, who).not.toContain('请在下方上传');
    }

    const insurer = await signedIn(w.people.insurer.email);
    const paid = await insurer.post(`/claims/${claim.id}/events`, { _csrf: PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text), type: 'PAY', amount: '100,000.00', reference: 'PICC-PAY-9', confirm: 'yes' });
    expect(paid.headers.get('location')).toBe(`/cases/${id}?claim=${claim.id}#claims`);
    expect((await insurer.get(`/cases/${id}?claim=${claim.id}`)).text).toContain(`理赔 ${claim.number} 已赔付 100,000.00 元（支付流水号 PICC-PAY-9），此理赔已办结。`);
    expect((await (await signedIn(w.people.insurer.email, 'en')).get(`/cases/${id}?claim=${claim.id}`)).text).toContain(`Claim ${claim.number} was paid: 100,000.00 yuan (payment reference PICC-PAY-9).`);
    // a claim named in the address that is not this case's says nothing
    const other = await w.caseIn('approved');
    expect((await insurer.get(`/cases/${other}?claim=${claim.id}`)).text).not.toContain(claim.number);
  });

  it('says where the claim named in the address stands, of several on the case', async () => {
    const id = await w.caseIn('approved');
    const body = { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' };
    const first = await t.api.post<{ id: string; number: string }>(`/cases/${id}/claims`, body, w.tokens.firm);
    const second = await t.api.post<{ id: string; number: string }>(`/cases/${id}/claims`, { ...body, description: '第二批产品开裂，用户索赔' }, w.tokens.firm);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await t.api.post(`/claims/${first.body.id}/events`, { type: 'PAY', amount: '100000.00', reference: 'PICC-PAY-7' }, w.tokens.insurer)).status).toBe(200);
    const firm = await signedIn(w.people.firm.email);
    const paid = (await firm.get(`/cases/${id}?claim=${first.body.id}`)).text;
    expect(paid).toContain(`理赔 ${first.body.number} 已赔付 100,000.00 元（支付流水号 PICC-PAY-7），此理赔已办结。`);
    const waiting = (await firm.get(`/cases/${id}?claim=${second.body.id}`)).text;
    expect(waiting).toContain(`<p role="status" class="done">理赔 ${second.body.number} 已报告，等待保险公司作出赔付或拒赔决定。`);
    expect(waiting).not.toContain('已赔付 100,000.00 元');
  });

  it('tells the insurer a denied claim is closed', async () => {
    const id = await w.caseIn('approved');
    const filed = await t.api.post<{ id: string; number: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
    const insurer = await signedIn(w.people.insurer.email);
    const denied = await insurer.post(`/claims/${filed.body.id}/events`, { _csrf: PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text), type: 'DENY', reason: '不属于保险责任' });
    expect(denied.status).toBe(303);
    expect((await insurer.get(denied.headers.get('location') ?? '')).text).toContain(`理赔 ${filed.body.number} 已拒赔，此理赔已办结`);
  });
});

describe('resolving an objection, on the page', () => {
  async function onNoticeWithObjection() {
    const caseId = await w.caseIn('awaitingNotice');
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    const filed = await t.api.post<{ id: string }>(`/public/notices/${published.body.id}/objections`, { caseId, name: '王五', contact: 'wang.wu@example.com', reason: '该材料已有多年销售记录，并非首批次应用。' });
    expect(filed.status).toBe(201);
    return { caseId, objectionId: filed.body.id };
  }

  it('says how the objection was resolved and where that leaves the application, in both languages', async () => {
    const dismissed = await onNoticeWithObjection();
    const b = await signedIn(w.people.provincial.email);
    const { after } = await decide(b, dismissed.caseId, { type: 'RESOLVE_OBJECTION', objectionId: dismissed.objectionId, outcome: 'dismissed', reason: '经核实，检测报告真实有效' });
    expect(after?.text).toContain('<p role="status" class="done">异议已处理：异议不成立，公示继续。</p>');
    expect((await (await signedIn(w.people.provincial.email, 'en')).get(`/cases/${dismissed.caseId}?done=RESOLVE_OBJECTION`)).text).toContain('The objection was resolved: dismissed, the notice goes on.');

    const upheld = await onNoticeWithObjection();
    const { after: rejected } = await decide(b, upheld.caseId, { type: 'RESOLVE_OBJECTION', objectionId: upheld.objectionId, outcome: 'upheld', reason: '异议属实' });
    expect(rejected?.text).toContain('<p role="status" class="done">异议已处理：异议成立，申请不予通过。</p>');
  });
});

describe("an expert's steps, on the page", () => {
  it('tells an expert who accepted that scoring is theirs next, by their own deadline', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(3);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const expert = panel[0];
    if (!expert) throw new Error('no expert');
    const b = await signedIn(expert.user.email);
    const { after } = await decide(b, id, { type: 'ACCEPT_ASSIGNMENT', noConflict: 'on' });
    const view = await t.api.get<{ clocks: { kind: string; status: string; dueOn: string; assigneeId: string | null }[] }>(`/cases/${id}`, expert.token);
    const own = view.body.clocks.find((c) => c.kind === 'expertReview' && c.assigneeId === expert.user.id);
    if (!own) throw new Error('no own clock');
    expect(after?.text).toContain(`<p role="status" class="done">您已接受评审任务，下一步：按评分标准为本申请评分，或谢绝评审任务，截止日期 ${date(own.dueOn, 'zh')}。</p>`);
  });
});
