import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'vitest';

// Debian's Chromium (apt-get install chromium fonts-noto-cjk; .ci/run installs it when missing):
// playwright-core drives it, and no browser build is ever downloaded.
export const CHROMIUM = '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser profile (its own cookies) on the app under test, at phone width when asked. */
export async function openPage(browser: Browser, baseURL: string, options: { phone?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', ...(options.phone ? { viewport: { width: 375, height: 740 } } : {}) });
  const page = await context.newPage();
  page.on('console', (m) => {
    // a 4xx answer the test asked for is logged as a failed load: not a page error
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

/** Errors a page wrote to its console (a CSP refusal shows up there); a test expects none. */
export const consoleErrors: string[] = [];

/** Signs in through the sign-in page with the labels a person reads. */
export async function signIn(page: Page, email: string, password = 'Test-password-1'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it stands: no violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(found).toEqual([]);
}

/** The page needs no sideways scrolling (evaluated in the page: these files have no DOM types). */
export const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** The accessible description of a labelled field: the words a screen reader reads after its name. */
export async function descriptionOf(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label).getAttribute('aria-describedby')) ?? '';
  const parts = await Promise.all(ids.split(/\s+/).filter(Boolean).map((id) => page.evaluate<string>(`document.getElementById(${JSON.stringify(id)})?.textContent ?? ''`)));
  return parts.join(' ').trim();
}
