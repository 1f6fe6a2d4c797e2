import { describe, expect, it } from 'vitest';
import { pdfBytes } from '../fixtures/documents/files';
import { PageClient } from '../support/pages';
import { runOutCaseClock } from '../support/clock-rows';
import { date } from '../../server/pages/format';
import { useTestApp } from '../support/use-app';

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
    }
  });

  it('shows a running clock as running, and says nothing of a lapse', async () => {
    const id = await w.caseIn('revision');
    const html = (await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text;
    expect(html).toContain('<span class="clock-running">计时中</span>');
    expect(html).not.toContain('已失效');
  });
});
