import { describe, expect, it } from 'vitest';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';

// a database of its own (the default): the application form starts in the latest year's open round,
// and which rounds are open is global
const { t, w, browser } = useBrowser();

describe('signing in, in a browser', { timeout: 90_000 }, () => {
  it('signs in with the keyboard alone and lands on the dashboard', async () => {
    const page = await openPage(browser, t.url);
    await page.goto('/login');
    await expectAccessible(page, 'login');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe('跳到正文');
    await page.getByLabel('邮箱').focus();
    await page.keyboard.type(w.people.firm.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Test-password-1');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.url}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('工作台');
    await expect.poll(() => page.getByText(w.people.firm.name).count()).toBeGreaterThan(0);
    await expectAccessible(page);
  });

  it('shows the reason next to the field, and the wrong-password message, accessibly', async () => {
    const page = await openPage(browser, t.url);
    await page.goto('/login');
    await page.getByLabel('邮箱').fill('nobody');
    await page.getByLabel('密码').fill('x');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByLabel('邮箱').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(page, '邮箱')).not.toBe('');
    await expectAccessible(page);
    await page.getByLabel('邮箱').fill(w.people.firm.email);
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('邮箱或密码错误');
  });

  it('switches to English and stays English after signing in and out', async () => {
    const page = await openPage(browser, t.url);
    await page.goto('/login');
    await page.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('Email').fill(w.people.municipal.email);
    await page.getByLabel('Password').fill('Test-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
  });

  it('fits a phone screen without sideways scrolling and shows the 404 page', async () => {
    const page = await openPage(browser, t.url, { phone: true });
    await signIn(page, w.people.provincial.email);
    expect(await fitsWidth(page)).toBe(true);
    const res = await page.goto('/no-such-page');
    expect(res?.status()).toBe(404);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('页面不存在');
    await expectAccessible(page);
  });

  it('loads its stylesheet and htmx without any console error (the CSP refuses nothing)', async () => {
    const page = await openPage(browser, t.url);
    page.on('requestfailed', (r) => consoleErrors.push(`failed: ${r.url()}`));
    await page.goto('/login');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header')).display")).toBe('flex');
    expect(await page.evaluate<string>('typeof window.htmx')).toBe('object');
    expect(consoleErrors).toEqual([]);
  });

  it('opens the application form, whose live parts htmx drives, without any console error', async () => {
    const page = await openPage(browser, t.url);
    page.on('requestfailed', (r) => consoleErrors.push(`failed: ${r.url()}`));
    await signIn(page, w.people.firm.email);
    await page.goto('/cases/new');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('新建申请');
    expect(await page.evaluate<string>('typeof window.htmx')).toBe('object');
    // htmx keeps its hands off the styles: no <style> of its own, the indicator rules come from our stylesheet
    expect(await page.evaluate<number>('document.querySelectorAll("style").length')).toBe(0);
    const searching = "getComputedStyle(document.getElementById('entry-searching')).visibility";
    expect(await page.evaluate<string>(searching)).toBe('hidden');
    // typing searches the catalogue through htmx, which swaps the results in
    const entry = w.entries[1]?.name ?? '';
    await page.getByLabel('在目录中搜索材料').fill(entry);
    await expect.poll(() => page.getByRole('radio').count()).toBe(1);
    await page.getByRole('radio', { name: new RegExp(entry) }).check();
    expect(await page.evaluate<number>('document.querySelectorAll("style, [style]").length')).toBe(0);
    expect(await page.evaluate<string>(searching)).toBe('hidden');
    expect(consoleErrors).toEqual([]);
  });
});
