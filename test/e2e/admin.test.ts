import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { makeEdition } from '../../seeds/factories';
import { eq } from 'drizzle-orm';
import { catalogueEditions } from '../../db/schema';

// The administrator's journey through the pages: a staff member invited (a mistyped address
// first) who sets a password from the emailed link and signs in; a round opened; a catalogue
// previewed, fixed, imported and published; an insurer added; a calendar day marked; the test
// clock moved. The mail goes through the outbox, the workers and real SMTP.
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => smtp.close());
const { t, w, browser } = useBrowser(() => ({ workers: true, smtpUrl: smtp.url }));

const SMALL_CSV = join(import.meta.dirname, '../fixtures/catalogue/small.csv');
const PASSWORD = 'Invited-2026-wafer';

describe('the administrator, in a browser', { timeout: 300_000 }, () => {
  it('invites a reviewer who sets a password and signs in, opens a round, imports and publishes a catalogue, adds an insurer, marks a holiday and moves the clock', async () => {
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.admin.email);
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.waitForURL('**/admin');
    await expectAccessible(page, 'admin-home');

    // users and invitations: a mistyped address is named beside its field, then the invitation goes out
    await page.getByRole('link', { name: '用户与邀请' }).click();
    await page.waitForURL('**/admin/users');
    await expectAccessible(page, 'admin-users');
    const email = `reviewer-${randomUUID().slice(0, 8)}@staff.test`;
    await page.getByLabel('邮箱', { exact: true }).fill('reviewer-at-staff.test');
    await page.getByLabel('姓名', { exact: true }).fill('钱审核');
    await page.locator('#i-roles').getByLabel('省级审核').check();
    await page.getByRole('button', { name: '发送邀请' }).click();
    await expect.poll(() => page.getByLabel('邮箱', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '邮箱')).not.toBe('');
    expect(await page.getByLabel('姓名', { exact: true }).inputValue()).toBe('钱审核');
    await expectAccessible(page, 'admin-users-invalid');
    await page.getByLabel('邮箱', { exact: true }).fill(email);
    await page.getByRole('button', { name: '发送邀请' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('邀请邮件已排队发送');
    await expect.poll(() => page.getByRole('link', { name: '钱审核' }).count()).toBe(1);

    // the invitation arrives; its link sets the password, and the reviewer signs in with it
    const mail = await smtp.waitFor((m) => m.to.includes(email));
    const token = /invitation\?token=([A-Za-z0-9_-]{40,})/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    const invitee = await openPage(browser, t.url);
    await invitee.goto(`/invitation?token=${token}`);
    // a slip in the second password is named beside it, and sets nothing
    await invitee.getByLabel('新密码', { exact: true }).fill(PASSWORD);
    await invitee.getByLabel('确认新密码').fill(`${PASSWORD}x`);
    await invitee.getByRole('button', { name: '设置密码' }).click();
    await expect.poll(() => invitee.getByLabel('确认新密码').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(invitee, '确认新密码')).toContain('两次输入的密码不一致');
    await invitee.getByLabel('新密码', { exact: true }).fill(PASSWORD);
    await invitee.getByLabel('确认新密码').fill(PASSWORD);
    await invitee.getByRole('button', { name: '设置密码' }).click();
    await expect.poll(() => invitee.getByText('您的账号已启用').count()).toBe(1);
    await signIn(invitee, email, PASSWORD);
    expect(new URL(invitee.url()).pathname).toBe('/');
    await expect.poll(() => invitee.getByText('省级审核').count()).toBeGreaterThan(0);
    await invitee.close();

    await page.getByRole('link', { name: '钱审核' }).click();
    await expect.poll(() => page.getByText('已启用', { exact: true }).count()).toBe(1);
    await expectAccessible(page, 'admin-user');

    // a round: closing before it opens is named beside the closing time, then it is created; a newer
    // edition, offered first, has categories of its own
    await makeEdition(t.app.db, [{ name: '石墨烯导热膜', topCategory: '前沿新材料' }], { year: 2027 });
    await page.goto('/admin/rounds');
    await expectAccessible(page, 'admin-rounds');
    await page.getByRole('link', { name: '新建批次' }).click();
    await page.getByLabel('批次名称').fill('2027 年第一批');
    await page.getByLabel('年度').fill('2027');
    await page.getByLabel('开始受理时间（北京时间）').fill('2027-03-01T09:00');
    await page.getByLabel('截止受理时间（北京时间）').fill('2027-02-01T17:00');
    await page.getByLabel('保险起期最早日期').fill('2027-01-01');
    await page.getByLabel('保险起期最晚日期').fill('2027-12-31');
    await page.getByLabel(`${w.insurer.code} · ${w.insurer.name}`).check();
    await page.getByLabel('批次预算（元，留空为不设）').fill('20,000,000.00');
    // the edition chosen brings its categories and entries (htmx), and one found by typing is excluded on its own
    expect(await page.getByRole('checkbox', { name: '前沿新材料' }).count()).toBe(1);
    await page.getByLabel('目录版本').selectOption(w.edition.id);
    await expect.poll(() => page.getByRole('checkbox', { name: /低缺陷高平坦度大尺寸半导体硅晶圆/ }).count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: '前沿新材料' }).count()).toBe(0);
    await page.getByLabel('搜索目录条目').fill('超纯');
    await expect.poll(() => page.getByRole('checkbox', { name: /低缺陷高平坦度/ }).count()).toBe(0);
    await page.getByRole('checkbox', { name: /超纯氨/ }).check();
    await page.getByRole('button', { name: '创建批次' }).click();
    await expect.poll(() => page.getByLabel('截止受理时间（北京时间）').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '截止受理时间（北京时间）')).toContain('晚于');
    await page.getByLabel('截止受理时间（北京时间）').fill('2027-05-31T17:00');
    await page.getByRole('button', { name: '创建批次' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('批次已创建');
    expect(await page.getByLabel('批次预算（元，留空为不设）').inputValue()).toBe('20,000,000.00');
    expect(await page.getByRole('checkbox', { name: /超纯氨/ }).isChecked()).toBe(true);
    // the rubric: a fifth criterion in a blank row, a pass mark no one can reach named beside it, then saved
    await page.getByLabel('第 5 行 评分项名称').fill('示范应用');
    await page.getByLabel('第 5 行 权重').fill('1');
    await page.getByLabel('第 5 行 满分').fill('10');
    await page.getByLabel('第 1 行 删除').check();
    await page.getByLabel('及格分').fill('200');
    await page.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => page.getByLabel('及格分').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '及格分')).toContain('高于满分 80');
    await page.getByLabel('及格分').fill('55');
    await page.getByRole('checkbox', { name: '诚信承诺书' }).uncheck();
    await page.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('批次已保存');
    expect(await page.getByLabel('第 4 行 评分项名称').inputValue()).toBe('示范应用');
    expect(await page.getByRole('checkbox', { name: '诚信承诺书' }).isChecked()).toBe(false);
    await expectAccessible(page, 'admin-round');
    await page.goto('/admin/rounds');
    await expect.poll(() => page.getByRole('cell', { name: '4 项 · 及格 55 分' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('cell', { name: '20,000,000.00' }).count()).toBe(1);

    // the catalogue: the preview names the malformed row, the fixed file imports and is published
    await page.goto('/admin/catalogue');
    const fill = async () => {
      await page.getByLabel('目录年度').fill('2027');
      await page.getByLabel('文号，如 浙经信材料〔2024〕182号').fill('浙经信材料〔2027〕1号');
      await page.getByLabel('生效日期').fill('2027-01-15');
    };
    const original = await readFile(SMALL_CSV);
    await page.getByLabel('目录文件（CSV 或 XLSX，不超过 10 MB）').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: original });
    await fill();
    await page.getByRole('button', { name: '预览（不写入）' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /错误/ }).count()).toBe(1);
    await expect.poll(() => page.getByRole('cell', { name: '15', exact: true }).count()).toBe(1);
    await expectAccessible(page, 'admin-catalogue-preview-errors');
    const fixed = Buffer.from(original.toString('utf8').replace('热导率≥1500W/(m·K),厚度≤40μm', '"热导率≥1500W/(m·K)，厚度≤40μm"'));
    await page.getByLabel('目录文件（CSV 或 XLSX，不超过 10 MB）').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: fixed });
    await page.getByRole('button', { name: '预览（不写入）' }).click();
    await expect.poll(() => page.getByText('未发现错误，可以导入。').count()).toBe(1);
    await expect.poll(() => page.getByRole('cell', { name: '正畸模型树脂' }).count()).toBe(1);
    await expectAccessible(page, 'admin-catalogue-preview');
    await page.getByLabel('目录文件（CSV 或 XLSX，不超过 10 MB）').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: fixed });
    await page.getByRole('button', { name: '导入为草稿' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已导入为草稿');
    // the open round keeps the edition this one supersedes: the administrator confirms they know
    await page.getByRole('button', { name: '发布此版本' }).click();
    await expect.poll(() => page.getByText('请勾选确认：上述批次继续使用原版本。').count()).toBeGreaterThan(0);
    await page.getByLabel('我已知悉：上述批次继续使用原版本').check();
    await page.getByRole('button', { name: '发布此版本' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已发布');
    await expectAccessible(page, 'admin-catalogue-edition');
    // not in force before its effective date, the new edition is searched when named
    const [published] = await t.app.db.select({ id: catalogueEditions.id }).from(catalogueEditions).where(eq(catalogueEditions.docNumber, '浙经信材料〔2027〕1号'));
    const visitor = await openPage(browser, t.url);
    await visitor.goto(`/catalogue?edition=${published?.id ?? ''}&q=正畸模型树脂`);
    await expect.poll(() => visitor.getByRole('cell', { name: '正畸模型树脂' }).count()).toBe(1);
    await visitor.close();

    // an insurer
    await page.goto('/admin/insurers');
    const code = `E2E${randomUUID().slice(0, 4)}`;
    await page.getByLabel('公司全称').fill('端到端财产保险股份有限公司');
    await page.getByLabel('简称代码（如 PICC）').fill(code);
    await page.getByRole('button', { name: '添加', exact: true }).click();
    await expect.poll(() => page.getByRole('cell', { name: code }).count()).toBe(1);
    await expectAccessible(page, 'admin-insurers');

    // the calendar: a weekend day is no holiday to add; a Monday is
    await page.goto('/admin/calendar?year=2027');
    await page.getByLabel('日期', { exact: true }).fill('2027-03-06');
    await page.getByLabel('类型').selectOption('holiday');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    await expect.poll(() => page.getByLabel('类型').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('日期', { exact: true }).fill('2027-03-08');
    await page.getByLabel('名称（如 春节）').fill('演示假日');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    // the change is asked first, saying how many running deadlines it moves
    await expect.poll(() => page.getByRole('heading', { name: '确认添加例外日期' }).count()).toBe(1);
    await page.getByRole('button', { name: '确认添加' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('日期已添加');
    await expect.poll(() => page.getByRole('cell', { name: '演示假日' }).count()).toBe(1);
    await expectAccessible(page, 'admin-calendar');

    // the test clock moves three days ahead
    await page.goto('/admin/clock');
    const before = await page.locator('#clock-now').textContent();
    await page.getByLabel('拨快天数').fill('3');
    await page.getByRole('button', { name: '拨快', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('时钟已调整');
    expect(await page.locator('#clock-now').textContent()).not.toBe(before);
    await expectAccessible(page, 'admin-clock');

    // and in English
    await page.goto('/admin');
    await page.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Administration' }).count()).toBe(1);
    await expectAccessible(page, 'admin-home-en');
    await page.getByRole('link', { name: 'Users and invitations' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Users and invitations', level: 1 }).count()).toBe(1);
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });

  it('fits a phone, and shows another role the 403 page', async () => {
    const phone = await openPage(browser, t.url, { phone: true });
    await signIn(phone, w.people.admin.email);
    await phone.goto('/admin/users');
    expect(await fitsWidth(phone)).toBe(true);
    await phone.goto('/admin/rounds/new');
    expect(await fitsWidth(phone)).toBe(true);
    await expectAccessible(phone);
    const other = await openPage(browser, t.url);
    await signIn(other, w.people.provincial.email);
    const res = await other.goto('/admin/users');
    expect(res?.status()).toBe(403);
    await expect.poll(() => other.getByRole('heading', { name: '无权访问' }).count()).toBe(1);
  });
});
