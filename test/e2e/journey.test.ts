import { describe, expect, it } from 'vitest';
import { REQUIRED_DOCUMENTS } from '../../seeds/factories';
import { shanghaiDate } from '../../server/calendar/workdays';
import { yuan } from '../../server/pages/format';
import { pdfBytes } from '../fixtures/documents/files';
import { consoleErrors, expectAccessible, openPage, signIn, useBrowser } from '../support/browser';
import { acceptAssignment, clockBack, endNoticePeriod, fillApplication, fillScores, sendScores, uploadDocument } from '../support/journeys';

// One case from draft to paid through the browser only (SPEC §4, §7): the firm applies, the
// municipal reviewer approves, the insurer verifies the policy, the provincial reviewer approves
// and assigns a panel, the experts score, the notice is published and its period ends, finance
// batches, approves (a second person) and pays. The API only reads state for the assertions; the
// admin test clock moves time past the notice. Time moves here: the file's database is its own.
const { t, w, browser } = useBrowser();

interface CaseView {
  number: string;
  state: string;
  subsidy: { amount: string } | null;
}
const stateOf = async (id: string) => (await t.api.get<CaseView>(`/cases/${id}`, w.tokens.provincial)).body.state;
const heading = (page: import('playwright-core').Page) => page.getByRole('heading', { level: 1 }).textContent();

describe('one case from draft to paid, in a browser', { timeout: 600_000 }, () => {
  it('is applied for, reviewed, verified, scored, noticed, approved, batched and paid through the pages', async () => {
    const panel = [];
    for (const name of ['周立新', '陈海燕', '刘国栋']) panel.push((await w.makeExperts(1, { name, organisationName: '浙江大学材料科学与工程学院' }))[0]);

    // 1. the firm applies, uploads every required document and submits
    const firm = await openPage(browser, t.url);
    await signIn(firm, w.people.firm.email);
    await firm.goto('/cases/new');
    await expect.poll(() => heading(firm)).toBe('新建申请');
    await fillApplication(firm, w);
    await firm.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => firm.getByRole('status').first().textContent()).toBe('申请已保存。');
    const caseId = /\/cases\/([0-9a-f-]{36})/.exec(firm.url())?.[1];
    if (!caseId) throw new Error(`not on a case page: ${firm.url()}`);
    for (const type of REQUIRED_DOCUMENTS) await uploadDocument(firm, type, `${type}.pdf`, pdfBytes(type));
    await expect.poll(() => firm.getByText('检查通过：信息和材料已齐全，可以提交。').count()).toBe(1);
    await firm.getByRole('button', { name: '确认：提交申请' }).click();
    await expect.poll(() => firm.locator('main .badge').first().textContent()).toBe('市级初审');
    const number = (await heading(firm)) ?? '';
    expect(number).not.toBe('');
    expect(await stateOf(caseId)).toBe('municipal');

    // 2. the municipal reviewer approves it from the inbox
    const municipal = await openPage(browser, t.url);
    await signIn(municipal, w.people.municipal.email);
    await municipal.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '待办' }).click();
    await expect.poll(() => heading(municipal)).toBe('待办');
    await expect.poll(() => municipal.getByRole('link', { name: number }).count()).toBe(1);
    await expectAccessible(municipal, 'journey-inbox-municipal');
    await municipal.getByRole('link', { name: number }).click();
    await expect.poll(() => heading(municipal)).toBe(number);
    await municipal.getByRole('button', { name: '确认：审核通过' }).click();
    await expect.poll(() => municipal.getByRole('status').first().textContent()).toContain('审核通过');
    await expect.poll(() => stateOf(caseId)).toBe('provincial');

    // 3. the insurer verifies the policy on the case page
    const insurer = await openPage(browser, t.url);
    await signIn(insurer, w.people.insurer.email);
    await insurer.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '待办' }).click();
    await expect.poll(() => heading(insurer)).toBe('待办');
    await insurer.getByRole('link', { name: number }).click();
    await expect.poll(() => heading(insurer)).toBe(number);
    const verify = insurer.getByRole('button', { name: '确认：保单核验通过' });
    await expect.poll(() => verify.count()).toBe(1);
    await expectAccessible(insurer, 'journey-insurer-verify');
    await insurer.getByRole('checkbox', { name: '已与本公司系统核对保单及保费收据' }).check();
    await verify.click();
    await expect.poll(() => insurer.getByRole('status').first().textContent()).toContain('保单已核验通过');
    expect(await insurer.getByRole('button', { name: '确认：保单核验通过' }).count()).toBe(0);

    // 4. the provincial reviewer approves and assigns the panel; each expert accepts and scores
    const provincial = await openPage(browser, t.url);
    await signIn(provincial, w.people.provincial.email);
    await provincial.goto(`/cases/${caseId}`);
    await provincial.getByRole('button', { name: '确认：审核通过' }).click();
    await expect.poll(() => provincial.getByRole('status').first().textContent()).toContain('审核通过');
    await expect.poll(() => stateOf(caseId)).toBe('expert');
    const assign = provincial.getByRole('form', { name: '指派评审专家' });
    await expect.poll(() => assign.count()).toBe(1);
    for (const name of ['周立新', '陈海燕', '刘国栋']) await assign.getByRole('checkbox', { name: `${name} · 浙江大学材料科学与工程学院` }).check();
    await assign.getByRole('button', { name: '指派' }).click();
    await expect.poll(() => provincial.getByRole('status').textContent()).toContain('指派评审专家');
    await expect.poll(() => provincial.getByRole('cell', { name: '待接受' }).count()).toBe(3);
    for (const expert of panel) {
      if (!expert) throw new Error('no expert');
      const page = await openPage(browser, t.url);
      await signIn(page, expert.user.email);
      await acceptAssignment(page, number);
      await fillScores(page);
      await sendScores(page);
      await page.context().close();
    }
    await provincial.goto(`/cases/${caseId}`);
    await expect.poll(() => provincial.getByRole('cell', { name: '81.00' }).count()).toBe(3);

    // 5. the notice published from /review/notices; its period ends; the case is approved with its subsidy
    await provincial.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '公示管理' }).click();
    await expect.poll(() => heading(provincial)).toBe('公示管理');
    await provincial.getByRole('checkbox', { name: `列入公示：${number}` }).check();
    await provincial.getByRole('button', { name: '发布公示' }).click();
    // a notice cannot be taken back: the cases are listed again, and published only on confirmation
    await provincial.getByRole('button', { name: /^确认发布/ }).click();
    await expect.poll(() => provincial.getByRole('status').textContent()).toContain('公示已发布');
    const noticeId = /\/review\/notices\/([0-9a-f-]{36})/.exec(provincial.url())?.[1];
    if (!noticeId) throw new Error(`not on a notice page: ${provincial.url()}`);
    expect(await stateOf(caseId)).toBe('notice');
    try {
      await endNoticePeriod(t, w, noticeId);
    } finally {
      await clockBack(t);
    }
    await expect.poll(() => stateOf(caseId)).toBe('calculated');
    const subsidy = (await t.api.get<CaseView>(`/cases/${caseId}`, w.tokens.firm)).body.subsidy;
    if (!subsidy) throw new Error('no subsidy calculated');
    expect(Number(subsidy.amount)).toBeGreaterThan(0);
    await firm.goto(`/cases/${caseId}`);
    await expect.poll(() => firm.locator('main p .badge').first().textContent()).toBe('补偿已核定');
    const figures = firm.getByRole('table', { name: '保费补偿' });
    await expect.poll(() => figures.getByRole('cell', { name: yuan(subsidy.amount), exact: true }).count()).toBeGreaterThan(0);
    await expectAccessible(firm, 'journey-case-calculated');

    // 6. finance A makes a batch of it and submits; B approves; A records the payment
    const a = await openPage(browser, t.url);
    await signIn(a, w.people.finance.email);
    await a.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '补偿资金' }).click();
    await expect.poll(() => a.getByRole('heading', { name: '将纳入批次的申请' }).count()).toBe(1);
    await a.getByRole('button', { name: '创建拨付批次（1 项申请）' }).click();
    await expect.poll(() => a.getByRole('status').textContent()).toContain('拨付批次已创建');
    const batchNumber = ((await heading(a)) ?? '').replace('拨付批次 ', '');
    expect(batchNumber).toMatch(/^PB\d{4}-\d{4}$/);
    const batchUrl = a.url();
    await a.getByRole('button', { name: '提交审批' }).click();
    await expect.poll(() => a.getByRole('status').textContent()).toContain('已办理：提交审批');

    const b = await openPage(browser, t.url);
    await signIn(b, w.people.finance2.email);
    await b.goto('/money');
    await b.getByRole('link', { name: batchNumber }).click();
    await b.getByLabel('审批意见').fill('金额与核定结果一致，同意拨付');
    await b.getByRole('button', { name: '审批通过' }).click();
    await expect.poll(() => b.getByRole('status').textContent()).toContain('已办理：审批通过');

    await a.goto(batchUrl);
    const payment = a.getByRole('group', { name: new RegExp(number) });
    await expect.poll(() => payment.count()).toBe(1);
    await payment.getByLabel('结果').selectOption({ label: '已拨付' });
    await payment.getByLabel('银行流水号').fill('ICBC-20261206-0001');
    await payment.getByLabel('付款日期').fill(shanghaiDate(t.app.clock.now()));
    await a.getByRole('button', { name: '登记拨付结果' }).click();
    // recorded payments cannot be undone: the page shows them for checking first
    await expect.poll(() => a.getByRole('heading', { name: '请核对后确认登记' }).count()).toBe(1);
    await a.getByRole('button', { name: '确认登记' }).click();
    await expect.poll(() => a.getByRole('status').textContent()).toContain('已办理：登记拨付结果');
    await expect.poll(() => a.getByText('流水号 ICBC-20261206-0001').count()).toBe(1);
    expect(await stateOf(caseId)).toBe('paid');

    // the firm's case page shows it paid
    await firm.goto(`/cases/${caseId}`);
    await expect.poll(() => firm.locator('main p .badge').first().textContent()).toBe('已拨付');
    await expectAccessible(firm, 'journey-case-paid');
    expect(consoleErrors).toEqual([]);
  });
});
