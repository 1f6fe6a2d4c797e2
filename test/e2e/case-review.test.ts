import { describe, expect, it } from 'vitest';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';

// a database of its own: the inbox of a city's reviewer lists every case of that city
const { t, w, browser } = useBrowser();

describe('reviewing a case, in a browser', { timeout: 120_000 }, () => {
  it('takes a municipal reviewer from the inbox to the case and returns it with reasons', async () => {
    const id = await w.caseIn('municipal');
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.municipal)).body.number;
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.municipal.email);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '待办' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('待办');
    await expectAccessible(page, 'inbox-municipal');
    await page.getByRole('link', { name: number }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(number);
    await expectAccessible(page, 'case-municipal');

    const form = page.getByRole('form', { name: '退回补正' });
    await form.getByRole('button').click();
    // the reason sits beside the field and is its accessible description
    await expect.poll(() => page.getByLabel('退回理由').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '退回理由')).not.toBe('');
    await expectAccessible(page);
    await page.getByLabel('退回理由').fill('检测报告缺少签章\n请补充用户单位确认函');
    await page.getByRole('form', { name: '退回补正' }).getByRole('button').click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已退回企业补正，等待企业补正后重新提交');
    await expect.poll(() => page.getByText('请补充用户单位确认函').count()).toBe(1);
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.municipal)).body.state).toBe('revision');
    expect(consoleErrors).toEqual([]);
  });

  it("shows the firm its cases and a case's timeline on a phone, accessibly", async () => {
    const id = await w.caseIn('revision');
    const page = await openPage(browser, t.url, { phone: true });
    await signIn(page, w.people.firm.email);
    await expectAccessible(page, 'dashboard-firm-phone');
    await page.goto('/cases');
    await expect.poll(() => page.getByText('待补正').count()).toBeGreaterThan(0);
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'cases-firm-phone');
    await page.goto(`/cases/${id}`);
    await expect.poll(() => page.getByRole('heading', { name: '办理记录' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: '确认：重新提交' }).count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page, 'case-firm-phone');
  });

  it("answers the 404 page for another firm's case and the 403 page for a firm's inbox", async () => {
    const id = await w.caseIn('draft');
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.otherFirm.email);
    expect((await page.goto(`/cases/${id}`))?.status()).toBe(404);
    await expectAccessible(page, 'error-404');
    expect((await page.goto('/inbox'))?.status()).toBe(403);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('无权访问');
    await expectAccessible(page, 'error-403');
  });
});
