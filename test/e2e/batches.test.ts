import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../server/calendar/workdays';
import { consoleErrors, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';

const { t, w, browser } = useBrowser();

interface Batch {
  id: string;
  number: string;
  state: string;
  cases: { caseId: string; caseNumber: string; paymentId: string; amount: string; payee: string; bankAccount: string }[];
}

const bytesOf = async (download: { path(): Promise<string | null> }) => readFile((await download.path()) ?? '');

describe('disbursement batches, in a browser', { timeout: 240_000 }, () => {
  it('one finance user makes and submits a batch, a second approves it; the bank file, the payments and the statement check follow', async () => {
    const ids = [await w.caseIn('approved'), await w.caseIn('approved')];

    // A: the calculated cases on /money, the batch made of them and submitted
    const a = await openPage(browser, t.url);
    await signIn(a, w.people.finance.email);
    await a.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '补偿资金' }).click();
    await expect.poll(() => a.getByRole('heading', { name: '将纳入批次的申请' }).count()).toBe(1);
    await expect.poll(() => a.getByText('尚无拨付批次。').count()).toBe(1);
    await expectAccessible(a, 'batches-money-empty');
    await a.getByRole('button', { name: '创建拨付批次（2 项申请）' }).click();
    await expect.poll(() => a.getByRole('status').textContent()).toContain('拨付批次已创建');
    const number = ((await a.getByRole('heading', { level: 1 }).textContent()) ?? '').replace('拨付批次 ', '');
    expect(number).toMatch(/^PB\d{4}-\d{4}$/);
    await a.getByRole('button', { name: '提交审批' }).click();
    await expect.poll(() => a.getByRole('status').textContent()).toContain('已办理：提交审批');
    // four eyes: no approve button for the one who made and submitted it, and the rule's words why
    expect(await a.getByRole('button', { name: '审批通过' }).count()).toBe(0);
    await expect.poll(() => a.getByText('您不能“审批通过”：拨付批次须由创建人和提交人以外的另一名财务人员审批').count()).toBe(1);
    await expectAccessible(a, 'batches-batch-refused');

    // the list shows it, awaiting approval
    await a.goto('/money');
    const row = a.getByRole('row', { name: new RegExp(number) });
    await expect.poll(() => row.getByText('待审批').count()).toBe(1);
    await expectAccessible(a, 'batches-money');

    // B approves, on a phone
    const b = await openPage(browser, t.url, { phone: true });
    await signIn(b, w.people.finance2.email);
    await b.goto('/money');
    await b.getByRole('link', { name: number }).click();
    await b.getByLabel('审批意见').fill('金额与核定结果一致，同意拨付');
    await b.getByRole('button', { name: '审批通过' }).click();
    await expect.poll(() => b.getByRole('status').textContent()).toContain('已办理：审批通过');
    expect(await fitsWidth(b)).toBe(true);
    await expectAccessible(b, 'batches-batch-approved-phone');

    const batch = (await t.api.get<{ items: { id: string; number: string }[] }>('/disbursements', w.tokens.finance)).body.items.find((x) => x.number === number);
    const view = (await t.api.get<Batch>(`/disbursements/${batch?.id ?? ''}`, w.tokens.finance)).body;
    expect(view.state).toBe('approved');
    expect(view.cases.map((c) => c.caseId).sort()).toEqual([...ids].sort());
    const [first, second] = view.cases;
    if (!first || !second) throw new Error('the batch has not two payments');

    // the bank file, as CSV and as XLSX
    const csv = await Promise.all([b.waitForEvent('download'), b.getByRole('link', { name: '下载付款文件（CSV）' }).click()]).then(([d]) => d);
    expect(csv.suggestedFilename()).toBe(`${number}.csv`);
    const lines = (await bytesOf(csv)).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith(`${first.paymentId},${first.caseNumber},`)).toBe(true);
    expect(lines[1]?.endsWith(`,${first.bankAccount},${first.amount}`)).toBe(true);
    expect(lines[2]?.startsWith(`${second.paymentId},${second.caseNumber},`)).toBe(true);
    const xlsx = await Promise.all([b.waitForEvent('download'), b.getByRole('link', { name: '下载付款文件（XLSX）' }).click()]).then(([d]) => d);
    expect(xlsx.suggestedFilename()).toBe(`${number}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await bytesOf(xlsx)) as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(2).getCell(1).value).toBe(first.paymentId);
    expect(sheet?.getRow(2).getCell(5).value).toBe(first.bankAccount);
    expect(sheet?.getRow(2).getCell(6).value).toBe(Number(first.amount));
    expect(sheet?.getRow(3).getCell(1).value).toBe(second.paymentId);

    // the bank's statement checked: the first payment as paid, the second at an amount that differs, a line the batch does not know
    const today = shanghaiDate(t.app.clock.now());
    const dir = await mkdtemp(join(tmpdir(), 'statement-'));
    const file = join(dir, 'statement.csv');
    await writeFile(file, ['付款编号,金额,银行流水号,交易日期', `${first.paymentId},${first.amount},ICBC-20261201-0001,${today}`, `${second.paymentId},1.00,ICBC-20261201-0002,${today}`, `PAY-PB2099-9999-0001,500.00,ICBC-X,${today}`].join('\r\n'));
    await b.getByLabel('对账单文件（CSV）').setInputFiles(file);
    await b.getByRole('button', { name: '核对对账单' }).click();
    await expect.poll(() => b.getByRole('heading', { name: '对账结果' }).count()).toBe(1);
    const unknown = b.getByRole('table', { name: '本批次没有的付款编号（1）' });
    await expect.poll(() => unknown.getByText('PAY-PB2099-9999-0001').count()).toBe(1);
    const wrong = b.getByRole('table', { name: '金额不符（1）' });
    await expect.poll(() => wrong.getByRole('row', { name: new RegExp(second.paymentId) }).textContent()).toContain('1.00');
    expect(await fitsWidth(b)).toBe(true);
    await expectAccessible(b, 'batches-statement');
    // nothing changed by the check
    expect((await t.api.get<{ state: string }>(`/cases/${second.caseId}`, w.tokens.finance)).body.state).toBe('paymentApproved');

    // settlement: the first filled in from the statement, the second failed with the bank's words
    await expect.poll(() => b.getByText(/^已按对账单预填 1 笔付款/).count()).toBe(1);
    const paid = b.getByRole('group', { name: new RegExp(first.paymentId) });
    await expect.poll(() => paid.getByText('取自对账单第 2 行，可修改。').count()).toBe(1);
    expect(await paid.getByLabel('结果').inputValue()).toBe('paid');
    expect(await paid.getByLabel('银行流水号').inputValue()).toBe('ICBC-20261201-0001');
    expect(await paid.getByLabel('付款日期').inputValue()).toBe(today);
    const failed = b.getByRole('group', { name: new RegExp(second.paymentId) });
    await expect.poll(() => failed.getByText('对账单金额 1.00 元与应付金额不符，未预填，请核实。').count()).toBe(1);
    expect(await failed.getByLabel('结果').inputValue()).toBe('none');
    await failed.getByLabel('结果').selectOption({ label: '拨付失败' });
    await failed.getByLabel('失败原因').fill('收款账号已销户');
    await b.getByRole('button', { name: '登记拨付结果' }).click();
    // shown back first, to be confirmed: nothing recorded yet
    await expect.poll(() => b.getByRole('heading', { name: '请核对后确认登记' }).count()).toBe(1);
    await expect.poll(() => b.getByText(/^已拨付 1 笔，合计 .* 元；拨付失败 1 笔，合计 .* 元。$/).count()).toBe(1);
    expect((await t.api.get<{ state: string }>(`/cases/${second.caseId}`, w.tokens.finance)).body.state).toBe('paymentApproved');
    await b.getByRole('button', { name: '确认登记' }).click();
    await expect.poll(() => b.getByRole('status').textContent()).toContain('已办理：登记拨付结果');
    await expect.poll(() => b.getByText('流水号 ICBC-20261201-0001').count()).toBe(1);
    await expect.poll(() => b.getByText('收款账号已销户').count()).toBeGreaterThan(0);
    // settled: no statement to check any more, and the page says why
    expect(await b.getByLabel('对账单文件（CSV）').count()).toBe(0);
    await expect.poll(() => b.getByText('本批次已办结，每笔付款均已登记，不再核对对账单。').count()).toBe(1);
    await expectAccessible(b, 'batches-settled-phone');
    // the failed payment's case is back to be batched again; the paid one is paid
    expect((await t.api.get<{ state: string }>(`/cases/${second.caseId}`, w.tokens.finance)).body.state).toBe('calculated');
    expect((await t.api.get<{ state: string }>(`/cases/${first.caseId}`, w.tokens.finance)).body.state).toBe('paid');

    const desk = await openPage(browser, t.url);
    await signIn(desk, w.people.finance2.email);
    // the same batch in English (switched from the batch's own address: a form's answer goes back home)
    await desk.goto(`/money/batches/${view.id}`);
    await desk.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => desk.getByRole('heading', { level: 1 }).textContent()).toBe(`Disbursement batch ${number}`);
    await expect.poll(() => desk.getByText('1 paid, 1 failed').count()).toBe(1);
    await expectAccessible(desk, 'batches-batch-en');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a round summary from the report, with its downloads', async () => {
    await w.caseIn('approved');
    const page = await openPage(browser, t.url);
    await signIn(page, w.people.provincial.email);
    await page.goto('/money');
    // a provincial reviewer reads batches and reports, and has no form to make a batch
    expect(await page.getByRole('heading', { name: '新建拨付批次' }).count()).toBe(0);
    await page.getByRole('link', { name: '查看汇总' }).first().click();
    await expect.poll(() => page.getByRole('heading', { name: '按状态' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('row', { name: /全部申请/ }).textContent()).toMatch(/\d/);
    await expectAccessible(page, 'batches-round-report');
    const summary = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '汇总报表（XLSX）' }).click()]).then(([d]) => d);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await bytesOf(summary)) as unknown as ExcelJS.Buffer);
    expect(book.worksheets.length).toBeGreaterThan(0);
    const cases = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '申请明细（XLSX）' }).click()]).then(([d]) => d);
    const casesBook = new ExcelJS.Workbook();
    await casesBook.xlsx.load((await bytesOf(cases)) as unknown as ExcelJS.Buffer);
    expect(casesBook.worksheets[0]?.rowCount).toBeGreaterThan(1);
  });
});
