import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { render } from '../../server/mail/templates';
import { dayWords } from '../../server/domain/date-words';
import { cases, clocks, disbursementBatches, emailDeliveries, enterprises, history, outbox, payments, rounds, taskClaims, timers } from '../../db/schema';
import { makeRound, makeUser } from '../../seeds/factories';
import { violatedUniqueIndex } from '../../db/errors';
import { shanghaiDate } from '../../server/calendar/dates';
import { SettableClock } from '../../server/clock';
import { fireTimer } from '../../server/engine/timers';
import { useTestApp } from '../support/use-app';
import { makeWorld, type World } from '../support/world';
import { batchTaskHeldBefore } from '../support/inbox';

// Disbursement batches (拨付批次, SPEC §1, §4, §7): finance puts calculated cases into a batch, a
// second finance user approves it, the bank pays, and each payment is recorded. A database of its
// own: the city batches take every calculated case of a round and city, and the last tests move
// the clock.
const { t, w } = useTestApp({ ownDatabase: true });

interface BatchCase {
  caseId: string;
  caseNumber: string;
  paymentId: string;
  amount: string;
  payee: string;
  bankAccount: string;
  status: string;
  reference: string | null;
  paidOn: string | null;
  failure: string | null;
}
interface Batch {
  id: string;
  number: string;
  state: string;
  version: number;
  city: string | null;
  createdBy: { id: string; name: string };
  approvedBy: { id: string; name: string } | null;
  payment: { dueOn: string; overdue: boolean } | null;
  totals: { cases: number; amount: string; paid: string; failed: string; pending: string; counts: Record<string, number> };
  cases: BatchCase[];
  allowedEvents: string[];
}
interface Problem {
  detail: string;
  errors: { path: string; code?: string; message: string; messageZh?: string }[];
}

let finance2: { id: string; email: string; token: string };
let finance3: { id: string; email: string; token: string };
beforeAll(async () => {
  const second = await makeUser(t.app.db, { roles: ['finance'], name: '财务复核员' });
  const third = await makeUser(t.app.db, { roles: ['finance'], name: '财务三' });
  finance2 = { id: second.id, email: second.email, token: await t.api.login(second.email) };
  finance3 = { id: third.id, email: third.email, token: await t.api.login(third.email) };
});

/** A case approved with the contract amount, liability limit and premium given (yuan strings), as subsidy.test.ts makes them. */
async function approvedWith(contract: string, limit: string, premium: string, world: World = w): Promise<string> {
  const body = world.caseBody();
  return world.caseIn('approved', { contract: { ...body.contract, amount: contract }, policy: { ...body.policy, liabilityLimit: limit, premium } });
}
/** SPEC §6 worked example 1: S = 1,000,000.00. */
const example1 = (world: World = w) => approvedWith('10000000.00', '60000000.00', '1500000.00', world);
/** SPEC §6 worked example 2: S = 24,000.00. */
const example2 = (world: World = w) => approvedWith('300000.00', '1000000.00', '45000.00', world);

async function create(caseIds: string[], token = w.tokens.finance, world: World = w): Promise<Batch> {
  const res = await t.api.post<Batch>('/disbursements', { roundId: world.round.id, caseIds }, token);
  if (res.status !== 201) throw new Error(`batch not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const send = (id: string, event: Record<string, unknown>, token: string, headers?: Record<string, string>) => t.api.post<Batch & Problem>(`/disbursements/${id}/events`, event, token, headers);
async function ok(id: string, event: Record<string, unknown>, token: string): Promise<Batch> {
  const res = await send(id, event, token);
  if (res.status !== 200) throw new Error(`${String(event.type)} refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
/** A batch of the cases, submitted by its creator (finance) and approved by a second finance user. */
async function approvedBatch(caseIds: string[]): Promise<Batch> {
  const batch = await create(caseIds);
  await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
  return ok(batch.id, { type: 'APPROVE', comment: '金额核对无误' }, finance2.token);
}
const stateOf = async (caseId: string) => (await t.api.get<{ state: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.state;
const today = () => shanghaiDate(t.app.clock.now());
const mailsOf = (ownerId: string, template: string) => t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, ownerId), eq(emailDeliveries.template, template)));

describe('POST /disbursements', () => {
  it('makes a draft batch of the worked examples: one payment each, the amount, payee and account copied, each case batched (its history naming the finance user)', async () => {
    const a = await example1();
    const b = await example2();
    const res = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds: [b, a] }, w.tokens.finance);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/disbursements/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
    const batch = res.body;
    expect(batch.number).toMatch(/^PB\d{4}-\d{4}$/);
    expect(batch).toMatchObject({ state: 'draft', city: null, createdBy: { id: w.people.finance.id }, approvedBy: null, payment: null, allowedEvents: ['SUBMIT', 'CANCEL'] });
    expect(batch.totals).toEqual({ cases: 2, amount: '1024000.00', paid: '0.00', failed: '0.00', pending: '1024000.00', counts: { pending: 2, paid: 0, failed: 0, cancelled: 0 } });
    expect(Object.fromEntries(batch.cases.map((c) => [c.caseId, c.amount]))).toEqual({ [a]: '1000000.00', [b]: '24000.00' });
    expect(batch.cases.map((c) => c.paymentId)).toEqual([`PAY-${batch.number}-0001`, `PAY-${batch.number}-0002`]);
    expect(batch.cases.every((c) => c.payee === w.firm.name && c.bankAccount === w.firm.bankAccount && c.status === 'pending')).toBe(true);

    const rows = await t.app.db.select().from(payments).where(eq(payments.batchId, batch.id));
    expect(rows.find((p) => p.caseId === a)).toMatchObject({ amountFen: 100_000_000n, status: 'pending', bankName: w.firm.bankName });
    expect(rows.find((p) => p.caseId === b)).toMatchObject({ amountFen: 2_400_000n, status: 'pending' });
    for (const id of [a, b]) {
      expect(await stateOf(id)).toBe('batched');
      const h = await t.api.get<{ items: { eventType: string; actorId: string | null; actorRole: string; payload: unknown }[] }>(`/cases/${id}/history`, w.tokens.finance);
      expect(h.body.items.at(-1)).toMatchObject({ eventType: 'BATCHED', actorId: w.people.finance.id, actorRole: 'finance', payload: { batchId: batch.id } });
    }
    const h = await t.api.get<{ items: { eventType: string; stateBefore: string; stateAfter: string; payload: { total: string; payments: unknown[] } }[] }>(`/disbursements/${batch.id}/history`, w.tokens.finance);
    expect(h.body.items).toHaveLength(1);
    expect(h.body.items[0]).toMatchObject({ eventType: 'CREATE', stateBefore: 'new', stateAfter: 'draft', payload: { total: '1024000.00' } });
    expect(h.body.items[0]?.payload.payments).toHaveLength(2);
  });

  it('keeps in its first history entry each payment as ordered: payment id, case, amount, payee, bank and account', async () => {
    const id = await example2();
    const batch = await create([id]);
    const h = await t.api.get<{ items: { payload: { roundId: string; city: string | null; payments: unknown[] } }[] }>(`/disbursements/${batch.id}/history`, w.tokens.finance);
    expect(h.body.items[0]?.payload).toMatchObject({ roundId: w.round.id, city: null });
    expect(h.body.items[0]?.payload.payments).toEqual([
      { paymentId: `PAY-${batch.number}-0001`, caseId: id, amount: '24000.00', payee: w.firm.name, bankName: w.firm.bankName, bankAccount: w.firm.bankAccount },
    ]);
  });

  it('names every case that cannot go into the batch, in Chinese and English, and makes nothing', async () => {
    const ready = await example2();
    const inDraft = await example2();
    const other = await create([inDraft]);
    const notApproved = await w.caseIn('awaitingNotice');
    const zero = await example2();
    await t.app.db.update(cases).set({ subsidyFen: 0n }).where(eq(cases.id, zero));
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const otherRound = await w.caseIn('approved', { roundId: round.id });
    const unknown = randomUUID();
    const before = await t.app.db.$count(disbursementBatches);

    const res = await t.api.post<Problem>('/disbursements', { roundId: w.round.id, caseIds: [ready, inDraft, notApproved, zero, otherRound, unknown] }, w.tokens.finance);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.path, e.code])).toEqual([
      ['caseIds.1', 'batch.inLiveBatch'],
      ['caseIds.2', 'batch.noCase'],
      ['caseIds.3', 'batch.zeroSubsidy'],
      ['caseIds.4', 'batch.otherRound'],
      ['caseIds.5', 'batch.noCase'],
    ]);
    expect(res.body.errors[0]?.message).toContain(other.number);
    expect(res.body.errors[0]?.messageZh).toContain(`已在拨付批次 ${other.number} 中`);
    expect(res.body.errors.every((e) => e.message !== '' && (e.messageZh ?? '') !== '')).toBe(true);
    expect(await t.app.db.$count(disbursementBatches)).toBe(before);
    expect(await stateOf(ready)).toBe('calculated');
  });

  it('refuses a case that is paid already, or the next step of a batch', async () => {
    const batch = await approvedBatch([await example2()]);
    const [only] = batch.cases;
    if (!only) throw new Error('no case');
    const res = await t.api.post<Problem>('/disbursements', { roundId: w.round.id, caseIds: [only.caseId] }, w.tokens.finance);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.code)).toEqual(['batch.inLiveBatch']);
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: only.caseId, reference: 'ICBC-0001', paidOn: today() }] }, w.tokens.finance);
    const again = await t.api.post<Problem>('/disbursements', { roundId: w.round.id, caseIds: [only.caseId] }, w.tokens.finance);
    expect(again.body.errors.map((e) => [e.code, e.message])).toEqual([['batch.notCalculated', expect.stringContaining('is paid, not awaiting payment')]]);
  });

  it('puts a case into one batch when two batches race for it', async () => {
    const id = await example2();
    const answers = await Promise.all([w.tokens.finance, finance2.token].map((token) => t.api.post<Problem>('/disbursements', { roundId: w.round.id, caseIds: [id] }, token)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)?.body.errors.map((e) => e.code)).toEqual(['batch.inLiveBatch']);
    expect(await t.app.db.$count(payments, eq(payments.caseId, id))).toBe(1);
    expect(await t.app.db.$count(history, and(eq(history.ownerId, id), eq(history.eventType, 'BATCHED')))).toBe(1);
  });

  it("refuses a batch that would take what the round pays past its budget, and points to the pro-rata reduction", async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const first = await example1(own); // 1,000,000.00
    const second = await example2(own); // 24,000.00
    // a fen short of both together
    await t.app.db.update(rounds).set({ budgetFen: 102_399_999n }).where(eq(rounds.id, own.round.id));
    const batched = await t.api.post<Batch>('/disbursements', { roundId: own.round.id, caseIds: [first] }, own.tokens.finance);
    expect(batched.status).toBe(201);
    const over = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, caseIds: [second] }, own.tokens.finance);
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([
      expect.objectContaining({
        path: 'caseIds',
        code: 'batch.overBudget',
        // amounts grouped as people read them; the budget named as the round's, not the disbursement batch's
        message: expect.stringContaining('passes the round\'s budget of 1,023,999.99 yuan by 0.01 yuan'),
        messageZh: expect.stringContaining('已纳入拨付的 1,000,000.00 元，将超出本轮申报预算 1,023,999.99 元（超出 0.01 元）'),
      }),
    ]);
    expect(over.body.errors[0]?.message).toContain(`POST /rounds/${own.round.id}/pro-rata`);
    // nothing was made: the case awaits payment as before
    expect(await stateOf(second)).toBe('calculated');
    expect(await t.app.db.$count(payments, eq(payments.caseId, second))).toBe(0);
    // the whole budget may be paid, to the fen
    await t.app.db.update(rounds).set({ budgetFen: 102_400_000n }).where(eq(rounds.id, own.round.id));
    expect((await t.api.post<Batch>('/disbursements', { roundId: own.round.id, caseIds: [second] }, own.tokens.finance)).status).toBe(201);
  });

  it('lets only one of two batches that each fit the budget alone, but not together, be made', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const [a, b] = [await example1(own), await example1(own)];
    await t.app.db.update(rounds).set({ budgetFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
    const answers = await Promise.all(
      [
        [a, own.tokens.finance],
        [b, finance2.token],
      ].map(([id, token]) => t.api.post<Problem>('/disbursements', { roundId: own.round.id, caseIds: [id] }, token)),
    );
    expect(answers.map((x) => x.status).sort()).toEqual([201, 422]);
    expect(answers.find((x) => x.status === 422)?.body.errors.map((e) => e.code)).toEqual(['batch.overBudget']);
  });

  it("refuses a city's batch over the budget by the city", async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    await example1(own);
    await t.app.db.update(rounds).set({ budgetFen: 50_000_000n }).where(eq(rounds.id, own.round.id));
    const over = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, city: '330100' }, own.tokens.finance);
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([expect.objectContaining({ path: 'city', code: 'batch.overBudget' })]);
  });

  it('takes every calculated case of a round in a city when no case is named', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const first = await example1(own);
    const second = await example2(own);
    const res = await t.api.post<Batch>('/disbursements', { roundId: own.round.id, city: '330100' }, own.tokens.finance);
    expect(res.status).toBe(201);
    expect(res.body.city).toBe('330100');
    expect(res.body.cases.map((c) => c.caseId).sort()).toEqual([first, second].sort());
    expect(res.body.totals.amount).toBe('1024000.00');
    // nothing is left there; Ningbo never had any
    for (const city of ['330100', '330200']) {
      const none = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, city }, own.tokens.finance);
      expect(none.status, city).toBe(422);
      expect(none.body.errors).toEqual([expect.objectContaining({ path: 'city', code: 'batch.noneInCity' })]);
    }
    // named cases and a city: each must be of the city
    const third = await example2(own);
    const mixed = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, caseIds: [third], city: '330200' }, own.tokens.finance);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ path: 'caseIds.0', code: 'batch.otherCity' })]);
  });

  it('takes for a city only the cases of that round and city that await payment and have a subsidy above zero', async () => {
    // a round of the test's own: the city batch takes every calculated case of the round and city
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const body = w.caseBody();
    const example2In = () => w.caseIn('approved', { roundId: round.id, contract: { ...body.contract, amount: '300000.00' }, policy: { ...body.policy, liabilityLimit: '1000000.00', premium: '45000.00' } });
    const due = await example2In();
    const zero = await example2In();
    await t.app.db.update(cases).set({ subsidyFen: 0n }).where(eq(cases.id, zero));
    const ningbo = await example2In();
    await t.app.db.update(cases).set({ city: '330200' }).where(eq(cases.id, ningbo));
    const inDraft = await example2In();
    const drafted = await t.api.post<Batch>('/disbursements', { roundId: round.id, caseIds: [inDraft] }, w.tokens.finance);
    expect(drafted.status).toBe(201);
    const otherRound = await example2();

    const res = await t.api.post<Batch>('/disbursements', { roundId: round.id, city: '330100' }, w.tokens.finance);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.cases.map((c) => c.caseId)).toEqual([due]);
    expect(res.body.totals.amount).toBe('24000.00');
    for (const id of [zero, ningbo, otherRound]) expect(await stateOf(id)).toBe('calculated');
  });

  it('refuses a case whose firm has no bank account on record any more, and makes nothing', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await example2(own);
    await t.app.db.update(enterprises).set({ bankAccount: '  ' }).where(eq(enterprises.id, own.firm.id));
    const res = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, caseIds: [id] }, own.tokens.finance);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'caseIds.0', code: 'batch.noBankAccount', messageZh: expect.stringContaining('未登记收款银行账户') })]);
    expect(await stateOf(id)).toBe('calculated');
    expect(await t.app.db.$count(payments, eq(payments.caseId, id))).toBe(0);
  });

  it('asks nobody related to a member firm to act on the batch: its emails pass them by, as its tasks do', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await example2(own);
    const affiliate = '91330100MA2B00000X';
    await t.app.db.update(enterprises).set({ affiliations: [affiliate] }).where(eq(enterprises.id, own.firm.id));
    const byUscc = await makeUser(t.app.db, { roles: ['finance'], affiliations: [own.firm.uscc] });
    const byAffiliate = await makeUser(t.app.db, { roles: ['finance'], affiliations: [affiliate] });
    const unrelated = await makeUser(t.app.db, { roles: ['finance'] });
    const batch = await create([id], own.tokens.finance, own);
    await ok(batch.id, { type: 'SUBMIT' }, own.tokens.finance);
    const told = (await mailsOf(batch.id, 'batch.submitted')).map((m) => m.toAddress);
    expect(told).toContain(unrelated.email);
    expect(told).not.toContain(byUscc.email);
    expect(told).not.toContain(byAffiliate.email);
  });

  it('numbers the payments in case-number order, whatever order the cases are named in', async () => {
    const first = await example2();
    const second = await example1();
    const batch = await create([second, first]);
    const numbered = Object.fromEntries(batch.cases.map((c) => [c.caseId, c.paymentId]));
    expect(numbered).toEqual({ [first]: `PAY-${batch.number}-0001`, [second]: `PAY-${batch.number}-0002` });
    const rows = await t.app.db.select({ caseId: payments.caseId, seq: payments.seq }).from(payments).where(eq(payments.batchId, batch.id));
    expect(Object.fromEntries(rows.map((r) => [r.caseId, r.seq]))).toEqual({ [first]: 1, [second]: 2 });
  });

  it('refuses a round that does not exist with a reason, and bad bodies with 400', async () => {
    const id = await example2();
    const unknownRound = await t.api.post<Problem>('/disbursements', { roundId: randomUUID(), caseIds: [id] }, w.tokens.finance);
    expect(unknownRound.status).toBe(422);
    expect(unknownRound.body.errors).toEqual([expect.objectContaining({ path: 'roundId', code: 'batch.noRound' })]);
    const bodies: unknown[] = [
      {},
      { roundId: w.round.id },
      { roundId: w.round.id, caseIds: [] },
      { roundId: w.round.id, caseIds: ['not-a-uuid'] },
      { roundId: w.round.id, caseIds: [42] },
      { roundId: w.round.id, caseIds: id },
      { roundId: 'x', caseIds: [id] },
      { roundId: w.round.id, caseIds: [id], extra: true },
      { roundId: w.round.id, city: '999999' },
      { roundId: w.round.id, caseIds: [id], amount: 24000 },
      [id],
      null,
    ];
    for (const body of bodies) {
      const res = await t.api.post<Problem>('/disbursements', body, w.tokens.finance);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors?.length ?? 1, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expect((await t.api.request('POST', '/disbursements', { token: w.tokens.finance, raw: '{"roundId":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await t.api.request('POST', '/disbursements', { token: w.tokens.finance, raw: 'roundId=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect(await stateOf(id)).toBe('calculated');
  });

  it('reads a round or case id written in capitals as the same id: the batch is made, and the id named twice is refused', async () => {
    const id = await example2();
    const twice = await t.api.post<Problem>('/disbursements', { roundId: w.round.id, caseIds: [id, id.toUpperCase()] }, w.tokens.finance);
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([expect.objectContaining({ path: 'caseIds.1', code: 'batch.namedTwice', messageZh: expect.stringContaining('被选了两次') })]);
    const res = await t.api.post<Batch>('/disbursements', { roundId: w.round.id.toUpperCase(), caseIds: [id.toUpperCase()] }, w.tokens.finance);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.cases.map((c) => c.caseId)).toEqual([id]);
    expect(await stateOf(id)).toBe('batched');
  });

  it('refuses a finance user related to a member firm: 403, and nothing is made', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const id = await example2(own);
    const affiliate = '91330100MA2B00000X';
    await t.app.db.update(enterprises).set({ affiliations: [affiliate] }).where(eq(enterprises.id, own.firm.id));
    for (const affiliations of [[own.firm.uscc], [affiliate]]) {
      const related = await makeUser(t.app.db, { roles: ['finance'], affiliations });
      const res = await t.api.post<Problem>('/disbursements', { roundId: own.round.id, caseIds: [id] }, await t.api.login(related.email));
      expect(res.status, affiliations[0]).toBe(403);
      expect(res.body.detail).toContain('related to a firm in this batch');
    }
    expect(await stateOf(id)).toBe('calculated');
    expect(await t.app.db.$count(payments, eq(payments.caseId, id))).toBe(0);
  });

  it('leaves the case’s own money events to the batch: finance sees no button for them on a calculated case, and sending one is refused', async () => {
    const id = await example2();
    const view = await t.api.get<{ state: string; allowedEvents: string[] }>(`/cases/${id}`, w.tokens.finance);
    expect(view.body).toMatchObject({ state: 'calculated', allowedEvents: [] });
    for (const event of [{ type: 'BATCHED', batchId: randomUUID() }, { type: 'UNBATCHED', batchId: randomUUID() }]) {
      expect((await t.api.post(`/cases/${id}/events`, event, w.tokens.finance)).status, event.type).toBe(400);
    }
    expect(await stateOf(id)).toBe('calculated');
  });

  it('is for finance only: 403 to every other role, 401 without a session', async () => {
    const id = await example2();
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'admin'] as const) {
      expect((await t.api.post('/disbursements', { roundId: w.round.id, caseIds: [id] }, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.post('/disbursements', { roundId: w.round.id, caseIds: [id] })).status).toBe(401);
    expect(await stateOf(id)).toBe('calculated');
  });
});

describe('the batch through to paid', () => {
  it('pays the worked examples: submitted by its creator, approved by a second finance user, each payment settled with the bank reference', async () => {
    const a = await example1();
    const b = await example2();
    const batch = await create([a, b]);

    const submitted = await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    expect(submitted).toMatchObject({ state: 'submitted', version: batch.version + 1, allowedEvents: [] });
    const told = (await mailsOf(batch.id, 'batch.submitted')).map((m) => m.toAddress);
    expect(told).toEqual(expect.arrayContaining([finance2.email, finance3.email]));
    expect(told).not.toContain(w.people.finance.email);
    // the amount grouped as amounts are read, the link to the batch's page
    expect((await mailsOf(batch.id, 'batch.submitted'))[0]?.data).toMatchObject({ batchNumber: batch.number, caseCount: '2', total: '1,024,000.00', link: expect.stringMatching(new RegExp(`/money/batches/${batch.id}$`)) });
    expect((await t.api.get<Batch>(`/disbursements/${batch.id}`, finance2.token)).body.allowedEvents).toEqual(['APPROVE', 'RETURN']);

    const approved = await ok(batch.id, { type: 'APPROVE', comment: '已核对收款账户' }, finance2.token);
    expect(approved).toMatchObject({ state: 'approved', approvedBy: { id: finance2.id, name: '财务复核员' } });
    for (const id of [a, b]) expect(await stateOf(id)).toBe('paymentApproved');
    const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, batch.id));
    const due = new Date(Date.parse(`${today()}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(clock).toMatchObject({ ownerKind: 'batch', kind: 'payment', unit: 'calendarDays', status: 'running', dueOn: due, countedDays: 30 });
    expect(approved.payment).toEqual({ dueOn: due, overdue: false });
    const reminders = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, batch.id), eq(timers.purpose, 'reminder')));
    expect(reminders.map((r) => shanghaiDate(r.fireAt))).toEqual([new Date(Date.parse(`${due}T00:00:00Z`) - 5 * 86_400_000).toISOString().slice(0, 10)]);
    const approvedMail = await mailsOf(batch.id, 'batch.approved');
    expect(approvedMail.map((m) => m.toAddress)).toEqual([w.people.finance.email]);
    expect(approvedMail[0]?.data).toMatchObject({ dueOn: due, total: '1,024,000.00' });

    // the bank pays one today; the batch stays approved and its clock runs on
    const first = await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: a, reference: 'ICBC-20261201-0001', paidOn: today() }] }, w.tokens.finance);
    expect(first.state).toBe('approved');
    expect(first.totals).toMatchObject({ paid: '1000000.00', pending: '24000.00' });
    expect(await stateOf(a)).toBe('paid');
    expect(await stateOf(b)).toBe('paymentApproved');
    const settled = await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: b, reference: 'ICBC-20261201-0002', paidOn: today() }] }, finance2.token);
    expect(settled).toMatchObject({ state: 'settled', allowedEvents: [], payment: { dueOn: due, overdue: false } });
    expect(settled.totals).toEqual({ cases: 2, amount: '1024000.00', paid: '1024000.00', failed: '0.00', pending: '0.00', counts: { pending: 0, paid: 2, failed: 0, cancelled: 0 } });
    expect(settled.cases.find((c) => c.caseId === b)).toMatchObject({ status: 'paid', reference: 'ICBC-20261201-0002', paidOn: today(), failure: null });
    expect(await stateOf(b)).toBe('paid');
    // the firm is told what was paid, when, and under which bank reference
    const paidMail = await mailsOf(b, 'case.paid');
    expect(paidMail.map((m) => m.toAddress)).toEqual([w.people.firm.email]);
    expect(paidMail[0]?.data).toMatchObject({ subsidy: '24,000.00', paidOn: today(), paymentReference: 'ICBC-20261201-0002' });
    // the data keeps the ISO day; each language's text words it as the pages do
    expect(paidMail[0]?.data).toMatchObject({ paidOn: today() });
    const paidText = render('case.paid', paidMail[0]?.data as Record<string, string>).text;
    expect(paidText).toContain(`保费补偿资金 24,000.00 元已于 ${dayWords(today(), 'zh')} 拨付至贵企业登记的收款账户（银行流水号 ICBC-20261201-0002）`);
    expect(paidText).toContain(`was paid on ${dayWords(today(), 'en')} to the bank account`);
    // a settled batch keeps its bank file, for the statement to be checked against
    for (const ext of ['csv', 'xlsx']) expect((await download(`/disbursements/${batch.id}/export.${ext}`, w.tokens.finance)).status, ext).toBe(200);
    const [stopped] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, batch.id));
    expect(stopped?.status).toBe('stopped');

    const paidEvent = await t.app.db.select().from(history).where(and(eq(history.ownerId, a), eq(history.eventType, 'PAID')));
    expect(paidEvent[0]?.payload).toMatchObject({ batchId: batch.id, paymentId: `PAY-${batch.number}-0001`, reference: 'ICBC-20261201-0001', paidOn: today() });
    // each case's history names the finance user whose act on the batch moved it: approval by the second, each payment by whoever recorded it
    const actorsOf = async (caseId: string) => (await t.app.db.select().from(history).where(eq(history.ownerId, caseId)).orderBy(asc(history.seq))).filter((e) => e.eventType !== 'DEADLINE_EXPIRED').map((e) => [e.eventType, e.actorId, e.actorRole]);
    expect((await actorsOf(a)).slice(-3)).toEqual([
      ['BATCHED', w.people.finance.id, 'finance'],
      ['BATCH_APPROVED', finance2.id, 'finance'],
      ['PAID', w.people.finance.id, 'finance'],
    ]);
    expect((await actorsOf(b)).at(-1)).toEqual(['PAID', finance2.id, 'finance']);
    const h = await t.api.get<{ items: { eventType: string; actorId: string | null; stateAfter: string }[] }>(`/disbursements/${batch.id}/history`, w.tokens.provincial);
    expect(h.body.items.map((i) => [i.eventType, i.stateAfter])).toEqual([
      ['CREATE', 'draft'],
      ['SUBMIT', 'submitted'],
      ['APPROVE', 'approved'],
      ['SETTLE', 'approved'],
      ['SETTLE', 'settled'],
    ]);
    expect(h.body.items[2]?.actorId).toBe(finance2.id);
    for (const token of [w.tokens.finance, w.tokens.provincial]) {
      expect((await t.api.get(`/audit/verify?batchId=${batch.id}`, token)).body).toMatchObject({ batchId: batch.id, valid: true, entries: 5, firstBrokenSeq: null });
    }
    // the firm sees its money paid
    expect((await t.api.get<{ state: string }>(`/cases/${a}/subsidy`, w.tokens.firm)).body.state).toBe('paid');
  });

  it('refuses approval by the batch’s creator: 403 with the reason in Chinese and English, nothing changed', async () => {
    const id = await example2();
    const batch = await create([id]);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    for (const event of [{ type: 'APPROVE' }, { type: 'RETURN', reason: '自己退回' }]) {
      const res = await send(batch.id, event, w.tokens.finance);
      expect(res.status, event.type).toBe(403);
      expect(res.body.detail).toContain('other than the one who created or submitted it');
      expect(res.body.detail).toContain('另一名财务人员');
    }
    const view = await t.api.get<Batch>(`/disbursements/${batch.id}`, w.tokens.finance);
    expect(view.body).toMatchObject({ state: 'submitted', version: batch.version + 1, allowedEvents: [] });
    expect(await stateOf(id)).toBe('batched');
  });

  it('refuses approval by whoever submitted it after a return, and lets a third person approve', async () => {
    const id = await example2();
    const batch = await create([id]);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    const returned = await ok(batch.id, { type: 'RETURN', reason: '请核对收款账户' }, finance2.token);
    expect(returned).toMatchObject({ state: 'draft' });
    const mail = await mailsOf(batch.id, 'batch.returned');
    expect(mail.map((m) => m.toAddress)).toEqual([w.people.finance.email]);
    expect(mail[0]?.data).toMatchObject({ reason: '请核对收款账户' });

    await ok(batch.id, { type: 'SUBMIT' }, finance2.token);
    for (const token of [finance2.token, w.tokens.finance]) expect((await send(batch.id, { type: 'APPROVE' }, token)).status).toBe(403);
    expect((await ok(batch.id, { type: 'APPROVE' }, finance3.token)).approvedBy?.id).toBe(finance3.id);
  });

  it('asks for approval, after a return, neither the creator nor whoever submitted it again', async () => {
    const batch = await create([await example2()]);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    await ok(batch.id, { type: 'RETURN', reason: '请核对收款账户' }, finance2.token);
    await ok(batch.id, { type: 'SUBMIT' }, finance2.token);
    const told = (await mailsOf(batch.id, 'batch.submitted')).map((m) => m.toAddress);
    const times = (email: string) => told.filter((a) => a === email).length;
    // the first submission asked finance2 and finance3; the second, by finance2, asks finance3 only
    expect([times(w.people.finance.email), times(finance2.email), times(finance3.email)]).toEqual([0, 1, 2]);
  });

  it('cancels a draft: its cases go back to calculated, its payments are cancelled, and they can be batched again', async () => {
    const id = await example2();
    const batch = await create([id]);
    const cancelled = await ok(batch.id, { type: 'CANCEL', reason: '重复建批' }, finance2.token);
    expect(cancelled).toMatchObject({ state: 'cancelled', allowedEvents: [] });
    expect(cancelled.totals).toMatchObject({ cases: 0, amount: '0.00', counts: { cancelled: 1 } });
    expect(await stateOf(id)).toBe('calculated');
    const [unbatched] = await t.app.db.select().from(history).where(and(eq(history.ownerId, id), eq(history.eventType, 'UNBATCHED')));
    expect(unbatched).toMatchObject({ actorId: finance2.id, actorRole: 'finance', payload: { batchId: batch.id } });
    expect((await create([id])).cases.map((c) => c.caseId)).toEqual([id]);
    expect((await send(batch.id, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(409);
  });

  it('puts a failed payment back to calculated, and a new batch pays it', async () => {
    const id = await example1();
    const first = await approvedBatch([id]);
    const failed = await ok(first.id, { type: 'SETTLE', payments: [{ caseId: id, failure: '收款账户已销户' }] }, w.tokens.finance);
    expect(failed).toMatchObject({ state: 'settled' });
    expect(failed.totals).toMatchObject({ failed: '1000000.00', paid: '0.00', counts: { failed: 1 } });
    expect(failed.cases[0]).toMatchObject({ status: 'failed', failure: '收款账户已销户', reference: null });
    expect(await stateOf(id)).toBe('calculated');
    const [failedEvent] = await t.app.db.select().from(history).where(and(eq(history.ownerId, id), eq(history.eventType, 'PAYMENT_FAILED')));
    expect(failedEvent).toMatchObject({ actorId: w.people.finance.id, actorRole: 'finance', payload: { batchId: first.id, failure: '收款账户已销户' } });
    expect((await mailsOf(id, 'case.paymentFailed')).map((m) => m.toAddress)).toContain(w.people.firm.email);

    const second = await approvedBatch([id]);
    expect(second.cases[0]?.paymentId).not.toBe(first.cases[0]?.paymentId);
    await ok(second.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-RETRY-1', paidOn: today() }] }, w.tokens.finance);
    expect(await stateOf(id)).toBe('paid');
    const rows = await t.app.db.select({ status: payments.status, batchId: payments.batchId }).from(payments).where(eq(payments.caseId, id));
    expect(rows.map((r) => [r.batchId, r.status]).sort()).toEqual(
      [
        [first.id, 'failed'],
        [second.id, 'paid'],
      ].sort(),
    );
  });
});

describe('paying a case twice', () => {
  it('is refused by the database itself: no second pending or paid payment of a case', async () => {
    const id = await example2();
    const batch = await create([id]);
    const other = await create([await example2()]);
    const row = (status: 'pending' | 'paid' | 'failed', batchId = other.id) => ({
      id: `PAY-TEST-${randomUUID().slice(0, 8)}`,
      batchId,
      caseId: id,
      seq: 99,
      amountFen: 2_400_000n,
      payee: 'x',
      bankName: 'x',
      bankAccount: '1',
      status,
      ...(status === 'paid' ? { bankReference: 'R', paidOn: today() } : {}),
      ...(status === 'failed' ? { failure: 'f' } : {}),
    });
    // a pending payment of the case exists (the draft batch): neither a pending nor a paid one may join it
    for (const status of ['pending', 'paid'] as const) {
      const err = await t.app.db
        .insert(payments)
        .values(row(status))
        .then(() => null, (e: unknown) => e);
      // 23505 on the partial unique index: the database's own refusal, not the service's
      expect(violatedUniqueIndex(err), status).toBe('payments_case_live_key');
    }
    // a failed one is history, not a payment: it does not block
    await t.app.db.insert(payments).values(row('failed'));
    // paid, the same: the index holds the paid row too, whatever batch a second row names
    const third = await create([await example2()]);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    await ok(batch.id, { type: 'APPROVE' }, finance2.token);
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'R-1', paidOn: today() }] }, w.tokens.finance);
    const err = await t.app.db
      .insert(payments)
      .values(row('pending', third.id))
      .then(() => null, (e: unknown) => e);
    expect(violatedUniqueIndex(err)).toBe('payments_case_live_key');
  });
});

describe('POST /disbursements/:id/events', () => {
  it('honours If-Match: a stale version is 409, the current one (bare or quoted) is taken, a malformed one is 400', async () => {
    const batch = await create([await example2()]);
    expect((await send(batch.id, { type: 'SUBMIT' }, w.tokens.finance, { 'If-Match': String(batch.version + 5) })).status).toBe(409);
    expect((await send(batch.id, { type: 'SUBMIT' }, w.tokens.finance, { 'If-Match': 'soon' })).status).toBe(400);
    const res = await send(batch.id, { type: 'SUBMIT' }, w.tokens.finance, { 'If-Match': `"${batch.version}"` });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${batch.version + 1}"`);
  });

  it('takes one of two approvals racing: the other is 409, and each case is approved once', async () => {
    const id = await example2();
    const batch = await create([id]);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    const answers = await Promise.all([finance2.token, finance3.token].map((token) => send(batch.id, { type: 'APPROVE' }, token)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await t.app.db.$count(history, and(eq(history.ownerId, id), eq(history.eventType, 'BATCH_APPROVED')))).toBe(1);
    expect(await t.app.db.$count(clocks, eq(clocks.ownerId, batch.id))).toBe(1);
  });

  it('answers 409 to an event the batch does not take now', async () => {
    const batch = await create([await example2()]);
    expect((await send(batch.id, { type: 'APPROVE' }, finance2.token)).status).toBe(409);
    expect((await send(batch.id, { type: 'SETTLE', payments: [{ caseId: batch.cases[0]?.caseId, reference: 'R', paidOn: today() }] }, w.tokens.finance)).status).toBe(409);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    expect((await send(batch.id, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(409);
    expect((await send(batch.id, { type: 'CANCEL', reason: '晚了' }, w.tokens.finance)).status).toBe(409);
  });

  it('refuses a settlement of a case not in the batch, one already recorded, and a date in the future or before approval', async () => {
    const a = await example2();
    const b = await example2();
    const batch = await approvedBatch([a, b]);
    const stranger = await example2();
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const res = await send(batch.id, { type: 'SETTLE', payments: [{ caseId: stranger, reference: 'R', paidOn: today() }, { caseId: a, reference: 'R', paidOn: tomorrow }, { caseId: b, reference: 'R', paidOn: '2020-01-01' }] }, w.tokens.finance);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.path, e.code])).toEqual([
      ['payments.0.caseId', 'batch.notInBatch'],
      ['payments.1.paidOn', 'batch.paidInFuture'],
      ['payments.2.paidOn', 'batch.paidBeforeApproval'],
    ]);
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: a, reference: 'R', paidOn: today() }] }, w.tokens.finance);
    const twice = await send(batch.id, { type: 'SETTLE', payments: [{ caseId: a, failure: '退票' }] }, w.tokens.finance);
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([expect.objectContaining({ path: 'payments.0.caseId', code: 'batch.alreadySettled', messageZh: expect.stringContaining('已拨付') })]);
    expect(await stateOf(a)).toBe('paid');
    expect(await stateOf(b)).toBe('paymentApproved');
  });

  it('refuses malformed events with 400 and reasons, moving nothing', async () => {
    const id = await example2();
    const batch = await approvedBatch([id]);
    const bodies: unknown[] = [
      {},
      { type: 'PAY' },
      { type: 'CREATE' },
      { type: 'RETURN' },
      { type: 'CANCEL', reason: '   ' },
      { type: 'SETTLE' },
      { type: 'SETTLE', payments: [] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R', paidOn: today() }, { caseId: id, failure: 'x' }] },
      { type: 'SETTLE', payments: [{ caseId: id }] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R' }] },
      { type: 'SETTLE', payments: [{ caseId: id, paidOn: today() }] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R', paidOn: today(), failure: 'x' }] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R', paidOn: '2026-02-30' }] },
      { type: 'SETTLE', payments: [{ caseId: 'nope', reference: 'R', paidOn: today() }] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R', paidOn: today(), amount: 24000 }] },
      { type: 'SETTLE', payments: [{ caseId: id, reference: 'R', paidOn: today(), amount: '24000.00' }] },
      { type: 'APPROVE', comment: 42 },
    ];
    for (const body of bodies) {
      const res = await send(batch.id, body as Record<string, unknown>, w.tokens.finance);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    expect(await stateOf(id)).toBe('paymentApproved');
  });

  it('refuses a reason, a bank reference or a failure of invisible characters only, as it refuses an empty one', async () => {
    const id = await example2();
    const draft = await create([await example2()]);
    const batch = await approvedBatch([id]);
    const invisible = ['\u200b', '\u200b\u200d\u2060', '\u202e\u2066', '\ufeff\u3164'];
    for (const text of invisible) {
      const label = JSON.stringify(text);
      expect((await send(draft.id, { type: 'CANCEL', reason: text }, w.tokens.finance)).status, label).toBe(400);
      expect((await send(batch.id, { type: 'SETTLE', payments: [{ caseId: id, reference: text, paidOn: today() }] }, w.tokens.finance)).status, label).toBe(400);
      expect((await send(batch.id, { type: 'SETTLE', payments: [{ caseId: id, failure: text }] }, w.tokens.finance)).status, label).toBe(400);
    }
    const submitted = await create([await example2()]);
    await ok(submitted.id, { type: 'SUBMIT' }, w.tokens.finance);
    expect((await send(submitted.id, { type: 'RETURN', reason: '\u200b\u200b' }, finance2.token)).status).toBe(400);
    expect((await t.api.get<Batch>(`/disbursements/${draft.id}`, w.tokens.finance)).body.state).toBe('draft');
    expect((await t.api.get<Batch>(`/disbursements/${submitted.id}`, w.tokens.finance)).body.state).toBe('submitted');
    expect(await stateOf(id)).toBe('paymentApproved');
  });

  it('settles a payment named by its case id in capitals', async () => {
    const id = await example2();
    const batch = await approvedBatch([id]);
    const res = await send(batch.id, { type: 'SETTLE', payments: [{ caseId: id.toUpperCase(), reference: 'ICBC-0009', paidOn: today() }] }, w.tokens.finance);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cases.map((c) => [c.caseId, c.status, c.reference])).toEqual([[id, 'paid', 'ICBC-0009']]);
    expect(await stateOf(id)).toBe('paid');
  });

  it('is for finance: 403 to every other role, 401 without a session, 404 for an unknown batch, 400 for a malformed id', async () => {
    const batch = await create([await example2()]);
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'admin'] as const) {
      expect((await send(batch.id, { type: 'SUBMIT' }, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.post(`/disbursements/${batch.id}/events`, { type: 'SUBMIT' })).status).toBe(401);
    expect((await send(randomUUID(), { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(404);
    expect((await send('PB2026-0001', { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(400);
    expect((await t.api.get<Batch>(`/disbursements/${batch.id}`, w.tokens.finance)).body.state).toBe('draft');
  });
});

describe('reading batches', () => {
  it('lists batches newest first to finance and provincial reviewers, by state, a page at a time', async () => {
    const batch = await create([await example2()]);
    for (const token of [w.tokens.finance, w.tokens.provincial]) {
      const res = await t.api.get<{ items: { id: string; number: string; state: string; cases: number; amount: string }[]; nextCursor: string | null }>('/disbursements?limit=100', token);
      expect(res.status).toBe(200);
      expect(res.body.items.find((i) => i.id === batch.id)).toMatchObject({ number: batch.number, state: 'draft', cases: 1, amount: '24000.00' });
    }
    const drafts = await t.api.get<{ items: { state: string }[] }>(`/disbursements?state=draft&roundId=${w.round.id}&limit=100`, w.tokens.finance);
    expect(drafts.body.items.length).toBeGreaterThan(0);
    expect(drafts.body.items.every((i) => i.state === 'draft')).toBe(true);
    const first = await t.api.get<{ items: { id: string }[]; nextCursor: string }>('/disbursements?limit=1', w.tokens.finance);
    expect(first.body.items[0]?.id).toBe(batch.id);
    const next = await t.api.get<{ items: { id: string }[] }>(`/disbursements?limit=1&cursor=${first.body.nextCursor}`, w.tokens.finance);
    expect(next.body.items[0]?.id).not.toBe(batch.id);
    for (const q of ['?cursor=nonsense', '?limit=0', '?state=paid', '?roundId=x', '?extra=1']) {
      expect((await t.api.get(`/disbursements${q}`, w.tokens.finance)).status, q).toBe(400);
    }
  });

  it('shows one batch to finance and provincial reviewers, the buttons only to finance', async () => {
    const batch = await create([await example2()]);
    const seen = await t.api.get<Batch>(`/disbursements/${batch.id}`, w.tokens.provincial);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: batch.id, state: 'draft', allowedEvents: [] });
    expect((await t.api.get<Batch>(`/disbursements/${batch.id}`, finance2.token)).body.allowedEvents).toEqual(['SUBMIT', 'CANCEL']);
    expect((await t.api.get(`/disbursements/${randomUUID()}`, w.tokens.finance)).status).toBe(404);
    expect((await t.api.get('/disbursements/x', w.tokens.finance)).status).toBe(400);
  });

  it('refuses the list, the batch and its history to every other role, and its chain check answers them 404', async () => {
    const batch = await create([await example2()]);
    for (const role of ['firm', 'municipal', 'expert', 'insurer', 'admin'] as const) {
      for (const path of ['/disbursements', `/disbursements/${batch.id}`, `/disbursements/${batch.id}/history`]) {
        expect((await t.api.get(path, w.tokens[role])).status, `${role} ${path}`).toBe(403);
      }
      expect((await t.api.get(`/audit/verify?batchId=${batch.id}`, w.tokens[role])).status, role).toBe(404);
    }
    for (const path of ['/disbursements', `/disbursements/${batch.id}`, `/disbursements/${batch.id}/history`, `/audit/verify?batchId=${batch.id}`]) {
      expect((await t.api.get(path)).status, path).toBe(401);
    }
    expect((await t.api.get(`/audit/verify?batchId=${batch.id}&caseId=${batch.cases[0]?.caseId}`, w.tokens.finance)).status).toBe(400);
    expect((await t.api.get(`/audit/verify?batchId=${randomUUID()}`, w.tokens.finance)).status).toBe(404);
  });
});

/** A file route's answer as bytes. */
async function download(path: string, token?: string) {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('the bank payment file', () => {
  it('is made only once the batch is approved: 409 before', async () => {
    const batch = await create([await example2()]);
    for (const ext of ['csv', 'xlsx']) expect((await download(`/disbursements/${batch.id}/export.${ext}`, w.tokens.finance)).status, ext).toBe(409);
    await ok(batch.id, { type: 'SUBMIT' }, w.tokens.finance);
    for (const ext of ['csv', 'xlsx']) expect((await download(`/disbursements/${batch.id}/export.${ext}`, w.tokens.finance)).status, ext).toBe(409);
  });

  it('is printed again once the batch is settled, every payment listed', async () => {
    const batch = await approvedBatch([await example2(), await example2()]);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two cases expected');
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: a.caseId, reference: 'ICBC-0001', paidOn: today() }, { caseId: b.caseId, failure: '退票' }] }, w.tokens.finance);
    const csv = await download(`/disbursements/${batch.id}/export.csv`, w.tokens.finance);
    expect(csv.status).toBe(200);
    const lines = csv.bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines.slice(1, 3).map((l) => l.split(',')[0])).toEqual([a.paymentId, b.paymentId]);
    expect((await download(`/disbursements/${batch.id}/export.xlsx`, w.tokens.finance)).status).toBe(200);
  });

  it('is one CSV row per payment: UTF-8 with a BOM, RFC 4180 quoting, amounts in yuan, text a spreadsheet would run defused', async () => {
    const batch = await approvedBatch([await example1(), await example2()]);
    const [first, second] = batch.cases;
    if (!first || !second) throw new Error('two cases expected');
    await t.app.db.update(payments).set({ payee: '=HYPERLINK("http://evil.example","点我")' }).where(eq(payments.id, first.paymentId));
    await t.app.db.update(payments).set({ payee: '杭州,"新材料"有限公司', bankAccount: '@SUM(1+1)' }).where(eq(payments.id, second.paymentId));
    const res = await download(`/disbursements/${batch.id}/export.csv`, w.tokens.finance);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${batch.number}.csv"`);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.bytes.subarray(3).toString('utf8');
    const amountOf = (c: BatchCase) => c.amount;
    expect(text.split('\r\n')).toEqual([
      '付款编号 Payment ID,申请编号 Case number,收款人 Payee,开户银行 Bank,银行账号 Account,金额（元） Amount (yuan)',
      `${first.paymentId},${first.caseNumber},"'=HYPERLINK(""http://evil.example"",""点我"")",${w.firm.bankName},${w.firm.bankAccount},${amountOf(first)}`,
      `${second.paymentId},${second.caseNumber},"杭州,""新材料""有限公司",${w.firm.bankName},'@SUM(1+1),${amountOf(second)}`,
      '',
    ]);
    expect([first.amount, second.amount].sort()).toEqual(['1000000.00', '24000.00']);
  });

  it('is one XLSX row per payment: the amount a number cell shown #,##0.00, the account a text cell', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const batch = await approvedBatch([await example1(), await example2()]);
    const [first, second] = batch.cases;
    if (!first || !second) throw new Error('two cases expected');
    // a figure whose fen a float could lose on the way: it arrives exactly
    await t.app.db.update(payments).set({ amountFen: 123_456_789n }).where(eq(payments.id, second.paymentId));
    const res = await download(`/disbursements/${batch.id}/export.xlsx`, w.tokens.finance);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${batch.number}.xlsx"`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(1).getCell(6).value).toBe('金额（元） Amount (yuan)');
    const rows = [2, 3].map((n) => sheet.getRow(n));
    expect(rows.map((r) => [r.getCell(1).value, r.getCell(2).value, r.getCell(3).value, r.getCell(4).value, r.getCell(5).value, r.getCell(6).value])).toEqual([
      [first.paymentId, first.caseNumber, w.firm.name, w.firm.bankName, w.firm.bankAccount, Number(first.amount)],
      [second.paymentId, second.caseNumber, w.firm.name, w.firm.bankName, w.firm.bankAccount, 1234567.89],
    ]);
    for (const r of rows) {
      expect(typeof r.getCell(6).value).toBe('number');
      expect(r.getCell(6).numFmt).toBe('#,##0.00');
      expect(typeof r.getCell(5).value).toBe('string');
      expect(r.getCell(5).numFmt).toBe('@');
    }
  });

  it('is for finance only: 403 to every other role, 401 without a session, 404 for an unknown batch', async () => {
    const batch = await approvedBatch([await example2()]);
    for (const ext of ['csv', 'xlsx']) {
      for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'admin'] as const) {
        expect((await download(`/disbursements/${batch.id}/export.${ext}`, w.tokens[role])).status, `${role} ${ext}`).toBe(403);
      }
      expect((await download(`/disbursements/${batch.id}/export.${ext}`)).status).toBe(401);
      expect((await download(`/disbursements/${randomUUID()}/export.${ext}`, w.tokens.finance)).status).toBe(404);
      expect((await download(`/disbursements/nope/export.${ext}`, w.tokens.finance)).status).toBe(400);
    }
  });
});

interface Report {
  lines: number;
  matched: { line: number; paymentId: string; caseId: string; amount: string; reference: string | null; date: string | null; status: string }[];
  unknown: { line: number; paymentId: string; amount: string | null }[];
  wrongAmount: { line: number; paymentId: string; expected: string; stated: string }[];
  duplicates: { line: number; paymentId: string }[];
  missing: { paymentId: string; caseId: string; amount: string; status: string }[];
  invalid: { line: number; message: string; messageZh: string }[];
}
const statement = (batchId: string, body: string | Buffer, token = w.tokens.finance, type = 'text/csv') =>
  t.api.request<Report & Problem>('POST', `/disbursements/${batchId}/statement`, { token, raw: body, headers: { 'content-type': type } });

/** What a statement must not change: the payments, the batch and its cases. */
async function stateOfBatch(batch: Batch) {
  const rows = await t.app.db.select().from(payments).where(eq(payments.batchId, batch.id));
  const [row] = await t.app.db.select().from(disbursementBatches).where(eq(disbursementBatches.id, batch.id));
  const entries = await t.app.db.$count(history, eq(history.ownerId, batch.id));
  return { rows: rows.sort((a, b) => a.seq - b.seq), version: row?.version, entries, cases: await Promise.all(batch.cases.map((c) => stateOf(c.caseId))) };
}

describe('the bank statement', () => {
  it('matches each payment of the batch, read by English headers', async () => {
    const batch = await approvedBatch([await example1(), await example2()]);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two cases expected');
    // a control character the bank's file carries in a reference is no part of it
    const csv = ['Payment ID,Amount,Reference,Date', `${a.paymentId},${a.amount},ICBC-0001,${today()}`, `${b.paymentId},${b.amount},ICBC-\u00000002,${today()}`].join('\n');
    const res = await statement(batch.id, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lines: 2, unknown: [], wrongAmount: [], duplicates: [], missing: [], invalid: [] });
    expect(res.body.matched).toEqual([
      { line: 2, paymentId: a.paymentId, caseId: a.caseId, amount: a.amount, reference: 'ICBC-0001', date: today(), status: 'pending' },
      { line: 3, paymentId: b.paymentId, caseId: b.caseId, amount: b.amount, reference: 'ICBC-0002', date: today(), status: 'pending' },
    ]);
  });

  it('reports an unknown payment id and a wrong amount, lists the payments it lacks, and changes nothing', async () => {
    const batch = await approvedBatch([await example1(), await example2(), await example2()]);
    const [a, b, c] = batch.cases;
    if (!a || !b || !c) throw new Error('three cases expected');
    const before = await stateOfBatch(batch);
    const unknownId = `PAY-${batch.number}-9999`;
    const csv = [
      'Payment ID,Amount,Reference,Date',
      `${a.paymentId},${a.amount},R-1,${today()}`,
      `${unknownId},500.00,R-2,${today()}`,
      `${b.paymentId},24000.01,R-3,${today()}`,
    ].join('\r\n');
    const res = await statement(batch.id, csv);
    expect(res.status).toBe(200);
    expect(res.body.matched.map((m) => m.paymentId)).toEqual([a.paymentId]);
    expect(res.body.unknown).toEqual([{ line: 3, paymentId: unknownId, amount: '500.00' }]);
    expect(res.body.wrongAmount).toEqual([{ line: 4, paymentId: b.paymentId, expected: b.amount, stated: '24000.01' }]);
    expect(res.body.missing).toEqual([{ paymentId: c.paymentId, caseId: c.caseId, amount: c.amount, status: 'pending' }]);
    expect(await stateOfBatch(batch)).toEqual(before);
    expect(before.cases).toEqual(['paymentApproved', 'paymentApproved', 'paymentApproved']);
  });

  it('reads Chinese headers under a title in GB18030, thousand separators and debits, and names repeated and unreadable lines', async () => {
    const batch = await approvedBatch([await example1(), await example2()]);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two cases expected');
    const big = a.amount === '1000000.00' ? a : b;
    const small = big === a ? b : a;
    const csv = [
      // a title and the account above the header, as banks print them
      '中国工商银行账户交易明细',
      '账号：1202000000000000009,,,,',
      '交易日期,银行流水号,付款编号,交易金额（元）,摘要',
      `2026/12/01,流水-1,${big.paymentId},"-1,000,000.00",补偿款`,
      `2026年12月1日,流水-2,${small.paymentId.toLowerCase()},￥24000,补偿款`,
      `20261201,流水-3,${small.paymentId},24000.00,重复`,
      `2026-13-01,流水-4,${small.paymentId},24000.00,坏日期`,
      `2026-12-01,流水-5,,24000.00,无编号`,
      `2026-12-01,流水-6,${big.paymentId},一百万,坏金额`,
      ',,,,',
    ].join('\r\n');
    // as Excel on Chinese Windows saves it
    const encoded = gbBytes(csv);
    expect(encoded.equals(Buffer.from(csv, 'utf8'))).toBe(false);
    const res = await statement(batch.id, encoded, w.tokens.finance, 'text/csv; charset=gb18030');
    expect(res.status).toBe(200);
    expect(res.body.lines).toBe(6);
    expect(res.body.matched.map((m) => [m.line, m.paymentId, m.reference, m.date])).toEqual([
      [4, big.paymentId, '流水-1', '2026-12-01'],
      [5, small.paymentId, '流水-2', '2026-12-01'],
    ]);
    expect(res.body.duplicates).toEqual([{ line: 6, paymentId: small.paymentId }]);
    expect(res.body.invalid.map((i) => [i.line, i.messageZh])).toEqual([
      [7, '日期“2026-13-01”不是有效日期'],
      [8, '缺少付款编号'],
      [9, '金额“一百万”不是有效的金额'],
    ]);
    expect(res.body.missing).toEqual([]);
  });

  it('refuses a statement for a settled batch, a cancelled one and one awaiting approval: 409 naming the state, nothing changed', async () => {
    const batch = await approvedBatch([await example2(), await example2()]);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two cases expected');
    const csv = ['Payment ID,Amount,Reference,Date', `${a.paymentId},${a.amount},ICBC-0001,${today()}`].join('\n');
    // approved with a payment recorded and one still pending: the statement still has work to do
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: a.caseId, reference: 'ICBC-0001', paidOn: today() }] }, finance2.token);
    const partly = await statement(batch.id, csv);
    expect(partly.status).toBe(200);
    expect(partly.body.matched).toEqual([{ line: 2, paymentId: a.paymentId, caseId: a.caseId, amount: a.amount, reference: 'ICBC-0001', date: today(), status: 'paid' }]);
    expect(partly.body.missing).toEqual([{ paymentId: b.paymentId, caseId: b.caseId, amount: b.amount, status: 'pending' }]);

    const settled = await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: b.caseId, failure: '收款账户已销户' }] }, finance2.token);
    expect(settled.state).toBe('settled');
    const before = await stateOfBatch(settled);
    const refused = await statement(batch.id, csv);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(`a statement is checked against an approved batch with payments to record; batch ${batch.number} is settled: every payment of it is recorded already`);
    expect(refused.body.errors).toEqual([
      { path: 'state', code: 'statement.batchNotApproved', message: refused.body.detail, messageZh: `对账单只能用于已批准、尚有付款待登记的拨付批次；批次 ${batch.number}：批次已办结，每笔付款均已登记` },
    ]);
    expect(await stateOfBatch(settled)).toEqual(before);
    // refused for its state before its bytes are read: an empty or unreadable statement is told the same
    expect((await statement(batch.id, '')).status).toBe(409);
    // the other roles learn nothing of its state: refused for who they are
    for (const role of ['provincial', 'firm', 'admin'] as const) expect((await statement(batch.id, csv, w.tokens[role])).status, role).toBe(403);
    expect((await t.api.request('POST', `/disbursements/${batch.id}/statement`, { raw: csv, headers: { 'content-type': 'text/csv' } })).status).toBe(401);
    // the bank file stays to print again
    expect((await download(`/disbursements/${batch.id}/export.csv`, w.tokens.finance)).status).toBe(200);

    const cancelled = await create([await example2()]);
    await ok(cancelled.id, { type: 'CANCEL', reason: '重复' }, w.tokens.finance);
    const gone = await statement(cancelled.id, 'Payment ID,Amount\nPAY-1,1.00');
    expect(gone.status).toBe(409);
    expect(gone.body.errors?.[0]?.messageZh).toContain('批次已取消，不再拨付');
    const submitted = await create([await example2()]);
    await ok(submitted.id, { type: 'SUBMIT' }, w.tokens.finance);
    const waiting = await statement(submitted.id, 'Payment ID,Amount\nPAY-1,1.00');
    expect(waiting.status).toBe(409);
    expect(waiting.body.errors?.[0]?.messageZh).toContain('批次正在等待审批，银行尚未付款');
  });

  it('reads the bank file it printed as a statement', async () => {
    const batch = await approvedBatch([await example2()]);
    const file = await download(`/disbursements/${batch.id}/export.csv`, w.tokens.finance);
    const res = await statement(batch.id, file.bytes);
    expect(res.status).toBe(200);
    expect(res.body.matched.map((m) => m.paymentId)).toEqual([batch.cases[0]?.paymentId]);
    expect(res.body.missing).toEqual([]);
  });

  it('refuses a statement without its columns (422), an empty one (400), one that is not CSV (415), and a batch not yet approved (409)', async () => {
    const batch = await approvedBatch([await example2()]);
    const noColumns = await statement(batch.id, 'Reference,Date\nR-1,2026-12-01');
    expect(noColumns.status).toBe(422);
    expect(noColumns.body.errors).toEqual([expect.objectContaining({ path: 'header', code: 'statement.columns', messageZh: '须有一行列名（可在标题行之后），缺少：付款编号、金额' })]);
    expect((await statement(batch.id, '')).status).toBe(400);
    expect((await statement(batch.id, 'Payment ID,Amount\n"PAY-1,24000.00')).status).toBe(422);
    expect((await t.api.post(`/disbursements/${batch.id}/statement`, { lines: [] }, w.tokens.finance)).status).toBe(415);
    expect((await statement(batch.id, 'x', w.tokens.finance, 'application/pdf')).status).toBe(415);
    expect((await statement(batch.id, `Payment ID,Amount\n${'x'.repeat(3 * 1024 * 1024)}`)).status).toBe(413);
    const draft = await create([await example2()]);
    expect((await statement(draft.id, 'Payment ID,Amount\nPAY-1,1.00')).status).toBe(409);
  });

  it('matches a payment id carrying characters that print nothing, as a spreadsheet or a copied cell leaves them', async () => {
    const batch = await approvedBatch([await example2(), await example2()]);
    const [a, b] = batch.cases;
    if (!a || !b) throw new Error('two cases expected');
    const csv = ['Payment ID,Amount', `\u200b${a.paymentId}\u00a0,${a.amount}`, `${b.paymentId.replace('-', '-\u2060')}\u0000,${b.amount}`].join('\n');
    const res = await statement(batch.id, csv);
    expect(res.status).toBe(200);
    expect(res.body.matched.map((m) => m.paymentId)).toEqual([a.paymentId, b.paymentId]);
    expect(res.body.unknown).toEqual([]);
    expect(res.body.missing).toEqual([]);
  });

  it('reads title lines of unbalanced brackets in time linear in their length', async () => {
    const batch = await approvedBatch([await example2()]);
    // ten title lines of 20,000 opening brackets each: 200 kB, well under the size limit
    const titles = Array.from({ length: 10 }, () => '('.repeat(20_000)).join('\n');
    const started = Date.now();
    const res = await statement(batch.id, `${titles}\nPayment ID,Amount\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'header', code: 'statement.columns' })]);
  });

  it('is for finance only: 403 to every other role, 401 without a session, 404 for an unknown batch', async () => {
    const batch = await approvedBatch([await example2()]);
    const csv = `Payment ID,Amount\n${batch.cases[0]?.paymentId},24000.00`;
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'admin'] as const) {
      expect((await statement(batch.id, csv, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.request('POST', `/disbursements/${batch.id}/statement`, { raw: csv, headers: { 'content-type': 'text/csv' } })).status).toBe(401);
    expect((await statement(randomUUID(), csv)).status).toBe(404);
  });
});

/** GB18030 bytes of a text (Node encodes only UTF-8): each two-byte code decoded once, then looked up. */
function gbBytes(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const codes = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (!codes.has(ch)) codes.set(ch, [hi, lo]);
    }
  }
  return Buffer.from(
    [...text].flatMap((ch) => {
      if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
      const bytes = codes.get(ch);
      if (!bytes) throw new Error(`no two-byte GB18030 code for ${ch}`);
      return bytes;
    }),
  );
}

// Last: time moves from here on (the file's database is its own).
describe('the payment clock', () => {
  afterAll(async () => {
    if (t.app.clock instanceof SettableClock) await t.app.clock.set(new Date());
  });

  it('reminds finance 5 days before payment is due and escalates an overdue batch to finance and the provincial reviewers', async () => {
    if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
    const batch = await approvedBatch([await example2()]);
    const due = batch.payment?.dueOn ?? '';
    const armed = await t.app.db.select().from(timers).where(eq(timers.ownerId, batch.id));
    expect(armed.map((a) => a.purpose).sort()).toEqual(['expiry', 'reminder']);
    const fireAll = async () => {
      for (const timer of armed) await fireTimer(t.app, timer.id);
    };

    await t.app.clock.set(new Date(Date.parse(`${due}T09:01:00+08:00`) - 5 * 86_400_000));
    await fireAll();
    const reminded = await mailsOf(batch.id, 'batch.paymentReminder');
    expect(reminded.map((m) => m.toAddress)).toEqual(expect.arrayContaining([w.people.finance.email, finance2.email, finance3.email]));
    expect(reminded.map((m) => m.toAddress)).not.toContain(w.people.provincial.email);
    expect(reminded[0]?.data).toMatchObject({ batchNumber: batch.number, dueOn: due, total: '24,000.00' });
    expect(await mailsOf(batch.id, 'batch.paymentOverdue')).toEqual([]);

    await t.app.clock.set(new Date(Date.parse(`${due}T23:59:59+08:00`) + 60_000));
    await fireAll();
    const escalated = (await mailsOf(batch.id, 'batch.paymentOverdue')).map((m) => m.toAddress);
    expect(escalated).toEqual(expect.arrayContaining([w.people.finance.email, finance2.email, w.people.provincial.email]));
    const view = await t.api.get<Batch>(`/disbursements/${batch.id}`, w.tokens.finance);
    expect(view.body).toMatchObject({ state: 'approved', payment: { dueOn: due, overdue: true } });

    // paid late, it settles; the batch no longer shows overdue
    const settled = await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: batch.cases[0]?.caseId, reference: 'LATE-1', paidOn: shanghaiDate(t.app.clock.now()) }] }, w.tokens.finance);
    expect(settled).toMatchObject({ state: 'settled', payment: { overdue: false } });
  });
});

describe('cases moved by a batch', () => {
  it('gives back a finance hold on a case, taken before that task was done only on the new-batch form, once it is put into a batch', async () => {
    const a = await example1();
    await batchTaskHeldBefore(t.app.db, a, w.people.finance.id);
    expect(await t.app.db.select().from(taskClaims).where(eq(taskClaims.caseId, a))).toHaveLength(1);
    await create([a]);
    expect(await t.app.db.select().from(taskClaims).where(eq(taskClaims.caseId, a))).toEqual([]);
  });

  it('queues each email of the cases it moves once', async () => {
    const a = await example1();
    const batch = await approvedBatch([a]);
    await ok(batch.id, { type: 'SETTLE', payments: [{ caseId: a, reference: 'MX-1', paidOn: today() }] }, w.tokens.finance);
    const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, a));
    const queued = (await t.app.db.select().from(outbox).where(eq(outbox.topic, 'email'))).map((r) => (r.payload as { deliveryId: string }).deliveryId);
    expect(mails.length).toBeGreaterThan(1);
    for (const m of mails) expect(queued.filter((d) => d === m.id), m.template).toHaveLength(1);
  });
});
