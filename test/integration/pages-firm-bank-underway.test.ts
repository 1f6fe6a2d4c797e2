import { describe, expect, it } from 'vitest';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// A batch copies payee and account when a case is put in it (db/schema/batches.ts): the firm that
// changes its bank meanwhile is told, on /firm, which applications are still paid to the old account.
const { t, w } = useTestApp();

describe('the firm profile page while a disbursement batch holds one of its applications', () => {
  it('names the application, its batch and the copied account beside the bank fields, and says so on saving a new account', async () => {
    const caseId = await w.caseIn('approved');
    const batch = await t.api.post<{ id: string; number: string }>('/disbursements', { roundId: w.round.id, caseIds: [caseId] }, w.tokens.finance);
    expect(batch.status).toBe(201);
    const caseNumber = (await t.api.get<{ number: string }>(`/cases/${caseId}`, w.tokens.firm)).body.number;
    const oldLast4 = w.firm.bankAccount.slice(-4);

    const b = new PageClient(t.url);
    await b.signIn(w.people.firm.email);
    const before = await b.get(`/firm/${w.firm.id}`);
    expect(before.text).toContain('id="payments-underway"');
    expect(before.text).toContain(`申请 ${caseNumber}：拨付批次 ${batch.body.number}（草稿），将付至 ${w.firm.bankName} 尾号 ${oldLast4} 的账户`);
    expect(before.text).toContain('新的账户用于以后的拨付批次');
    // another firm's own page says nothing of this firm's payments
    const otherFirm = new PageClient(t.url);
    await otherFirm.signIn(w.people.otherFirm.email);
    const theirs = await otherFirm.get(`/firm/${w.otherFirm.id}`);
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('id="payments-underway"');
    expect(theirs.text).not.toContain(caseNumber);

    const newAccount = '6222020200099998888';
    const fields = { name: w.firm.name, address: w.firm.address, contactName: w.firm.contactName, contactPhone: w.firm.contactPhone, contactEmail: w.firm.contactEmail, bankName: w.firm.bankName, bankAccount: newAccount, affiliations: '' };
    const saved = await b.post(`/firm/${w.firm.id}`, { _csrf: PageClient.csrfOf(before.text), ...fields });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/firm/${w.firm.id}?saved=bank`);
    const after = await b.get(saved.headers.get('location') ?? '');
    expect(after.text).toContain('企业信息已保存。请注意：新的收款账户只用于以后放入拨付批次的申请');
    // the payment still goes to the account copied into the batch, and the page says that one
    expect(after.text).toContain(`尾号 ${oldLast4} 的账户`);
    expect(after.text).not.toContain('尾号 8888');
    const view = await t.api.get<{ cases: { caseId: string; bankAccount: string }[] }>(`/disbursements/${batch.body.id}`, w.tokens.finance);
    expect(view.body.cases.find((c) => c.caseId === caseId)?.bankAccount).toBe(w.firm.bankAccount);

    // a reviewer reading the firm is not shown the firm's own note
    const reviewer = new PageClient(t.url);
    await reviewer.signIn(w.people.municipal.email);
    expect((await reviewer.get(`/firm/${w.firm.id}`)).text).not.toContain('id="payments-underway"');

    // once the batch is cancelled no payment is pending: the note goes, and a bank change is saved plainly
    expect((await t.api.post(`/disbursements/${batch.body.id}/events`, { type: 'CANCEL', reason: '测试取消' }, w.tokens.finance)).status).toBe(200);
    const cleared = await b.get(`/firm/${w.firm.id}`);
    expect(cleared.text).not.toContain('id="payments-underway"');
    const again = await b.post(`/firm/${w.firm.id}`, { _csrf: PageClient.csrfOf(cleared.text), ...fields, bankAccount: '6222020200099997777' });
    expect(again.headers.get('location')).toBe(`/firm/${w.firm.id}?saved=1`);
  });
});
