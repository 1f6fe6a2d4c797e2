import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUscc } from '../../seeds/factories';
import { REQUIRED_DOCUMENTS } from '../../seeds/factories';
import { pdfBytes } from '../fixtures/documents/files';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';
import { fillApplication, uploadDocument as upload } from '../support/journeys';

// A firm's whole way in, through the browser only: it registers, confirms from the mailbox (the
// mail worker sends to a real SMTP server in this process), signs in, fills in the application
// with the catalogue picker, uploads its documents and submits. The app runs workers, so the file
// has a database of its own.
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());
const { t, w, browser } = useBrowser(() => ({ workers: true, smtpUrl: smtp.url }));

const PASSWORD = 'Wafer-firm-2026!';

/** The problems the pre-submission check lists now. */
const problemCount = (page: Page) => page.locator('#submission-problems li').count();

function withWrongCheck(code: string): string {
  return code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
}


describe('a firm, from registration to a submitted application, in a browser', { timeout: 240_000 }, () => {
  it('registers, confirms by email, signs in, applies with the picker, uploads, and submits', async () => {
    const email = `${randomUUID()}@wafer.test`;
    const uscc = randomUscc('330100');
    const page = await openPage(browser, t.url);

    // registration, linked from the sign-in page; a wrong code is named beside its field first
    await page.goto('/login');
    await page.getByRole('link', { name: '企业注册' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('企业注册');
    await page.getByLabel('企业名称').fill('浙江晶圆新材料有限公司');
    await page.getByLabel('统一社会信用代码').fill(withWrongCheck(uscc));
    await page.getByLabel('所在城市').selectOption({ label: '杭州市' });
    await page.getByLabel('企业地址').fill('杭州市滨江区江南大道 100 号');
    await page.getByLabel('联系人', { exact: true }).fill('钱工');
    await page.getByLabel('联系电话').fill('0571-88886666');
    await page.getByLabel('联系邮箱').fill('qian@wafer.test');
    await page.getByLabel('开户银行（选填，提交申请前须补全）').fill('中国工商银行杭州高新支行');
    await page.getByLabel('银行账号（选填，仅数字）').fill('1202020209000012345');
    await page.getByLabel('您的姓名').fill('钱经理');
    await page.getByLabel('登录邮箱').fill(email);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await expectAccessible(page, 'firm-register');
    await page.getByRole('button', { name: '提交注册' }).click();
    await expect.poll(() => page.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '统一社会信用代码')).toContain('校验位');
    expect(await page.getByLabel('企业名称').inputValue()).toBe('浙江晶圆新材料有限公司');
    await expectAccessible(page, 'firm-register-error');
    await page.getByLabel('统一社会信用代码').fill(uscc);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('button', { name: '提交注册' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('请查收邮件');

    // the emailed link opens a page of this site, whose button confirms
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    const link = /https?:\/\/\S+?(\/register\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    await page.goto(link ?? '/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('确认企业注册');
    await page.getByRole('button', { name: '确认注册' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('注册已完成');
    await expectAccessible(page, 'firm-confirmation');
    await page.getByRole('main').getByRole('link', { name: '登录' }).click();
    await signIn(page, email, PASSWORD);

    // the application form: the material from the catalogue picker, searched as one types
    await page.getByRole('main').getByRole('link', { name: '新建申请' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('新建申请');
    await fillApplication(page, w);
    await expectAccessible(page, 'firm-application-form');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('申请已保存。');

    // the check lists what SUBMIT would refuse: the documents, one by one
    const before = await problemCount(page);
    expect(before).toBe(REQUIRED_DOCUMENTS.length);
    await expect.poll(() => page.getByText('缺少必备材料：营业执照，请上传').count()).toBe(1);
    await expectAccessible(page, 'firm-problems');

    // a file that is not a document is refused beside its field; a PDF is taken
    await upload(page, 'business_license', 'licence.txt', Buffer.from('not a document'), 'text/plain');
    await expect.poll(() => page.getByLabel('选择营业执照文件').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '选择营业执照文件')).not.toBe('');
    await upload(page, 'business_license', '营业执照.pdf', pdfBytes('licence'));
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('已上传营业执照（第 1 版）。');
    expect(await problemCount(page)).toBe(before - 1);
    await upload(page, 'business_license', '营业执照-盖章.pdf', pdfBytes('licence, stamped'));
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('已上传营业执照（第 2 版）。');
    await expect.poll(() => page.getByRole('list', { name: /营业执照/ }).getByRole('listitem').count()).toBe(2);
    for (const [i, type] of REQUIRED_DOCUMENTS.filter((d) => d !== 'business_license').entries()) {
      await upload(page, type, `${type}.pdf`, pdfBytes(type));
      expect(await problemCount(page)).toBe(before - 2 - i);
    }
    await expect.poll(() => page.getByText('检查通过：信息和材料已齐全，可以提交。').count()).toBe(1);
    await expectAccessible(page, 'firm-documents');

    // the same page in English
    await page.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Check before submitting' }).count()).toBe(1);
    await expectAccessible(page, 'firm-documents-en');
    await page.getByRole('button', { name: 'Change language' }).click();

    // submitted, the case is with the municipal reviewer
    await page.getByRole('button', { name: '确认：提交申请' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('申请已提交，等待');
    await expect.poll(() => page.locator('main .badge').first().textContent()).toBe('市级初审');
    expect(await page.getByRole('heading', { name: '提交前检查' }).count()).toBe(0);
    const number = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    await page.goto('/cases');
    await expect.poll(() => page.getByRole('row', { name: new RegExp(number) }).locator('.badge').textContent()).toBe('市级初审');
    expect(consoleErrors).toEqual([]);
  });

  it('shows the form on a phone, and the problems when SUBMIT is refused', async () => {
    const id = await w.createCase({ material: { name: '超纯氨', specification: '7N' } });
    const page = await openPage(browser, t.url, { phone: true });
    await signIn(page, w.people.firm.email);
    await page.goto('/cases');
    await page.getByRole('link', { name: '新建申请' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('新建申请');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => page.locator('fieldset.entries .error').textContent()).toBe('请在目录中搜索并选择一项材料');
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'firm-application-phone');
    await page.goto('/cases/new');
    await page.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New application');
    await expect.poll(() => page.getByRole('radio').count()).toBe(w.entries.length);
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'firm-application-en-phone');
    await page.getByRole('button', { name: 'Change language' }).click();

    await page.goto(`/cases/${id}`);
    await page.getByRole('button', { name: '确认：提交申请' }).click();
    const refused = page.getByRole('form', { name: '提交申请' });
    await expect.poll(() => refused.getByText('缺少必备材料：营业执照，请上传').count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.firm)).body.state).toBe('draft');
  });

  it('searches the catalogue without scripts: the button posts the form back with the results', async () => {
    const context = await browser.newContext({ baseURL: t.url, locale: 'zh-CN', javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, w.people.firm.email);
    await page.goto('/cases/new');
    await page.getByLabel('合同编号').fill('HT-NOJS-1');
    await page.getByLabel('在目录中搜索材料').fill('超纯氨');
    await page.getByRole('button', { name: '搜索目录' }).click();
    await expect.poll(() => page.getByRole('radio').count()).toBe(1);
    expect(await page.getByLabel('合同编号').inputValue()).toBe('HT-NOJS-1');
    await page.getByRole('radio', { name: /超纯氨/ }).check();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('申请已保存。');
    await context.close();
  });
});
