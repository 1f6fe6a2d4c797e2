import { describe, expect, it } from 'vitest';
import { pdfBytes } from '../fixtures/documents/files';
import { PageClient } from '../support/pages';
import { runOutCaseClock } from '../support/clock-rows';
import { date } from '../../server/pages/format';
import { useTestApp } from '../support/use-app';
import { wholeInbox } from '../support/inbox';

// What the case page says at its top about the case itself: a step or an upload that came too late.
const { t, w } = useTestApp();

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};
/** The page's alert at its top, or null. */
const alertOf = (html: string) => {
  const at = html.indexOf('id="moved-on"');
  return at < 0 ? null : html.slice(html.lastIndexOf('<div', at), html.indexOf('</div>', at));
};

describe('a step or an upload refused because the case moved on', () => {
  it('tells the reviewer at the top that the approval was not recorded, the state the case is in now, and what they typed', async () => {
    const id = await w.caseIn('municipal');
    const tabB = await signedIn(w.people.municipal.email);
    const shown = (await tabB.get(`/cases/${id}`)).text;
    const version = /name="version" value="(\d+)"/.exec(shown)?.[1] ?? '';
    // tab A returns the case meanwhile
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.municipal)).status).toBe(200);
    const late = await tabB.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(shown), type: 'APPROVE', version, key: 'late-approve', comment: '材料齐全，同意通过' });
    expect(late.status).toBe(409);
    const alert = alertOf(late.text);
    expect(alert).toContain('role="alert"');
    expect(alert).toContain('您提交的「审核通过」没有被记录');
    expect(alert).toContain('当前状态为「待补正」');
    expect(alert).toContain('在当前状态下已不能办理「审核通过」');
    expect(alert).toContain('材料齐全，同意通过');
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('revision');
  });

  it('shows what was typed into a form that is gone as text, not markup', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const shown = (await b.get(`/cases/${id}`)).text;
    const version = /name="version" value="(\d+)"/.exec(shown)?.[1] ?? '';
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.municipal)).status).toBe(200);
    const late = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(shown), type: 'APPROVE', version, key: 'late-approve-3', comment: '同意<img src=x onerror=alert(1)>' });
    expect(late.status).toBe(409);
    const alert = alertOf(late.text);
    expect(alert).toContain('同意&lt;img src=x onerror=alert(1)>');
    expect(alert).not.toContain('<img');
  });

  it('keeps the typed comment in the form when the step is still offered and only the version moved', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const shown = (await b.get(`/cases/${id}`)).text;
    const version = /name="version" value="(\d+)"/.exec(shown)?.[1] ?? '';
    // the insurer's check moves the case's version, not its state
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    const late = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(shown), type: 'APPROVE', version, key: 'late-approve-2', comment: '同意通过' });
    expect(late.status).toBe(409);
    const alert = alertOf(late.text);
    expect(alert).toContain('当前状态为「市级初审」');
    expect(alert).toContain('您填写的内容已保留在下方表单中');
    expect(late.text).toMatch(/<textarea[^>]*name="comment"[^>]*>同意通过<\/textarea>/);
  });

  it('refuses as late a step whose version is not one, and does not move the case', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal.email);
    const shown = (await b.get(`/cases/${id}`)).text;
    for (const version of ['-1', '1.5', 'abc', '9999999999']) {
      const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(shown), type: 'RETURN', version, key: `bad-version-${version}`, reasons: '请补充检测报告' });
      expect(res.status, version).toBe(409);
    }
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('municipal');
  });

  it('tells the firm at the top that its document was not uploaded to a case withdrawn in another tab', async () => {
    const id = await w.createCase();
    const b = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await b.get(`/cases/${id}`)).text);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'WITHDRAW', reason: '不再申报' }, w.tokens.firm)).status).toBe(200);
    const form = new FormData();
    form.append('_csrf', csrf);
    form.append('type', 'business_license');
    form.append('file', new Blob([new Uint8Array(pdfBytes('licence'))], { type: 'application/pdf' }), '营业执照.pdf');
    const late = await b.postMultipart(`/cases/${id}/documents`, form);
    expect(late.status).toBe(409);
    const alert = alertOf(late.text);
    expect(alert).toContain('role="alert"');
    expect(alert).toContain('您的材料没有上传：此申请当前状态为「已撤回」');
  });
});

describe('a lapsed case', () => {
  it('says at the top why it lapsed, and shows its revision clock expired, not running', async () => {
    const id = await w.caseIn('revision');
    const due = await runOutCaseClock(t.app, id, 'revision');
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.firm)).body.state).toBe('lapsed');
    for (const who of ['firm', 'municipal'] as const) {
      const html = (await (await signedIn(w.people[who].email)).get(`/cases/${id}`)).text;
      expect(html, who).toContain(`此申请已失效：企业未在补正截止日期 ${date(due, 'zh')} 前重新提交补正材料。`);
      const clocks = html.slice(html.indexOf('id="clocks"'), html.indexOf('</section>', html.indexOf('id="clocks"')));
      expect(clocks, who).toContain(`截止日期 ${date(due, 'zh')}`);
      expect(clocks, who).toContain('<span class="clock-expired">已到期</span>');
      expect(clocks, who).not.toContain('计时中');
      // an expired clock says so itself: no overdue badge beside it
      expect(clocks, who).not.toContain('badge overdue');
    }
  });

  it('shows a running clock as running, and says nothing of a lapse', async () => {
    const id = await w.caseIn('revision');
    const html = (await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text;
    expect(html).toContain('<span class="clock-running">计时中</span>');
    expect(html).not.toContain('已失效');
  });
});

describe('who has taken the case from the shared inbox', () => {
  it('names the holder to a colleague on the case page, and warns before the decisions without barring them', async () => {
    const id = await w.caseIn('municipal');
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.municipal)).status).toBe(200);
    const theirs = (await (await signedIn(w.people.municipal2.email)).get(`/cases/${id}`)).text;
    expect(theirs).toContain(`由 ${w.people.municipal.name} 领取办理（`);
    const warning = theirs.indexOf(`此任务已由 ${w.people.municipal.name} 领取办理。您仍可办理`);
    expect(warning).toBeGreaterThan(0);
    expect(theirs.indexOf('<input type="hidden" name="type" value="APPROVE"/>')).toBeGreaterThan(warning);
    expect(theirs).not.toContain(`action="/cases/${id}/task/claim"`);
    const mine = (await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text;
    expect(mine).toContain('由您领取办理（');
    expect(mine).toContain(`action="/cases/${id}/task/release"`);
    expect(mine).not.toContain('您仍可办理');
    // the firm's page names no one
    expect((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text).not.toContain('领取');
  });

  it('takes and gives back the task from the case page, and says at the top when a colleague holds it', async () => {
    const id = await w.caseIn('municipal');
    const b = await signedIn(w.people.municipal2.email);
    const page = (await b.get(`/cases/${id}`)).text;
    expect(page).toContain('此任务尚未被领取。');
    const taken = await b.post(`/cases/${id}/task/claim`, { _csrf: PageClient.csrfOf(page) });
    expect(taken.status).toBe(303);
    expect(taken.headers.get('location')).toBe(`/cases/${id}?task=claimed#task-holder`);
    const after = (await b.get(`/cases/${id}?task=claimed`)).text;
    expect(after).toContain('已领取该任务，同角色的其他人员将看到由您办理。');
    // the city's whole inbox: other files' cases of the city come before on a shared database
    const tasks = await wholeInbox<{ caseId: string | null; claimedBy: { name: string } | null }>(t.api, w.tokens.municipal);
    expect(tasks.find((i) => i.caseId === id)?.claimedBy?.name).toBe(w.people.municipal2.name);

    const colleague = await signedIn(w.people.municipal.email);
    const refused = await colleague.post(`/cases/${id}/task/claim`, { _csrf: PageClient.csrfOf((await colleague.get(`/cases/${id}`)).text) });
    expect(refused.status).toBe(409);
    const alert = refused.text.slice(refused.text.indexOf('id="task-refused"'));
    expect(refused.text).toContain('role="alert" id="task-refused"');
    expect(alert).toContain(`${w.people.municipal2.name} 已领取此任务，请其先释放`);

    const given = await b.post(`/cases/${id}/task/release`, { _csrf: PageClient.csrfOf(after) });
    expect(given.headers.get('location')).toBe(`/cases/${id}?task=released#task-holder`);
    expect((await b.get(`/cases/${id}?task=released`)).text).toContain('已释放该任务，同角色的其他人员可以领取。');
    // given back twice (a double click, another tab): said on the case page, not the 404 page
    const again = await b.post(`/cases/${id}/task/release`, { _csrf: PageClient.csrfOf(after) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('您当前没有领取此任务，无需释放');
    // a case the person cannot see stays the 404 it is
    const other = await signedIn(w.people.otherMunicipal.email);
    expect((await other.post(`/cases/${id}/task/release`, { _csrf: PageClient.csrfOf((await other.get('/inbox')).text) })).status).toBe(404);
  });

  it("does not name the insurer's hold of its own check as the reviewer's task holder", async () => {
    const id = await w.caseIn('municipal');
    // the insurer's check waits in the insurer's inbox while the city reviews the case
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.insurer)).status).toBe(200);
    const page = (await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text;
    expect(page).toContain('此任务尚未被领取。');
    expect(page).not.toContain(`由 ${w.people.insurer.name} 领取办理`);
    expect(page).toContain(`action="/cases/${id}/task/claim"`);
  });

  it('refuses the take to a firm (403) and to a reviewer of another city (404), holding nothing', async () => {
    const id = await w.caseIn('municipal');
    for (const [who, status] of [['firm', 403], ['otherMunicipal', 404], ['expert', 403]] as const) {
      const b = await signedIn(w.people[who].email);
      const res = await b.post(`/cases/${id}/task/claim`, { _csrf: PageClient.csrfOf((await b.get('/')).text) });
      expect(res.status, who).toBe(status);
    }
    const tasks = await wholeInbox<{ caseId: string | null; claimedBy: unknown }>(t.api, w.tokens.municipal);
    expect(tasks.find((i) => i.caseId === id)?.claimedBy).toBeNull();
  });
});

describe("the insurer's reason for a policy mismatch", () => {
  it('is shown beside the request to return the case, and to the firm while it corrects the policy, with who said it and when', async () => {
    const id = await w.caseIn('municipal');
    const reason = '保单号与保费发票不符：发票号 FP-0001 未见于本公司系统';
    const noteOf = (html: string) => {
      const at = html.indexOf('id="policy-mismatch"');
      return at < 0 ? null : html.slice(at, html.indexOf('</p>', at));
    };
    const reviewer = await signedIn(w.people.municipal.email);
    expect(noteOf((await reviewer.get(`/cases/${id}`)).text)).toBeNull();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'POLICY_MISMATCH', reason }, w.tokens.insurer)).status).toBe(200);

    const page = (await reviewer.get(`/cases/${id}`)).text;
    expect(page.indexOf('请退回申请并说明保单不符之处')).toBeLessThan(page.indexOf('id="policy-mismatch"'));
    expect(page.indexOf('id="policy-mismatch"')).toBeLessThan(page.indexOf('id="decisions"'));
    const note = noteOf(page);
    expect(note).toContain(reason);
    // the programme's staff read the insurer's person by name, with the company
    expect(note).toContain(`保险公司的说明（${w.people.insurer.name}（${w.insurer.name}）`);
    expect(note).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    // the firm reads the company, not the person
    const firm = await signedIn(w.people.firm.email);
    const firmNote = noteOf((await firm.get(`/cases/${id}`)).text);
    expect(firmNote).toContain(reason);
    expect(firmNote).toContain(`保险公司的说明（${w.insurer.name}，`);

    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请更正保单信息' }] }, w.tokens.municipal)).status).toBe(200);
    const revising = (await firm.get(`/cases/${id}`)).text;
    expect(noteOf(revising)).toContain(reason);
    expect(revising.indexOf('id="policy-mismatch"')).toBeLessThan(revising.indexOf('id="check"'));
    // once the firm resubmits, the insurer checks the policy again: the old reason is no longer current
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: '已更正保单信息' }, w.tokens.firm)).status).toBe(200);
    expect(noteOf((await reviewer.get(`/cases/${id}`)).text)).toBeNull();
    expect(noteOf((await firm.get(`/cases/${id}`)).text)).toBeNull();
  });

  it('shows the reason as text, not markup', async () => {
    const id = await w.caseIn('municipal');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'POLICY_MISMATCH', reason: '发票不符<img src=x onerror=alert(1)>' }, w.tokens.insurer)).status).toBe(200);
    const page = (await (await signedIn(w.people.municipal.email)).get(`/cases/${id}`)).text;
    const note = page.slice(page.indexOf('id="policy-mismatch"'), page.indexOf('</p>', page.indexOf('id="policy-mismatch"')));
    expect(note).toContain('发票不符&lt;img src=x onerror=alert(1)>');
    expect(note).not.toContain('<img');
  });
});
