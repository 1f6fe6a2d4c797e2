import { describe, expect, it } from 'vitest';
import { expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';

// The firm list, through the browser: a municipal reviewer opens it from the navigation, searches
// by a part of the USCC and opens the firm's page from the table; the list passes axe on a phone too.
const { t, w, browser } = useBrowser();

describe('the firm list, in a browser', { timeout: 120_000 }, () => {
  it("takes a municipal reviewer from the navigation to a firm's page by a search", async () => {
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.municipal.email);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '企业列表' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '企业列表' }).count()).toBe(1);
    await expectAccessible(page);
    await page.getByRole('searchbox', { name: '搜索', exact: true }).fill(w.firm.uscc.slice(2, 12));
    await page.getByRole('search').getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.getByRole('link', { name: w.firm.name }).count()).toBe(1);
    expect(await page.getByRole('link', { name: w.otherFirm.name }).count()).toBe(0);
    await page.getByRole('link', { name: w.firm.name }).click();
    await expect.poll(() => page.url()).toContain(`/firm/${w.firm.id}`);
    expect(await page.getByText(w.firm.uscc).count()).toBeGreaterThan(0);

    const phone = await openPage(browser, t.url, { phone: true });
    await signIn(phone, w.people.provincial.email);
    await phone.goto('/firms');
    await expectAccessible(phone);
    expect(await fitsWidth(phone)).toBe(true);
  });
});
