import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestApp } from './app';
import type { World } from './world';
import { standIn, useTestApp, type SetUp } from './use-app';

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

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it stands: no violation. Given a name, the page
 * is then saved as docs/screenshots/<name>.png: every screenshot is of a page axe has passed.
 */
export async function expectAccessible(page: Page, shot?: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(found).toEqual([]);
  if (shot) await screenshot(page, shot);
}

/** The page needs no sideways scrolling (evaluated in the page: these files have no DOM types). */
export const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** The accessible description of a labelled field: the words a screen reader reads after its name. */
export async function descriptionOf(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label).getAttribute('aria-describedby')) ?? '';
  const parts = await Promise.all(ids.split(/\s+/).filter(Boolean).map((id) => page.evaluate<string>(`document.getElementById(${JSON.stringify(id)})?.textContent ?? ''`)));
  return parts.join(' ').trim();
}

/**
 * The set-up every browser file shares: the app (with a world) started and Chromium launched
 * before the file's tests, both closed after them. Browser files take a database of their own by
 * default: a reviewer's inbox and the notice page list everything of a city or a round. Options
 * that need something another hook makes first (an SMTP sink's url) are given as a function.
 */
export function useBrowser(setUp: SetUp | (() => SetUp) = { ownDatabase: true }): { t: TestApp; w: World; browser: Browser } {
  const { t, w } = useTestApp(setUp);
  let current: Browser | undefined;
  beforeAll(async () => {
    current = await launch();
  });
  afterAll(async () => current?.close());
  return { t, w, browser: standIn('browser', () => current) };
}

/** Where the screenshots of the main pages land (the README names this folder). */
export const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');

/** Saves the page as it stands, whole, as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
