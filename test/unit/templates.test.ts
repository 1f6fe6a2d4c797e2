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
