import { beforeAll, describe, expect, it } from 'vitest';
import { makeEdition } from '../../seeds/factories';
import { consoleErrors, expectAccessible, fitsWidth, openPage, useBrowser } from '../support/browser';

const { t, browser } = useBrowser({ world: false });
let edition: string;
beforeAll(async () => {
  const made = await makeEdition(t.app.db, [
    { name: '超纯氨', requirements: '纯度≥99.99999%', applicationField: '集成电路' },
    { name: '高性能碳纤维', requirements: '拉伸强度≥4900 MPa', applicationField: '航空航天' },
  ]);
  edition = made.edition.id;
});

describe('the public catalogue, in a browser', { timeout: 90_000 }, () => {
  it('narrows the results while a visitor types, without a full page load, and is accessible', async () => {
    const page = await openPage(browser, t.url);
    await page.goto(`/catalogue?edition=${edition}`);
    await expect.poll(() => page.getByRole('cell', { name: '高性能碳纤维' }).count()).toBe(1);
    await expectAccessible(page, 'catalogue');
    await page.evaluate("window.__sameDocument = true");
    await page.getByRole('searchbox', { name: '关键词' }).fill('集成电路');
    await expect.poll(() => page.getByRole('cell', { name: '高性能碳纤维' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('cell', { name: '超纯氨' }).count()).toBe(1);
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    expect(new URL(page.url()).searchParams.get('q')).toBe('集成电路');
    expect(consoleErrors).toEqual([]);
  });

  it('works as a plain form with the keyboard, says what to do when nothing matches, and fits a phone', async () => {
    const page = await openPage(browser, t.url, { phone: true });
    await page.goto(`/catalogue?edition=${edition}`);
    await page.getByRole('searchbox', { name: '关键词' }).fill('没有这种材料');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('没有符合条件的条目').count()).toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    await expectAccessible(page);
  });
});
