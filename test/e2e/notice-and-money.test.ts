import { describe, expect, it } from 'vitest';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';
import { pdfBytes } from '../fixtures/documents/files';
import { factoryDates } from '../../seeds/factories';

const { t, w, browser } = useBrowser();

describe('the public notice and the money, in a browser', { timeout: 120_000 }, () => {
  it('lets anyone read an open notice on a phone and object to a case, the error beside its field first', async () => {
    const caseId = await w.caseIn('awaitingNotice');
    const published = await t.api.post<{ id: string; number: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    expect(published.status).toBe(201);
    const page = await openPage(browser, t.url, { phone: true });
    await page.goto('/notices');
    await expectAccessible(page, 'notices-phone');
    await page.getByRole('link', { name: published.body.number }).click();
    await expect.poll(() => page.getByRole('heading', { name: '提出异议' }).count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'notice-phone');

    await page.getByLabel('姓名或单位名称').fill('李明');
    await page.getByLabel('异议理由').fill('太短');
    await page.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => page.getByLabel('异议理由').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '异议理由')).not.toBe('');
    await expectAccessible(page, 'notice-objection-error-phone');
    await page.getByLabel('异议理由').fill('该材料已在省外批量供货多年，并非首批次应用。');
    await page.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('异议已收到');
    expect((await t.api.get<{ state: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.state).toBe('objection');
    expect(consoleErrors).toEqual([]);
  });

  it('shows the firm its subsidy step by step and lets it report a claim and support it with a document', async () => {
    const id = await w.caseIn('approved');
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.firm.email);
    await page.goto(`/cases/${id}`);
    await expect.poll(() => page.getByRole('heading', { name: '保费补偿' }).count()).toBe(1);
    await expect.poll(() => page.getByText('补偿金额 S = 80% × E，计至分，舍去分以下部分').count()).toBe(1);
    await expectAccessible(page, 'case-subsidy-firm');
    const form = page.getByRole('form', { name: '报告理赔' });
    await form.getByLabel('出险日期').fill(factoryDates.lossOn);
    await form.getByLabel('索赔金额（元）').fill('120000.00');
    await form.getByLabel('事故经过').fill('批次产品表面缺陷，用户要求退货');
    await form.getByRole('button', { name: '报告理赔' }).click();
    await expect.poll(() => page.getByText('待保险公司决定').count()).toBe(1);
    const upload = page.getByRole('form', { name: '上传理赔材料' });
    await upload.getByLabel('选择文件').setInputFiles({ name: '损失清单.pdf', mimeType: 'application/pdf', buffer: pdfBytes('loss list') });
    await upload.getByRole('button', { name: '上传' }).click();
    await expect.poll(() => page.getByRole('link', { name: '损失清单.pdf' }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('lets one finance user propose a pro-rata reduction that another approves', async () => {
    await w.caseIn('approved');
    await t.app.database.sql`update rounds set budget_fen = 100000000 where id = ${w.round.id}`;
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.finance.email);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '补偿资金' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('补偿资金');
    await expectAccessible(page, 'money-finance');
    await page.getByRole('button', { name: '提出按比例核减方案' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('按比例核减方案');
    await expect.poll(() => page.getByText('方案须由另一名财务人员审核。').count()).toBe(1);
    await expectAccessible(page, 'pro-rata-finance');
  });
});
