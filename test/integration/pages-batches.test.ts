import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { cases, users } from '../../db/schema';
import { yuan } from '../../server/pages/format';
import { makeRound, makeUser } from '../../seeds/factories';
import { shanghaiDate } from '../../server/calendar/dates';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';
import { batchTaskHeldBefore } from '../support/inbox';
import { PageClient } from '../support/pages';

// The disbursement batch pages without a browser: who is refused, forms without their token, the
// four-eyes refusal through the form, and a settlement's missing reference shown beside its field.
const { t, w } = useTestApp({ ownDatabase: true });

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

/** A multipart form as a browser sends it, with the client's cookies. */
async function postFile(b: PageClient, path: string, fields: Record<string, string>, csv: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'statement.csv');
  const res = await fetch(`${t.url}${path}`, { method: 'POST', redirect: 'manual', body: form, headers: { accept: 'text/html', cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { status: res.status, text: await res.text() };
}

async function draftBatch(): Promise<{ id: string; caseId: string }> {
  const caseId = await w.caseIn('approved');
  const res = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds: [caseId] }, w.tokens.finance);
  expect(res.status).toBe(201);
  return { id: res.body.id, caseId };
}

/** A batch of `n` approved cases, made and submitted by `finance`, approved by `finance2`. */
async function approvedBatch(n: number): Promise<{ id: string; number: string; cases: { caseId: string; paymentId: string; amount: string }[] }> {
  const caseIds: string[] = [];
  for (let i = 0; i < n; i++) caseIds.push(await w.caseIn('approved'));
  const made = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds }, w.tokens.finance);
  expect(made.status).toBe(201);
  expect((await t.api.post(`/disbursements/${made.body.id}/events`, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(200);
  const approved = await t.api.post<{ id: string; number: string; cases: { caseId: string; paymentId: string; amount: string }[] }>(`/disbursements/${made.body.id}/events`, { type: 'APPROVE' }, w.tokens.finance2);
  expect(approved.status).toBe(200);
  return approved.body;
}

/** The settle form's fieldset of one payment. */
const fieldsetOf = (html: string, paymentId: string) => {
  const at = html.indexOf(`<legend>${paymentId} `);
  return at < 0 ? '' : html.slice(at, html.indexOf('</fieldset>', at));
};

/** The cases a page's new-batch form has ticked, as a browser sends them. */
const tickedOn = (html: string) => [...html.matchAll(/<input type="checkbox" id="nb-case-[^"]+" name="caseIds" value="([^"]+)" checked/g)].map((m) => m[1] ?? '');

/** The hidden fields of the settle confirmation's form, as a browser sends them on "确认登记". */
const confirmFieldsOf = (html: string): Record<string, string> => {
  const at = html.indexOf('id="settle-confirm"');
  const form = at < 0 ? '' : html.slice(html.indexOf('<form', at), html.indexOf('</form>', at));
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/&#34;/g, '"').replace(/&amp;/g, '&')]));
};

const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';
const stateOf = async (id: string) => (await t.api.get<{ state: string }>(`/disbursements/${id}`, w.tokens.finance)).body.state;

describe('the disbursement batch pages', () => {
  it('say why there is nothing to put into a batch', async () => {
    const finance = await signedIn(w.people.finance.email);
    const page = await finance.get('/money');
    expect(page.status).toBe(200);
    expect(page.text).toContain('尚无拨付批次');
    expect(page.text).toContain('没有可纳入拨付批次的申请');
  });

  it('are refused to the firm, the insurer, the expert and the municipal reviewer', async () => {
    const { id } = await draftBatch();
    for (const who of ['firm', 'insurer', 'expert', 'municipal'] as const) {
      const b = await signedIn(w.people[who].email);
      const page = await b.get(`/money/batches/${id}`);
      expect(page.status, who).toBe(403);
      expect(page.text, who).not.toContain('PAY-');
      expect((await b.get(`/money/rounds/${w.round.id}/report`)).status, who).toBe(403);
      const home = await b.get('/');
      const csrf = PageClient.csrfOf(home.text);
      expect((await b.post(`/money/batches/${id}/events`, { _csrf: csrf, type: 'SUBMIT' })).status, who).toBe(403);
      expect((await b.post('/money/batches', { _csrf: csrf, roundId: w.round.id, city: '' })).status, who).toBe(403);
      expect((await postFile(b, `/money/batches/${id}/statement`, { _csrf: csrf }, '付款编号,金额\r\n')).status, who).toBe(403);
    }
    expect(await stateOf(id)).toBe('draft');
  });

  it('let a provincial reviewer read a batch and its round report, and act on nothing', async () => {
    const { id } = await draftBatch();
    const b = await signedIn(w.people.provincial.email);
    const page = await b.get(`/money/batches/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('PAY-');
    expect(page.text).not.toContain('提交审批</button>');
    expect(page.text).toContain('省级审核人员可查看批次，但不办理拨付。');
    const refused = await b.post(`/money/batches/${id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'SUBMIT' });
    expect(refused.status).toBe(403);
    expect(await stateOf(id)).toBe('draft');
    expect((await b.get(`/money/rounds/${w.round.id}/report`)).status).toBe(200);
    const money = await b.get(`/money?roundId=${w.round.id}`);
    expect(money.status).toBe(200);
    expect(money.text).not.toContain('id="create-batch"');
    expect(money.text).not.toContain('action="/money/batches"');
  });

  it("say on the round report what each headline count includes, so that it adds up against the states' counts", async () => {
    await w.caseIn('approved');
    const page = await (await signedIn(w.people.finance.email)).get(`/money/rounds/${w.round.id}/report`);
    expect(page.status).toBe(200);
    const counts = page.text.slice(page.text.indexOf('id="r-counts"'), page.text.indexOf('id="r-money"'));
    // 已批准 counts every case approved at least once, whatever state it has reached since
    expect(counts).toMatch(/<th scope="row"><span>已批准<\/span><br\/?><small class="muted">（批准过的申请，含其后补偿已核定、已纳入拨付批次、拨付已批准、已拨付、追回中、已追回者）<\/small><\/th>/);
    expect(counts).toContain('（含其后追回中、已追回者）');
    expect(counts).toContain('申请数为累计口径');
    const states = page.text.slice(page.text.indexOf('id="r-states"'), page.text.indexOf('id="r-loss"'));
    expect(states).toContain('每件申请按当前状态计一次。');
    expect(states).toMatch(/<th scope="row">补偿已核定<\/th>\s*<td class="num">\d+<\/td>/);
    const provincial = await signedIn(w.people.provincial.email);
    provincial.cookies.set('fb_lang', 'en');
    const english = await provincial.get(`/money/rounds/${w.round.id}/report`);
    expect(english.status).toBe(200);
    expect(english.text).toContain('<small class="muted">(including those since under recovery or recovered)</small>');
  });

  it('offer finance a sample statement beside the upload, in the very format the check reads, and nobody else', async () => {
    const batch = await approvedBatch(1);
    const finance = await signedIn(w.people.finance.email);
    const page = await finance.get(`/money/batches/${batch.id}`);
    const form = page.text.slice(page.text.indexOf('id="statement"'), page.text.indexOf('</section>', page.text.indexOf('id="statement"')));
    expect(form).toContain('<a href="/money/statement-sample.csv" download="">下载对账单示例（CSV）');
    const res = await fetch(`${t.url}/money/statement-sample.csv`, { headers: { cookie: [...finance.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFF付款编号,金额,银行流水号,交易日期\r\n')).toBe(true);
    // sent back as it is: every line read, every column found, none of its payment ids a batch's
    const checked = await postFile(finance, `/money/batches/${batch.id}/statement`, { _csrf: PageClient.csrfOf(page.text) }, text);
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('共读取 2 行付款记录。');
    expect(checked.text).toContain('<h3 id="r-unknown">本批次没有的付款编号（2）</h3>');
    expect(checked.text).toContain('<h3 id="r-invalid">无法读取的行（0）</h3>');
    expect(checked.text).toContain('<h3 id="r-matched">');
    expect(checked.text).toMatch(/<h3 id="r-matched">[^<]*（0）<\/h3>/);
    expect(await stateOf(batch.id)).toBe('approved');
  });

  it('refuse the sample statement to every role but finance, and to no one signed in', async () => {
    for (const who of ['provincial', 'firm', 'insurer', 'expert', 'municipal'] as const) {
      const b = await signedIn(w.people[who].email);
      const res = await b.get('/money/statement-sample.csv');
      expect(res.status, who).toBe(403);
      expect(res.text, who).not.toContain('付款编号,金额');
    }
    const anonymous = await new PageClient(t.url).get('/money/statement-sample.csv');
    expect([302, 303, 401]).toContain(anonymous.status);
    expect(anonymous.text).not.toContain('付款编号,金额');
  });

  it('offer finance the bank files and the statement form from approval on, and the provincial reviewer neither', async () => {
    const { id } = await draftBatch();
    expect((await t.api.post(`/disbursements/${id}/events`, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(200);
    const finance = await signedIn(w.people.finance.email);
    const submitted = await finance.get(`/money/batches/${id}`);
    expect(submitted.text).not.toContain(`/api/v1/disbursements/${id}/export.csv`);
    expect(submitted.text).not.toContain(`action="/money/batches/${id}/statement"`);
    expect((await t.api.post(`/disbursements/${id}/events`, { type: 'APPROVE', comment: '已核对' }, w.tokens.finance2)).status).toBe(200);
    const approved = await finance.get(`/money/batches/${id}`);
    expect(approved.text).toContain(`href="/api/v1/disbursements/${id}/export.csv"`);
    expect(approved.text).toContain('如需在 Excel 中查看或核对，请打开 XLSX 文件');
    expect(approved.text).toContain(`href="/api/v1/disbursements/${id}/export.xlsx"`);
    expect(approved.text).toContain(`action="/money/batches/${id}/statement"`);
    const provincial = await (await signedIn(w.people.provincial.email)).get(`/money/batches/${id}`);
    expect(provincial.status).toBe(200);
    expect(provincial.text).not.toContain('/export.csv');
    expect(provincial.text).not.toContain(`action="/money/batches/${id}/statement"`);
    expect(provincial.text).not.toContain(`action="/money/batches/${id}/settle"`);
  });

  it('preview for a new batch only the cases of the city chosen', async () => {
    const caseId = await w.caseIn('approved');
    const number = (await t.api.get<{ number: string }>(`/cases/${caseId}`, w.tokens.finance)).body.number;
    const finance = await signedIn(w.people.finance.email);
    expect((await finance.get(`/money?roundId=${w.round.id}&city=330100`)).text).toContain(number);
    expect((await finance.get(`/money?roundId=${w.round.id}&city=330200`)).text).not.toContain(number);
  });

  it('refuse forms without their token', async () => {
    const { id } = await draftBatch();
    const b = await signedIn(w.people.finance.email);
    expect((await b.post(`/money/batches/${id}/events`, { type: 'SUBMIT' })).status).toBe(403);
    expect((await b.post(`/money/batches/${id}/events`, { _csrf: 'not-the-token', type: 'CANCEL', reason: '重复' })).status).toBe(403);
    expect((await b.post('/money/batches', { roundId: w.round.id, city: '' })).status).toBe(403);
    expect((await b.post(`/money/batches/${id}/settle`, { version: '1' })).status).toBe(403);
    expect((await postFile(b, `/money/batches/${id}/statement`, {}, '付款编号,金额\r\n')).status).toBe(403);
    expect(await stateOf(id)).toBe('draft');
    expect((await b.get(`/money/batches/${randomUUID()}`)).status).toBe(404);
    expect((await b.get('/money/batches/not-an-id')).status).toBe(404);
  });

  it("put a draft batch on its maker's dashboard and inbox, to submit, and on no other finance user's", async () => {
    const maker = await makeUser(t.app.db, { roles: ['finance'], name: '财务制单' });
    const made = await t.api.post<{ id: string; number: string }>('/disbursements', { roundId: w.round.id, caseIds: [await w.caseIn('approved')] }, await t.api.login(maker.email));
    expect(made.status).toBe(201);
    const rowOf = (html: string) => {
      const at = html.indexOf(`href="/money/batches/${made.body.id}"`);
      return at < 0 ? null : html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
    };
    const mine = await signedIn(maker.email);
    for (const path of ['/', '/inbox?limit=100']) {
      const row = rowOf((await mine.get(path)).text);
      expect(row, path).toContain(`>${made.body.number}</a>`);
      expect(row, path).toContain('提交拨付批次');
      expect(row, path).toContain('<span class="badge batch-draft">草稿</span>');
    }
    for (const who of ['finance', 'finance2', 'provincial'] as const) expect(rowOf((await (await signedIn(w.people[who].email)).get('/inbox?limit=100')).text), who).toBeNull();
    const page = await mine.get(`/money/batches/${made.body.id}`);
    expect((await mine.post(`/money/batches/${made.body.id}/events`, { _csrf: PageClient.csrfOf(page.text), type: 'SUBMIT', version: versionOf(page.text) })).status).toBe(303);
    expect(rowOf((await mine.get('/inbox?limit=100')).text)).toBeNull();
  });

  it("put a submitted batch on the other finance user's dashboard and inbox, linked to its page and not to be taken, and then its payments to record", async () => {
    const { id } = await draftBatch();
    const submitted = await t.api.post<{ number: string; cases: { amount: string }[] }>(`/disbursements/${id}/events`, { type: 'SUBMIT' }, w.tokens.finance);
    const amount = submitted.body.cases[0]?.amount ?? '';
    expect(submitted.status).toBe(200);
    const rowOf = (html: string) => {
      const at = html.indexOf(`href="/money/batches/${id}"`);
      return at < 0 ? null : html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
    };
    // the file's other approved cases wait for a batch too, each a task of every finance user, and tasks without a
    // deadline come oldest first: put them in a draft of the creator's, so the dashboard's few tasks hold this batch
    await w.caseIn('approved');
    const waiting = await t.api.get<{ items: { caseId: string; via: string | null }[] }>('/tasks?limit=100', w.tokens.finance2);
    const caseIds = waiting.body.items.filter((i) => i.via === 'batch').map((i) => i.caseId);
    expect((await t.api.post('/disbursements', { roundId: w.round.id, caseIds }, w.tokens.finance)).status).toBe(201);
    const other = await signedIn(w.people.finance2.email);
    for (const path of ['/', '/inbox?limit=100']) {
      const row = rowOf((await other.get(path)).text);
      expect(row, path).toContain(`>${submitted.body.number}</a>`);
      expect(row, path).toContain('审批拨付批次');
      expect(row, path).toContain('<span class="badge batch-submitted">待审批</span>');
      // one payment, to one firm: the firm is named, the batch counted and summed, nobody to take it
      expect(row, path).toContain(`<span class="muted">拨付批次 </span><a href="/money/batches/${id}">${submitted.body.number}</a>`);
      expect(row, path).toContain(`>${w.firm.name}<`);
      expect(row, path).not.toContain('多家企业');
      expect(row, path).toContain(`1 笔付款，合计 ${yuan(amount)} 元`);
      expect(row, path).not.toContain('/claim"');
      expect(row, path).not.toContain('未领取');
    }
    // beside a case task someone has taken, a batch names no holder
    const held = await w.caseIn('approved');
    await batchTaskHeldBefore(t.app.db, held, w.people.finance2.id);
    expect(rowOf((await other.get('/inbox?limit=100')).text)).toContain('<td data-label="办理人"></td>');
    expect((await t.api.delete(`/tasks/${held}/claim`, w.tokens.finance2)).status).toBe(204);
    const creator = await signedIn(w.people.finance.email);
    expect(rowOf((await creator.get('/')).text)).toBeNull();
    expect(rowOf((await (await signedIn(w.people.provincial.email)).get('/')).text)).toBeNull();

    expect((await t.api.post(`/disbursements/${id}/events`, { type: 'APPROVE' }, w.tokens.finance2)).status).toBe(200);
    creator.cookies.set('fb_lang', 'en');
    const row = rowOf((await creator.get('/inbox?limit=100')).text);
    expect(row).toContain('record the payments');
    expect(row).toContain(`1 payment, ${yuan(amount)} yuan in all`);
    expect(row).toContain(`>${w.firm.name}<`);
    // dated by the payment deadline
    expect(row).not.toContain('no deadline');
  });

  it("link finance's task of an approved case to the new-batch form with the case's round chosen, and offer no taking of it", async () => {
    const later = await makeRound(t.app.db, { editionId: w.edition.id, opensAt: new Date('2026-06-01T00:00:00+08:00'), insurerIds: [w.insurer.id] });
    const id = await w.caseIn('approved');
    const waiting = await w.caseIn('approved');
    await t.app.db.update(cases).set({ roundId: later.id }).where(eq(cases.id, id));
    const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.finance)).body.number;
    const api = (await t.api.get<{ items: { caseId: string | null; roundId: string; via: string | null; batchId: string | null }[] }>('/tasks?limit=100', w.tokens.finance)).body.items;
    expect(api.find((i) => i.caseId === id && !i.batchId)).toMatchObject({ roundId: later.id, via: 'batch' });
    const b = await signedIn(w.people.finance.email);
    const form = `/money?roundId=${later.id}#create-batch`;
    // (the inbox, not the dashboard: the dashboard shows the first few tasks, undated ones oldest first)
    const html = (await b.get('/inbox?limit=100')).text;
    const at = html.indexOf(`href="/cases/${id}"`);
    expect(at).toBeGreaterThan(0);
    const row = html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
    expect(row).toContain(`<a href="${form}" aria-label="纳入拨付批次 ${number}">纳入拨付批次</a>`);
    expect(row).not.toContain('/claim"');
    expect(row).not.toContain('未领取');
    // the form it opens has the case's round chosen, not the first round, and the case among those it would take
    const money = (await b.get(form.replace('#create-batch', ''))).text;
    const create = money.slice(money.indexOf('id="create-batch"'));
    expect(create).toContain(`<option value="${later.id}" selected>`);
    expect(create).not.toContain(`<option value="${w.round.id}" selected>`);
    expect(create).toContain(`>${number}</a>`);
    // a round that is none, or no id at all, chooses the first round rather than failing
    for (const bad of [randomUUID(), 'not-a-round', '%00']) {
      const res = await b.get(`/money?roundId=${bad}`);
      expect(res.status, bad).toBe(200);
      expect(res.text, bad).toContain(`<option value="${w.round.id}" selected>`);
    }
    // taking it is refused; one who took it before that still sees that they hold it and may give it back, never take it
    expect((await t.api.post(`/tasks/${id}/claim`, {}, w.tokens.finance)).status).toBe(409);
    await batchTaskHeldBefore(t.app.db, id, w.people.finance.id);
    const inbox = (await b.get('/inbox?limit=100')).text;
    expect(inbox).toContain(`action="/inbox/${id}/release"`);
    expect(inbox).not.toContain(`action="/inbox/${id}/claim"`);
    const other = (await (await signedIn(w.people.finance2.email)).get('/inbox?limit=100')).text;
    expect(other).toContain(`<span>${w.people.finance.name}</span>`);
    expect(other).not.toContain(`action="/inbox/${id}/claim"`);
    // beside it, another case waiting for a batch names nobody as not yet taken: there is nothing to take
    expect(other).toContain(`href="/cases/${waiting}"`);
    expect(other).not.toContain('未领取');
    expect((await t.api.delete(`/tasks/${id}/claim`, w.tokens.finance)).status).toBe(204);
  });

  it('say a batch paying several firms pays several, counted and summed, and name no firm of it', async () => {
    const mine = await w.caseIn('approved');
    const theirs = await w.caseIn('approved');
    await t.app.db.update(cases).set({ enterpriseId: w.otherFirm.id }).where(eq(cases.id, theirs));
    const made = await t.api.post<{ id: string; number: string; cases: { amount: string }[] }>('/disbursements', { roundId: w.round.id, caseIds: [mine, theirs] }, w.tokens.finance);
    expect(made.status).toBe(201);
    expect((await t.api.post(`/disbursements/${made.body.id}/events`, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(200);
    const fen = made.body.cases.reduce((sum, c) => sum + BigInt(c.amount.replace('.', '')), 0n);
    const tasks = await t.api.get<{ items: { batchId: string | null; firmName: string | null; batch: { payments: number; total: string } | null }[] }>('/tasks?limit=100', w.tokens.finance2);
    const task = tasks.body.items.find((i) => i.batchId === made.body.id);
    expect(task?.firmName).toBeNull();
    expect(task?.batch).toEqual({ payments: 2, total: `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}` });
    const html = (await (await signedIn(w.people.finance2.email)).get('/inbox?limit=100')).text;
    const at = html.indexOf(`href="/money/batches/${made.body.id}"`);
    const row = html.slice(at, html.indexOf('</tr>', at));
    expect(row).toContain('多家企业（见批次）');
    expect(row).not.toContain(w.firm.name);
    expect(row).not.toContain(w.otherFirm.name);
    expect(row).toContain('2 笔付款，合计');
  });

  it('refuse the approval to the finance user who made and submitted the batch, in the rule’s words, and take it from another', async () => {
    const caseId = await w.caseIn('approved');
    const a = await signedIn(w.people.finance.email);
    const money = await a.get(`/money?roundId=${w.round.id}`);
    expect(money.text).toContain('创建拨付批次');
    const created = await a.post('/money/batches', { _csrf: PageClient.csrfOf(money.text), roundId: w.round.id, city: '', caseIds: tickedOn(money.text) });
    expect(created.status).toBe(303);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/money\/batches\/[0-9a-f-]{36}\?done=CREATE$/);
    const path = location.replace(/\?.*$/, '');
    const draft = await a.get(location);
    expect(draft.text).toContain('拨付批次已创建');
    expect((await a.post(`${path}/events`, { _csrf: PageClient.csrfOf(draft.text), type: 'SUBMIT', version: versionOf(draft.text) })).status).toBe(303);

    const own = await a.get(path);
    expect(own.text).not.toContain('审批通过</button>');
    expect(own.text).toContain('您不能“审批通过”：拨付批次须由创建人和提交人以外的另一名财务人员审批');
    const refused = await a.post(`${path}/events`, { _csrf: PageClient.csrfOf(own.text), type: 'APPROVE', comment: '' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('拨付批次须由创建人和提交人以外的另一名财务人员审批');
    const id = path.split('/').at(-1) ?? '';
    expect(await stateOf(id)).toBe('submitted');

    const b = await signedIn(w.people.finance2.email);
    const theirs = await b.get(path);
    expect(theirs.text).toContain('审批通过</button>');
    expect((await b.post(`${path}/events`, { _csrf: PageClient.csrfOf(theirs.text), type: 'APPROVE', comment: '同意' })).status).toBe(303);
    expect(await stateOf(id)).toBe('approved');

    // a paid payment without its bank reference: the service's words beside that field (the
    // batch is the one the address names, whatever batch id the form carries)
    const approved = await b.get(path);
    const settle = await b.post(`${path}/settle`, { _csrf: PageClient.csrfOf(approved.text), batchId: randomUUID(), id: randomUUID(), [`outcome.${caseId}`]: 'paid', [`paidOn.${caseId}`]: '2026-01-01' });
    expect(settle.status).toBe(400);
    expect(settle.text).toMatch(new RegExp(`id="s-reference-${caseId}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="s-reference-${caseId}"`));
    expect(settle.text).toContain(`aria-describedby="s-reference-${caseId}-error"`);
    expect(settle.text).not.toContain(`id="s-paidOn-${caseId}" name="paidOn.${caseId}" aria-invalid`);
    // it names what is missing, in both languages
    expect(settle.text).toMatch(new RegExp(`id="s-reference-${caseId}-error"[^>]*><span>已拨付的须填写银行流水号</span>`));
    expect(settle.text).not.toContain('填写的内容不符合要求');
    b.cookies.set('fb_lang', 'en');
    const english = await b.post(`${path}/settle`, { _csrf: PageClient.csrfOf(approved.text), [`outcome.${caseId}`]: 'paid', [`paidOn.${caseId}`]: '2026-01-01' });
    expect(english.text).toMatch(new RegExp(`id="s-reference-${caseId}-error"[^>]*><span>the bank reference is required for a paid payment</span>`));
    b.cookies.set('fb_lang', 'zh');
    expect(await stateOf(id)).toBe('approved');
  });
  it('say why payment results are refused for a batch that takes none, although no form of them is shown', async () => {
    const { id, caseId } = await draftBatch();
    expect((await t.api.post(`/disbursements/${id}/events`, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(200);
    const finance = await signedIn(w.people.finance.email);
    const page = await finance.get(`/money/batches/${id}`);
    const today = shanghaiDate(t.app.clock.now());
    const res = await finance.post(`/money/batches/${id}/settle`, { _csrf: PageClient.csrfOf(page.text), confirm: '1', [`outcome.${caseId}`]: 'paid', [`reference.${caseId}`]: 'ICBC-STALE-1', [`paidOn.${caseId}`]: today });
    expect(res.status).toBe(409);
    const alert = /<div class="problems" role="alert">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
    expect(alert).toContain('请查看最新状态后再办理');
    expect(await stateOf(id)).toBe('submitted');
  });

  it('show the outcomes sent back for a check, record nothing until they are confirmed, and record exactly them then', async () => {
    const batch = await approvedBatch(3);
    const [a, b, c] = batch.cases as [(typeof batch.cases)[number], (typeof batch.cases)[number], (typeof batch.cases)[number]];
    const finance = await signedIn(w.people.finance.email);
    const path = `/money/batches/${batch.id}`;
    const page = await finance.get(path);
    const today = shanghaiDate(t.app.clock.now());
    const sent = { _csrf: PageClient.csrfOf(page.text), version: versionOf(page.text), [`outcome.${a.caseId}`]: 'paid', [`reference.${a.caseId}`]: 'ICBC-CONFIRM-1', [`paidOn.${a.caseId}`]: today, [`outcome.${b.caseId}`]: 'failed', [`failure.${b.caseId}`]: '收款账户已销户', [`outcome.${c.caseId}`]: 'none' };
    const preview = await finance.post(`${path}/settle`, sent);
    expect(preview.status).toBe(200);
    expect(await stateOf(batch.id)).toBe('approved');
    const summary = preview.text.slice(preview.text.indexOf('id="settle-confirm"'), preview.text.indexOf('</section>', preview.text.indexOf('id="settle-confirm"')));
    expect(summary).toContain('以下拨付结果尚未登记。登记后不可撤销');
    const rowOf = (caseNumber: string) => summary.slice(summary.indexOf(`>${caseNumber}</a>`), summary.indexOf('</tr>', summary.indexOf(`>${caseNumber}</a>`)));
    const numbers = await t.api.get<{ cases: { caseId: string; caseNumber: string; payee: string }[] }>(`/disbursements/${batch.id}`, w.tokens.finance);
    const info = (id: string) => numbers.body.cases.find((x) => x.caseId === id) ?? { caseNumber: '?', payee: '?' };
    const paidRow = rowOf(info(a.caseId).caseNumber);
    for (const x of [info(a.caseId).payee, yuan(a.amount), '已拨付', 'ICBC-CONFIRM-1']) expect(paidRow).toContain(x);
    const failedRow = rowOf(info(b.caseId).caseNumber);
    for (const x of [yuan(b.amount), '拨付失败', '收款账户已销户']) expect(failedRow).toContain(x);
    // the payment left for now is not among them
    expect(summary).not.toContain(`>${info(c.caseId).caseNumber}</a>`);
    expect(summary).toContain(`已拨付 1 笔，合计 ${yuan(a.amount)} 元；拨付失败 1 笔，合计 ${yuan(b.amount)} 元。`);
    expect(summary).toContain('确认登记</button>');
    // the form below keeps what was chosen, to be changed and sent again
    expect(fieldsetOf(preview.text, a.paymentId)).toContain(`name="reference.${a.caseId}" type="text" value="ICBC-CONFIRM-1"`);
    expect(fieldsetOf(preview.text, b.paymentId)).toMatch(/<option value="failed" selected>/);

    // confirmed as a browser sends the confirmation's form
    const fields = confirmFieldsOf(preview.text);
    expect(fields).toMatchObject({ confirm: '1', version: sent.version, [`outcome.${a.caseId}`]: 'paid', [`failure.${b.caseId}`]: '收款账户已销户' });
    const recorded = await finance.post(`${path}/settle`, fields);
    expect(recorded.status).toBe(303);
    expect(recorded.headers.get('location')).toBe(`${path}?done=SETTLE`);
    const view = await t.api.get<{ cases: { caseId: string; status: string; reference: string | null }[] }>(`/disbursements/${batch.id}`, w.tokens.finance);
    expect(view.body.cases.map((x) => [x.caseId, x.status, x.reference])).toEqual([
      [a.caseId, 'paid', 'ICBC-CONFIRM-1'],
      [b.caseId, 'failed', null],
      [c.caseId, 'pending', null],
    ]);
  });

  it('show no confirmation for outcomes it refuses, and refuse a confirmation of a batch changed since, recording nothing', async () => {
    const batch = await approvedBatch(1);
    const [a] = batch.cases as [(typeof batch.cases)[number]];
    const finance = await signedIn(w.people.finance.email);
    const path = `/money/batches/${batch.id}`;
    const page = await finance.get(path);
    const csrf = PageClient.csrfOf(page.text);
    // no reference for a paid payment: the form with its problem, no summary
    const missing = await finance.post(`${path}/settle`, { _csrf: csrf, version: versionOf(page.text), [`outcome.${a.caseId}`]: 'paid', [`paidOn.${a.caseId}`]: '2026-01-01' });
    expect(missing.status).toBe(400);
    expect(missing.text).not.toContain('id="settle-confirm"');
    // nothing chosen: nothing to confirm
    const none = await finance.post(`${path}/settle`, { _csrf: csrf, version: versionOf(page.text), [`outcome.${a.caseId}`]: 'none' });
    expect(none.status).toBe(400);
    expect(none.text).not.toContain('id="settle-confirm"');
    // a payment date after today: refused at the summary already, beside its field, with nothing to confirm
    const ahead = await finance.post(`${path}/settle`, { _csrf: csrf, version: versionOf(page.text), [`outcome.${a.caseId}`]: 'paid', [`reference.${a.caseId}`]: 'ICBC-AHEAD-1', [`paidOn.${a.caseId}`]: '2099-01-01' });
    expect(ahead.status).toBe(422);
    expect(ahead.text).not.toContain('id="settle-confirm"');
    expect(ahead.text).toContain(`name="paidOn.${a.caseId}" aria-invalid="true"`);
    expect(ahead.text).toContain('付款日期 2099年1月1日 晚于今天');
    expect(await stateOf(batch.id)).toBe('approved');
    // shown for a check, then confirmed against an older version of the batch: refused as stale
    const today = shanghaiDate(t.app.clock.now());
    const preview = await finance.post(`${path}/settle`, { _csrf: csrf, version: versionOf(page.text), [`outcome.${a.caseId}`]: 'paid', [`reference.${a.caseId}`]: 'ICBC-STALE-1', [`paidOn.${a.caseId}`]: today });
    expect(preview.status).toBe(200);
    const stale = await finance.post(`${path}/settle`, { ...confirmFieldsOf(preview.text), version: String(Number(versionOf(page.text)) - 1) });
    expect(stale.status).toBe(409);
    expect(await stateOf(batch.id)).toBe('approved');
    // a date the service refuses: refused on confirmation, beside its field
    const future = await finance.post(`${path}/settle`, { ...confirmFieldsOf(preview.text), [`paidOn.${a.caseId}`]: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.text).toContain(`name="paidOn.${a.caseId}" aria-invalid="true"`);
    expect(await stateOf(batch.id)).toBe('approved');
  });

  it('refuse the settlement and its confirmation to the provincial reviewer and the other roles, showing no summary', async () => {
    const batch = await approvedBatch(1);
    const [a] = batch.cases as [(typeof batch.cases)[number]];
    const today = shanghaiDate(t.app.clock.now());
    for (const who of ['provincial', 'firm', 'insurer', 'expert', 'municipal'] as const) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      for (const confirm of [{}, { confirm: '1' }] as Record<string, string>[]) {
        const res = await b.post(`/money/batches/${batch.id}/settle`, { _csrf: csrf, ...confirm, [`outcome.${a.caseId}`]: 'paid', [`reference.${a.caseId}`]: 'ICBC-NOT-1', [`paidOn.${a.caseId}`]: today });
        expect(res.status, who).toBe(403);
        expect(res.text, who).not.toContain('id="settle-confirm"');
      }
    }
    expect(await stateOf(batch.id)).toBe('approved');
  });

  it("show on the case's timeline the finance users who batched, approved and paid it, not the system", async () => {
    const { id, caseId } = await draftBatch();
    const a = await signedIn(w.people.finance.email);
    const path = `/money/batches/${id}`;
    const draft = await a.get(path);
    expect((await a.post(`${path}/events`, { _csrf: PageClient.csrfOf(draft.text), type: 'SUBMIT', version: versionOf(draft.text) })).status).toBe(303);
    const b = await signedIn(w.people.finance2.email);
    const submitted = await b.get(path);
    expect((await b.post(`${path}/events`, { _csrf: PageClient.csrfOf(submitted.text), type: 'APPROVE', comment: '同意' })).status).toBe(303);
    // the payment recorded by the first finance user, who made the batch
    const approved = await a.get(path);
    const today = shanghaiDate(t.app.clock.now());
    const settled = await a.post(`${path}/settle`, { _csrf: PageClient.csrfOf(approved.text), confirm: '1', [`outcome.${caseId}`]: 'paid', [`reference.${caseId}`]: 'ICBC-TIMELINE-1', [`paidOn.${caseId}`]: today });
    expect(settled.status).toBe(303);

    const h = await t.api.get<{ items: { eventType: string; actorId: string | null; actorRole: string | null }[] }>(`/cases/${caseId}/history`, w.tokens.provincial);
    const by = Object.fromEntries(h.body.items.map((e) => [e.eventType, [e.actorId, e.actorRole]]));
    expect(by.BATCHED).toEqual([w.people.finance.id, 'finance']);
    expect(by.BATCH_APPROVED).toEqual([w.people.finance2.id, 'finance']);
    expect(by.PAID).toEqual([w.people.finance.id, 'finance']);

    // the firm reads it on its case page: paid, by 财务
    const firm = await signedIn(w.people.firm.email);
    const page = await firm.get(`/cases/${caseId}`);
    const entry = (label: string) => new RegExp(`<strong>${label}</strong>[\\s\\S]*?操作人：([^<]*)</span>`).exec(page.text)?.[1];
    expect(entry('补偿资金已拨付')).toBe('财务');
    expect(entry('拨付批次获批')).toBe('财务');
    expect(entry('纳入拨付批次')).toBe('财务');

    // finance reads who did each step, by name, on the batch and on the case: the four eyes
    await t.app.db.update(users).set({ name: '财务甲' }).where(eq(users.id, w.people.finance.id));
    await t.app.db.update(users).set({ name: '财务乙' }).where(eq(users.id, w.people.finance2.id));
    const batchPage = (await a.get(path)).text;
    const step = (label: string) => new RegExp(`<strong>${label}</strong>[\\s\\S]*?办理人：([^<]*)</span>`).exec(batchPage)?.[1];
    expect(step('创建批次')).toBe('财务 财务甲');
    expect(step('审批通过')).toBe('财务 财务乙');
    const casePage = (await a.get(`/cases/${caseId}`)).text;
    expect(new RegExp(`<strong>拨付批次获批</strong>[\\s\\S]*?操作人：([^<]*)</span>`).exec(casePage)?.[1]).toBe('财务 财务乙');
  });
  it('fill in the settlement from a checked statement, each line marked as taken from it and still editable, and point out the payments it does not match', async () => {
    const batch = await approvedBatch(3);
    const [a, b, c] = batch.cases;
    if (!a || !b || !c) throw new Error('three payments expected');
    const finance = await signedIn(w.people.finance.email);
    const path = `/money/batches/${batch.id}`;
    const page = await finance.get(path);
    const today = shanghaiDate(t.app.clock.now());
    const csv = ['付款编号,金额,银行流水号,交易日期', `${a.paymentId},${a.amount},ICBC-PREFILL-1,${today}`, `${b.paymentId},1.00,ICBC-PREFILL-2,${today}`].join('\r\n');
    const checked = await postFile(finance, `${path}/statement`, { _csrf: PageClient.csrfOf(page.text) }, csv);
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('已按对账单预填 1 笔付款，请逐笔核对后登记；另有 2 笔未能与对账单匹配，未预填，已在下方标出，请按银行回单手工登记。');
    // the statement's report comes before the form it fills in
    expect(checked.text.indexOf('id="report"')).toBeLessThan(checked.text.indexOf('id="settle"'));

    const first = fieldsetOf(checked.text, a.paymentId);
    expect(first).toContain('取自对账单第 2 行，可修改。');
    expect(first).toContain(`<input type="hidden" name="statementLine.${a.caseId}" value="2"/>`);
    expect(first).toMatch(/<option value="paid" selected>/);
    expect(first).toContain(`name="reference.${a.caseId}" type="text" value="ICBC-PREFILL-1"`);
    expect(first).toContain(`name="paidOn.${a.caseId}" type="date" value="${today}"`);
    const wrong = fieldsetOf(checked.text, b.paymentId);
    expect(wrong).toContain('对账单金额 1.00 元与应付金额不符，未预填，请核实。');
    expect(wrong).toMatch(/<option value="none" selected>/);
    expect(wrong).toContain(`name="reference.${b.caseId}" type="text" value=""`);
    const missing = fieldsetOf(checked.text, c.paymentId);
    expect(missing).toContain('对账单中没有这笔付款，未预填。');
    expect(missing).toMatch(/<option value="none" selected>/);
    // nothing recorded by the check
    expect(await stateOf(batch.id)).toBe('approved');

    // sent as filled in, with a date changed to one the service refuses: the mark stays beside it
    const csrf = PageClient.csrfOf(checked.text);
    const sent = { _csrf: csrf, confirm: '1', version: versionOf(checked.text), [`outcome.${a.caseId}`]: 'paid', [`reference.${a.caseId}`]: 'ICBC-PREFILL-1', [`statementLine.${a.caseId}`]: '2', [`outcome.${b.caseId}`]: 'none', [`outcome.${c.caseId}`]: 'none' };
    const refused = await finance.post(`${path}/settle`, { ...sent, [`paidOn.${a.caseId}`]: '2099-01-01' });
    expect(refused.status).toBe(422);
    expect(fieldsetOf(refused.text, a.paymentId)).toContain('取自对账单第 2 行，可修改。');
    expect(fieldsetOf(refused.text, a.paymentId)).toContain(`name="paidOn.${a.caseId}" aria-invalid="true"`);
    const recorded = await finance.post(`${path}/settle`, { ...sent, [`paidOn.${a.caseId}`]: today });
    expect(recorded.status).toBe(303);
    const view = await t.api.get<{ state: string; cases: { caseId: string; status: string; reference: string | null; paidOn: string | null }[] }>(`/disbursements/${batch.id}`, w.tokens.finance);
    expect(view.body.cases.map((x) => [x.caseId, x.status, x.reference, x.paidOn])).toEqual([
      [a.caseId, 'paid', 'ICBC-PREFILL-1', today],
      [b.caseId, 'pending', null, null],
      [c.caseId, 'pending', null, null],
    ]);

    // in English too
    finance.cookies.set('fb_lang', 'en');
    const again = await finance.get(path);
    const en = await postFile(finance, `${path}/statement`, { _csrf: PageClient.csrfOf(again.text) }, `Payment ID,Amount\r\n${b.paymentId},${b.amount}\r\n`);
    expect(en.status).toBe(200);
    expect(en.text).toContain('1 payment(s) filled in from the statement: check each before recording; 1 other(s) did not match the statement');
    expect(fieldsetOf(en.text, b.paymentId)).toContain('<span>From statement line 2; you may change it.</span><span> The statement gives no bank reference or payment date: fill it in.</span>');
    expect(fieldsetOf(en.text, c.paymentId)).toContain('Not in the statement: left empty.');
    // a payment recorded already is no longer in the form
    expect(fieldsetOf(en.text, a.paymentId)).toBe('');
  });

  it('say which of the bank reference and the payment date a matched statement line leaves out, and fill in the other', async () => {
    const batch = await approvedBatch(2);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two payments expected');
    const finance = await signedIn(w.people.finance.email);
    const path = `/money/batches/${batch.id}`;
    const today = shanghaiDate(t.app.clock.now());
    const csv = ['付款编号,金额,银行流水号,交易日期', `${a.paymentId},${a.amount},ICBC-NODATE-1,`, `${b.paymentId},${b.amount},,${today}`].join('\r\n');
    const checked = await postFile(finance, `${path}/statement`, { _csrf: PageClient.csrfOf((await finance.get(path)).text) }, csv);
    expect(checked.status).toBe(200);
    const noDate = fieldsetOf(checked.text, a.paymentId);
    expect(noDate).toContain('<span>取自对账单第 2 行，可修改。</span><span> 对账单未提供付款日期，请补填。</span>');
    expect(noDate).toContain(`name="reference.${a.caseId}" type="text" value="ICBC-NODATE-1"`);
    expect(noDate).toContain(`name="paidOn.${a.caseId}" type="date" value=""`);
    const noReference = fieldsetOf(checked.text, b.paymentId);
    expect(noReference).toContain('<span>取自对账单第 3 行，可修改。</span><span> 对账单未提供银行流水号，请补填。</span>');
    expect(noReference).toContain(`name="reference.${b.caseId}" type="text" value=""`);
    expect(noReference).toContain(`name="paidOn.${b.caseId}" type="date" value="${today}"`);
  });

  it('offer no statement form once the batch is settled or cancelled, saying what state it is in, and refuse a statement sent anyway', async () => {
    const batch = await approvedBatch(1);
    const [only] = batch.cases;
    if (!only) throw new Error('one payment expected');
    const finance = await signedIn(w.people.finance.email);
    const path = `/money/batches/${batch.id}`;
    const approved = await finance.get(path);
    expect(approved.text).toContain(`action="${path}/statement"`);
    const csrf = PageClient.csrfOf(approved.text);
    const today = shanghaiDate(t.app.clock.now());
    expect((await t.api.post(`/disbursements/${batch.id}/events`, { type: 'SETTLE', payments: [{ caseId: only.caseId, reference: 'ICBC-SETTLED-1', paidOn: today }] }, w.tokens.finance)).status).toBe(200);

    const settled = await finance.get(path);
    expect(settled.text).not.toContain(`action="${path}/statement"`);
    expect(settled.text).not.toContain('id="st-file"');
    expect(settled.text).toContain('本批次已办结，每笔付款均已登记，不再核对对账单。');
    // the bank file stays, to print again
    expect(settled.text).toContain(`href="/api/v1/disbursements/${batch.id}/export.csv"`);
    // a page left open before it settled: the statement is refused, and the page says why
    const late = await postFile(finance, `${path}/statement`, { _csrf: csrf }, `付款编号,金额\r\n${only.paymentId},${only.amount}\r\n`);
    expect(late.status).toBe(409);
    expect(late.text).toContain(`对账单只能用于已批准、尚有付款待登记的拨付批次；批次 ${batch.number}：批次已办结，每笔付款均已登记`);
    expect(late.text).not.toContain('id="report"');
    // the provincial reviewer, who handles no statements, is told nothing about them
    const provincial = await (await signedIn(w.people.provincial.email)).get(path);
    expect(provincial.text).not.toContain('不再核对对账单');

    const { id: draftId } = await draftBatch();
    const draft = await finance.get(`/money/batches/${draftId}`);
    expect(draft.text).toContain('本批次为草稿，尚未提交审批。批次审批通过、银行付款后，可在此上传对账单核对。');
    expect((await t.api.post(`/disbursements/${draftId}/events`, { type: 'CANCEL', reason: '重复' }, w.tokens.finance)).status).toBe(200);
    finance.cookies.set('fb_lang', 'en');
    const cancelled = await finance.get(`/money/batches/${draftId}`);
    expect(cancelled.text).toContain('This batch was cancelled and pays nothing, so there is no statement to check.');
    expect(cancelled.text).not.toContain(`action="/money/batches/${draftId}/statement"`);
  });
});

describe('picking the cases of a new batch on /money', () => {
  const numberOf = async (id: string) => (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.finance)).body.number;
  const amountOf = async (id: string) => (await t.api.get<{ subsidy: { amount: string } | null }>(`/cases/${id}`, w.tokens.finance)).body.subsidy?.amount ?? '';
  const ticked = (html: string, id: string) => new RegExp(`<input type="checkbox" id="nb-case-${id}" name="caseIds" value="${id}" checked`).test(html);

  it('offers every eligible case ticked, recounts the ticked ones without making anything, and makes a batch of exactly those', async () => {
    const [a, b] = [await w.caseIn('approved'), await w.caseIn('approved')];
    const finance = await signedIn(w.people.finance.email);
    const money = await finance.get(`/money?roundId=${w.round.id}`);
    for (const id of [a, b]) expect(ticked(money.text, id), id).toBe(true);
    expect(money.text).toContain(`纳入批次：${await numberOf(a)}`);
    const before = await t.api.get<{ items: unknown[] }>('/disbursements?limit=100', w.tokens.finance);

    const recount = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(money.text), roundId: w.round.id, city: '', caseIds: [b], action: 'recount' });
    expect(recount.status).toBe(200);
    expect(ticked(recount.text, b)).toBe(true);
    expect(ticked(recount.text, a)).toBe(false);
    expect(recount.text).toContain('已勾选 1 项，合计');
    expect(recount.text).toContain(yuan(await amountOf(b)));
    expect(recount.text).toContain('创建拨付批次（1 项申请）');
    expect((await t.api.get<{ items: unknown[] }>('/disbursements?limit=100', w.tokens.finance)).body.items).toHaveLength(before.body.items.length);

    const created = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(recount.text), roundId: w.round.id, city: '', caseIds: [b], action: 'create' });
    expect(created.status).toBe(303);
    const id = (created.headers.get('location') ?? '').replace(/^\/money\/batches\//, '').replace(/\?.*$/, '');
    const batch = await t.api.get<{ cases: { caseId: string }[]; totals: { amount: string } }>(`/disbursements/${id}`, w.tokens.finance);
    expect(batch.body.cases.map((c) => c.caseId)).toEqual([b]);
    expect(batch.body.totals.amount).toBe(await amountOf(b));
    // the one left out is offered again, the batched one no more
    const after = await finance.get(`/money?roundId=${w.round.id}`);
    expect(ticked(after.text, a)).toBe(true);
    expect(after.text).not.toContain(`id="nb-case-${b}"`);
  });

  it('shows every refused case beside its check box and in the summary, keeps the ticks, and makes nothing', async () => {
    const [ok, raced] = [await w.caseIn('approved'), await w.caseIn('approved')];
    const finance = await signedIn(w.people.finance.email);
    const money = await finance.get(`/money?roundId=${w.round.id}`);
    // another finance user batches one of them meanwhile; an unknown id is sent too
    expect((await t.api.post('/disbursements', { roundId: w.round.id, caseIds: [raced] }, w.tokens.finance2)).status).toBe(201);
    const unknown = randomUUID();
    const refused = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(money.text), roundId: w.round.id, city: '', caseIds: [ok, raced, unknown, ok], action: 'create' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('请更正以下问题：');
    expect(refused.text).toContain(`已在拨付批次`);
    expect(refused.text).toContain(`没有编号为 ${unknown} 的已批准申请`);
    expect(refused.text).toContain('被选了两次');
    // the duplicate is said beside the case's check box, which stays ticked
    expect(refused.text).toContain(`id="nb-case-${ok}-error"`);
    expect(refused.text).toContain(`href="#nb-case-${ok}"`);
    expect(ticked(refused.text, ok)).toBe(true);
    expect((await t.api.get<{ state: string }>(`/cases/${ok}`, w.tokens.finance)).body.state).toBe('calculated');
  });

  it('asks for at least one tick, with 400, and takes no case of another city than the one chosen', async () => {
    const id = await w.caseIn('approved');
    const finance = await signedIn(w.people.finance.email);
    const money = await finance.get(`/money?roundId=${w.round.id}`);
    const none = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(money.text), roundId: w.round.id, city: '', action: 'create' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('请至少勾选一个申请。');
    expect(none.text).toContain('aria-describedby="nb-caseIds-error"');
    const ningbo = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(none.text), roundId: w.round.id, city: '330200', caseIds: [id], action: 'create' });
    expect(ningbo.status).toBe(422);
    expect(ningbo.text).toContain('不属于所选城市 330200');
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.finance)).body.state).toBe('calculated');
  });

  it('reads as many ticks as a batch may hold: a form of 300 cases is answered with their refusals, not refused for its size', async () => {
    const finance = await signedIn(w.people.finance.email);
    const money = await finance.get(`/money?roundId=${w.round.id}`);
    const caseIds = Array.from({ length: 300 }, () => randomUUID());
    const res = await finance.post('/money/batches', { _csrf: PageClient.csrfOf(money.text), roundId: w.round.id, city: '', caseIds, action: 'create' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`没有编号为 ${caseIds[299] ?? ''} 的已批准申请`);
  });

  it('are refused to every role but finance', async () => {
    const id = await w.caseIn('approved');
    for (const who of ['firm', 'otherFirm', 'insurer', 'expert', 'municipal', 'provincial', 'admin'] as const) {
      const b = await signedIn(w.people[who].email);
      const csrf = PageClient.csrfOf((await b.get('/')).text);
      for (const action of ['create', 'recount']) {
        const res = await b.post('/money/batches', { _csrf: csrf, roundId: w.round.id, city: '', caseIds: [id], action });
        expect(res.status, `${who} ${action}`).toBe(403);
        expect(res.text, who).not.toContain(`id="nb-case-${id}"`);
      }
    }
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.finance)).body.state).toBe('calculated');
  });
});
