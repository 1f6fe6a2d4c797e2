import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';
import { factoryDates } from '../../seeds/factories';

// The insurer's part of the case page: the claim its inbox opens at, the policy beside the forms
// that verify it, one name for the payment reference, refused forms answered at the form, the
// policy's end as a fact of the policy, and who acted for the insurer in the history.
const { t, w } = useTestApp();

const signedIn = async (email: string, lang: 'zh' | 'en' = 'zh') => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  if (lang === 'en') b.cookies.set('fb_lang', 'en');
  return b;
};

const section = (html: string, id: string) => {
  const start = html.indexOf(`<section aria-labelledby="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
};

/** The form whose action is `action`, as the page has it. */
const formAt = (html: string, action: string) => {
  const start = html.indexOf(`action="${action}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</form>', start));
};

const stateOf = async (id: string) => (await t.api.get<{ state: string; stateValue: unknown }>(`/cases/${id}`, w.tokens.provincial)).body;

async function reportedClaim(): Promise<{ id: string; claim: { id: string; number: string } }> {
  const id = await w.caseIn('approved');
  const res = await t.api.post<{ id: string; number: string }>(`/cases/${id}/claims`, { occurredOn: factoryDates.lossOn, kind: 'quality', amount: '120000.00', description: '批次产品表面缺陷，用户退货' }, w.tokens.firm);
  expect(res.status).toBe(201);
  return { id, claim: res.body };
}

describe("a claim task in the insurer's inbox", () => {
  it('opens the case page at the claim, whose facts, documents and pay and deny forms are together', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const inbox = (await insurer.get('/inbox')).text;
    expect(inbox).toContain(`<a href="/cases/${id}#claim-${claim.id}">`);
    const page = (await insurer.get(`/cases/${id}`)).text;
    const file = page.slice(page.indexOf(`<h3 id="claim-${claim.id}"`));
    const forms = file.slice(0, file.indexOf('</section>'));
    // the claim as the firm reported it, then the forms that decide it, in the claim's own part
    expect(forms).toContain('批次产品表面缺陷，用户退货');
    expect(forms).toContain('120,000.00');
    expect(forms).toContain(`action="/claims/${claim.id}/events#c-${claim.id}-PAY"`);
    expect(forms).toContain(`action="/claims/${claim.id}/events#c-${claim.id}-DENY"`);
    expect(page).toContain(`id="c-${claim.id}-PAY"`);
  });

  it("links a case's task to the case, without a claim's anchor", async () => {
    const id = await w.submittedCase();
    const inbox = (await (await signedIn(w.people.insurer.email)).get('/inbox')).text;
    expect(inbox).toContain(`<a href="/cases/${id}">`);
  });

  it('shows no claim facts or decision forms to the firm or a reviewer, who do not decide it', async () => {
    const { id, claim } = await reportedClaim();
    for (const who of [w.people.firm.email, w.people.municipal.email]) {
      const page = (await (await signedIn(who)).get(`/cases/${id}`)).text;
      expect(page, who).not.toContain(`/claims/${claim.id}/events`);
    }
  });
});

describe('verifying the policy on the page', () => {
  it('shows the policy figures and its documents beside the forms that verify it, in both languages', async () => {
    const id = await w.submittedCase();
    const page = (await (await signedIn(w.people.insurer.email)).get(`/cases/${id}`)).text;
    const decisions = section(page, 'decisions');
    const figures = decisions.slice(decisions.indexOf('id="policy-figures"'), decisions.indexOf('d-VERIFY_POLICY'));
    expect(figures).toContain('待核验的保单');
    for (const label of ['保单号', '保险公司', '保险期间', '保费（元）', '保险金额（元）', '保费发票号', '保险单', '保费发票', '保费支付凭证']) expect(figures, label).toContain(label);
    expect(figures).toContain(w.insurer.name);
    expect(figures).toMatch(/<a href="\/api\/v1\/[^"]*"/);
    // the figures come before the forms
    expect(decisions.indexOf('id="policy-figures"')).toBeLessThan(decisions.indexOf('id="d-VERIFY_POLICY"'));
    expect(decisions).toContain('已与本公司系统核对保单及保费收据');
    const en = section((await (await signedIn(w.people.insurer.email, 'en')).get(`/cases/${id}`)).text, 'decisions');
    expect(en).toContain('The policy to verify');
    expect(en).toContain("I have compared the policy and the premium receipt with our company&#39;s system");
  });

  it('refuses a verification without the tick beside the box, at the form, and the policy stays unverified', async () => {
    const id = await w.submittedCase();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const res = await insurer.post(`/cases/${id}/events`, { _csrf: csrf, type: 'VERIFY_POLICY' });
    expect(res.status).toBe(422);
    const form = formAt(res.text, `/cases/${id}/events#d-VERIFY_POLICY`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain('<a href="#d-VERIFY_POLICY-policyChecked">');
    expect(form).toContain('请核对后勾选此项，方可确认保单核验通过');
    expect(form).toContain('aria-invalid="true"');
    expect(JSON.stringify((await stateOf(id)).stateValue)).toContain('pendingVerification');
    const ticked = await insurer.post(`/cases/${id}/events`, { _csrf: csrf, type: 'VERIFY_POLICY', policyChecked: 'on' });
    expect(ticked.status).toBe(303);
    expect(JSON.stringify((await stateOf(id)).stateValue)).toContain('verified');
  });

  it("leaves the refusal of anyone else to the service, the tick or not: the other insurer, a reviewer", async () => {
    const id = await w.submittedCase();
    for (const who of [w.people.municipal.email, w.people.firm.email]) {
      const b = await signedIn(who);
      const res = await b.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await b.get(`/cases/${id}`)).text), type: 'VERIFY_POLICY', policyChecked: 'on' });
      expect(res.status, who).toBe(403);
      expect(res.text, who).not.toContain('请核对后勾选此项');
    }
    const other = await signedIn(w.people.otherInsurer.email);
    expect((await other.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf((await other.get('/inbox')).text), type: 'VERIFY_POLICY' })).status).toBe(404);
    expect(JSON.stringify((await stateOf(id)).stateValue)).toContain('pendingVerification');
  });
});

describe('a refused form of the case page', () => {
  it('answers a mismatch without a reason at its form, with a summary linked to the field, keeping nothing lost', async () => {
    const id = await w.submittedCase();
    const insurer = await signedIn(w.people.insurer.email);
    const page = (await insurer.get(`/cases/${id}`)).text;
    expect(page).toContain(`action="/cases/${id}/events#d-POLICY_MISMATCH"`);
    const res = await insurer.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page), type: 'POLICY_MISMATCH', reason: '   ' });
    expect(res.status).toBe(400);
    const form = formAt(res.text, `/cases/${id}/events#d-POLICY_MISMATCH`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain('<a href="#d-POLICY_MISMATCH-reason">');
    expect(form).toMatch(/id="d-POLICY_MISMATCH-reason"[^>]*aria-invalid="true"/);
  });

  it("keeps the reviewer's reasons of a refused return and sums its problem up at the form", async () => {
    const id = await w.submittedCase();
    const municipal = await signedIn(w.people.municipal.email);
    const page = (await municipal.get(`/cases/${id}`)).text;
    const res = await municipal.post(`/cases/${id}/events`, { _csrf: PageClient.csrfOf(page), type: 'RETURN', reasons: '' });
    expect(res.status).toBe(400);
    const form = formAt(res.text, `/cases/${id}/events#d-RETURN`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain('<a href="#d-RETURN-reasons">');
  });

  it('answers a payment without its reference at the claim, in one wording with the label, keeping the amount typed', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const res = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '99,000.00', reference: '' });
    expect(res.status).toBe(400);
    const form = formAt(res.text, `/claims/${claim.id}/events#c-${claim.id}-PAY`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain(`<a href="#c-${claim.id}-pay-reference">支付流水号：请填写支付流水号</a>`);
    expect(form).toContain('value="99,000.00"');
    expect(res.text).not.toContain('支付凭证号');
    const en = await signedIn(w.people.insurer.email, 'en');
    const refused = await en.post(`/claims/${claim.id}/events`, { _csrf: PageClient.csrfOf((await en.get(`/cases/${id}`)).text), type: 'PAY', amount: '99,000.00', reference: '' });
    expect(refused.text).toContain('Payment reference');
    expect(refused.text).toContain('the payment reference is required');
  });

  it("answers the firm's refused claim report at the report form, linked to its fields", async () => {
    const id = await w.caseIn('approved');
    const firm = await signedIn(w.people.firm.email);
    const csrf = PageClient.csrfOf((await firm.get(`/cases/${id}`)).text);
    const res = await firm.post(`/cases/${id}/claims`, { _csrf: csrf, occurredOn: '', kind: 'quality', amount: '120,000.00', description: '表面缺陷' });
    expect(res.status).toBe(400);
    const form = formAt(res.text, `/cases/${id}/claims#claim-report`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain('<a href="#cr-occurredOn">');
    expect(form).toContain('value="120,000.00"');
  });

  it("answers a firm's upload of no file at that kind's form", async () => {
    const id = await w.createCase();
    const firm = await signedIn(w.people.firm.email);
    const fd = new FormData();
    fd.set('_csrf', PageClient.csrfOf((await firm.get(`/cases/${id}`)).text));
    fd.set('type', 'insurance_policy');
    const res = await firm.postMultipart(`/cases/${id}/documents`, fd);
    expect(res.status).toBe(400);
    const form = formAt(res.text, `/cases/${id}/documents#kind-insurance_policy`);
    expect(form).toContain('<div class="problems" role="alert">');
    expect(form).toContain('<a href="#upload-insurance_policy">');
  });
});

describe("the policy's end", () => {
  it('is no deadline of the insurer or finance, but a deadline of the firm, whom it reminds to renew', async () => {
    const id = await w.caseIn('approved');
    const clocks = (await t.api.get<{ clocks: { kind: string }[] }>(`/cases/${id}`, w.tokens.firm)).body.clocks;
    expect(clocks.map((c) => c.kind)).toContain('policyEnd');
    expect(section((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text, 'clocks')).toContain('保单到期');
    for (const who of [w.people.insurer.email, w.people.finance.email, w.people.provincial.email]) {
      const page = (await (await signedIn(who)).get(`/cases/${id}`)).text;
      expect(section(page, 'clocks'), who).not.toContain('保单到期');
      // the end is said with the policy, in its period
      expect(section(page, 'summary'), who).toContain('保险期间');
    }
  });
});

describe("who acted for the insurer, in the history", () => {
  it('names the insurer’s person and company to the staff and to the insurer, and only the role to the firm', async () => {
    await t.app.db.update(users).set({ name: '核保员王五' }).where(eq(users.id, w.people.insurer.id));
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    const named = `保险公司 核保员王五（${w.insurer.name}）`;
    for (const who of [w.people.municipal.email, w.people.provincial.email, w.people.insurer.email]) {
      expect(section((await (await signedIn(who)).get(`/cases/${id}`)).text, 'timeline'), who).toContain(named);
    }
    expect(section((await (await signedIn(w.people.insurer.email, 'en')).get(`/cases/${id}`)).text, 'timeline')).toContain(`核保员王五 (${w.insurer.name})`);
    const firm = section((await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text, 'timeline');
    expect(firm).toContain('操作人：保险公司');
    expect(firm).not.toContain('核保员王五');
  });

  it("names to the insurer only its own company's people, not the reviewers", async () => {
    await t.app.db.update(users).set({ name: '初审员赵六' }).where(eq(users.id, w.people.municipal.id));
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal)).status).toBe(200);
    const seen = section((await (await signedIn(w.people.insurer.email)).get(`/cases/${id}`)).text, 'timeline');
    expect(seen).toContain('操作人：市级审核<');
    expect(seen).not.toContain('初审员赵六');
    expect(section((await (await signedIn(w.people.provincial.email)).get(`/cases/${id}`)).text, 'timeline')).toContain('初审员赵六');
  });
});

describe('paying a claim on the page, in two steps', () => {
  const claimOf = async (claimId: string) => (await t.api.get<{ state: string; decision: { paidAmount: string | null; reference: string | null } | null }>(`/claims/${claimId}`, w.tokens.insurer)).body;

  it('shows a summary of the claim, the amount and the reference first, and records nothing', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const res = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '99000', reference: 'PICC-TWO-1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>确认赔付</h1>');
    expect(res.text).toContain('赔付一经记录不可撤回');
    expect(res.text).toContain(claim.number);
    expect(res.text).toContain('120,000.00');
    expect(res.text).toContain('<strong>99,000.00</strong>');
    expect(res.text).toContain('PICC-TWO-1');
    const form = formAt(res.text, `/claims/${claim.id}/events#c-${claim.id}-PAY`);
    expect(form).toContain('<input type="hidden" name="amount" value="99000"/>');
    expect(form).toContain('<button type="submit" name="confirm" value="yes" class="primary">确认赔付</button>');
    expect(form).toContain('<button type="submit" name="confirm" value="back">返回修改</button>');
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });

    const en = await signedIn(w.people.insurer.email, 'en');
    const english = await en.post(`/claims/${claim.id}/events`, { _csrf: PageClient.csrfOf((await en.get(`/cases/${id}`)).text), type: 'PAY', amount: '99,000.00', reference: 'PICC-TWO-1' });
    expect(english.text).toContain('<h1>Confirm the payment</h1>');
    expect(english.text).toContain('Back to the form');
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });
  });

  it('says a payment above the claim once more on the summary, once ticked', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const res = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '150,000.00', reference: 'PICC-TWO-4', exceedsClaim: 'yes' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>确认赔付</h1>');
    expect(res.text).toContain('赔付金额 150,000.00 元高于企业索赔金额 120,000.00 元，多出 30,000.00 元。');
    expect(formAt(res.text, `/claims/${claim.id}/events#c-${claim.id}-PAY`)).toContain('<input type="hidden" name="exceedsClaim" value="yes"/>');
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });
  });

  it('says nothing of an excess when the payment is exactly the claim, and pays only on confirm=yes', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const res = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '120,000.00', reference: 'PICC-TWO-5' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>确认赔付</h1>');
    expect(res.text).not.toContain('高于企业索赔金额');
    const odd = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '120,000.00', reference: 'PICC-TWO-5', confirm: 'maybe' });
    expect(odd.text).toContain('<h1>确认赔付</h1>');
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });
  });

  it('records the payment once confirmed', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const paid = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '99,000.00', reference: 'PICC-TWO-2', confirm: 'yes' });
    expect(paid.status).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ state: 'paid', decision: { paidAmount: '99000.00', reference: 'PICC-TWO-2' } });
  });

  it('goes back to the form with what was typed, recording nothing', async () => {
    const { id, claim } = await reportedClaim();
    const insurer = await signedIn(w.people.insurer.email);
    const csrf = PageClient.csrfOf((await insurer.get(`/cases/${id}`)).text);
    const back = await insurer.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '99,000.00', reference: 'PICC-TWO-3', confirm: 'back' });
    expect(back.status).toBe(200);
    const form = formAt(back.text, `/claims/${claim.id}/events#c-${claim.id}-PAY`);
    expect(form).toContain('value="99,000.00"');
    expect(form).toContain('value="PICC-TWO-3"');
    expect(form).not.toContain('role="alert"');
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });
  });

  it('refuses a confirmed payment from anyone but the policy’s insurer as before, never showing the summary', async () => {
    const { claim } = await reportedClaim();
    for (const [who, status] of [['firm', 403], ['provincial', 403], ['otherInsurer', 404], ['finance', 404]] as const) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      for (const confirm of ['', 'yes']) {
        const res = await b.post(`/claims/${claim.id}/events`, { _csrf: csrf, type: 'PAY', amount: '1000.00', reference: 'X-2', confirm });
        expect(res.status, who).toBe(status);
        expect(res.text, who).not.toContain('确认赔付');
      }
    }
    expect(await claimOf(claim.id)).toMatchObject({ state: 'reported', decision: null });
  });

  it('says a paid claim’s amount and reference once, in both languages', async () => {
    const { id, claim } = await reportedClaim();
    expect((await t.api.post(`/claims/${claim.id}/events`, { type: 'PAY', amount: '40000.00', reference: 'PICC-W-1' }, w.tokens.insurer)).status).toBe(200);
    const zh = (await (await signedIn(w.people.firm.email)).get(`/cases/${id}`)).text;
    expect(zh).toContain('已赔付</span><span> 40,000.00 元（支付流水号 PICC-W-1）</span>');
    const en = (await (await signedIn(w.people.firm.email, 'en')).get(`/cases/${id}`)).text;
    expect(en).toContain('Paid</span><span> 40,000.00 yuan (payment reference PICC-W-1)</span>');
  });
});
