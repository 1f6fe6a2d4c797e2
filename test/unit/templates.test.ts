import { describe, expect, it } from 'vitest';
import { checkTemplates, render, templates } from '../../server/mail/templates';

describe('email templates', () => {
  it('use only the placeholders they declare', () => {
    expect(() => checkTemplates()).not.toThrow();
  });

  it('refuse to start with a placeholder nobody fills in', () => {
    const broken = { 'case.broken': { ...templates['case.submitted'], subject: { zh: '{{caseNumbr}}', en: 'x' } } };
    expect(() => checkTemplates(broken)).toThrow(/case\.broken: unknown placeholder \{\{caseNumbr\}\}/);
  });

  it('render Chinese first and English below, with every value filled in', () => {
    const out = render('case.returned', { caseNumber: 'ZJ2026-000042', firmName: '杭州澄岚', materialName: '硅晶圆', link: 'http://x/cases/1', reason: '缺少检测报告', dueOn: '2026-12-10' });
    expect(out.subject).toBe('申请 ZJ2026-000042 需要补正 / Application ZJ2026-000042 returned for revision');
    expect(out.text.indexOf('缺少检测报告')).toBeLessThan(out.text.indexOf('returned for revision'));
    expect(out.text).not.toMatch(/\{\{/);
  });
});

describe('the resubmission email', () => {
  const vars = { caseNumber: 'ZJ2026-000042', firmName: '杭州澄岚', materialName: '硅晶圆', link: 'http://x/cases/1', dueOn: '' };
  it("quotes the firm's reply to the return, in each language's own text, when it gave one", () => {
    const out = render('case.resubmitted', { ...vars, reason: '已补充上传费率说明。' });
    expect(out.bodyZh).toContain('请继续审核。\n企业的答复：已补充上传费率说明。\n');
    expect(out.text).toContain("resubmitted it for review.\nThe firm's reply: 已补充上传费率说明。\n");
  });

  it('says nothing of a reply when there was none', () => {
    const out = render('case.resubmitted', { ...vars, reason: '' });
    expect(out.text).not.toMatch(/企业的答复|The firm's reply/);
    expect(out.bodyZh).toContain('请继续审核。\n\n查看申请');
  });
});

describe('dates in emails', () => {
  it('are worded as the pages word them, each language in its own text', () => {
    const out = render('case.returned', { caseNumber: 'ZJ2026-000042', firmName: '杭州澄岚', materialName: '硅晶圆', link: 'http://x/cases/1', reason: '缺少检测报告', dueOn: '2026-12-07' });
    expect(out.bodyZh).toContain('请在 2026年12月7日 前补正');
    expect(out.text).toContain('resubmit by 7 Dec 2026;');
    expect(out.text).not.toContain('2026-12-07');
  });

  it('name Beijing time with an instant, whose time of day matters', () => {
    // 06:05 UTC is 14:05 in Beijing; 17:30 UTC is already the next day there
    const reminder = render('round.closing', { roundName: '2026年度第一批', closesAt: '2026-12-07T06:05:00.000Z', draftCount: '2', link: 'http://x/cases' });
    expect(reminder.titleZh).toBe('提醒：2026年度第一批 将于北京时间 2026年12月7日 14:05 截止申报');
    expect(reminder.subject).toContain('/ Reminder: 2026年度第一批 closes on 7 Dec 2026, 14:05 (Beijing time)');
    expect(reminder.text).toContain('The round closes on 7 Dec 2026, 14:05 (Beijing time);');
    const late = render('user.invitation', { name: '周专家', roleNames: '专家', roleNamesEn: 'expert', link: 'http://x/i', acceptBy: '2026-12-07T17:30:00.000Z' });
    expect(late.bodyZh).toContain('请在北京时间 2026年12月8日 01:30 前打开');
    expect(late.text).toContain('Open this link before 8 Dec 2026, 01:30 (Beijing time) to set');
  });

  it('show a value of another shape as it came, as one queued before this rule', () => {
    const old = render('user.invitation', { name: '周专家', roleNames: '专家', roleNamesEn: 'expert', link: 'http://x/i', acceptBy: '2026/12/7 14:05:00' });
    expect(old.bodyZh).toContain('请在2026/12/7 14:05:00 前打开');
  });
});
