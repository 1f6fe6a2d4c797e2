import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { cases, clocks, emailDeliveries, enterprises, history, recoveries, rounds, subsidyAdjustments, timers } from '../../db/schema';
import { deliverEvent } from '../../server/engine/deliver';
import { computeSubsidy } from '../../server/domain/subsidy';
import { parseYuan } from '../../server/domain/money';
import { addCalendarDays, shanghaiDate } from '../../server/calendar/dates';
import { factoryDates } from '../../seeds/factories';
import { calculateMissingSubsidies } from '../../server/cases/subsidy';
import { useTestApp } from '../support/use-app';
import { makeWorld } from '../support/world';

// Finance staff are told of every approval, and the start-up catch-up reads every approved case:
// what these tests count is global, so a database of their own.
const { t, w } = useTestApp({ ownDatabase: true });

interface Subsidy {
  amount: string;
  calculated: string;
  state: string;
  derivation: { subsidy: string; flags: string[]; ruleVersion: string; inputs: Record<string, string>; params: Record<string, unknown> };
  adjustments: { kind: string; before: string; after: string; basis: Record<string, string> }[];
  steps: { key: string; zh: string; en: string; amount: string | null }[];
  recovery: { reason: string; bannedUntil: string; amount: string | null; reference: string | null } | null;
  payment: Payment | null;
}
interface Payment {
  batchId: string;
  batchNumber: string;
  status: string;
  amount: string;
  paidOn: string | null;
  reference: string | null;
  failure: string | null;
  bankName: string;
  accountLast4: string;
  bankAccount: string | null;
}
interface Batch {
  id: string;
  number: string;
  cases: { caseId: string; amount: string; bankName: string; bankAccount: string }[];
}

/** A case approved with the contract amount, liability limit and premium given (yuan strings). */
async function approvedWith(contract: string, limit: string, premium: string, world = w): Promise<string> {
  const body = world.caseBody();
  return world.caseIn('approved', { contract: { ...body.contract, amount: contract }, policy: { ...body.policy, liabilityLimit: limit, premium } });
}

const subsidyOf = (id: string, token = w.tokens.firm) => t.api.get<Subsidy>(`/cases/${id}/subsidy`, token);
const caseOf = (id: string) => t.api.get<{ state: string; allowedEvents: string[] }>(`/cases/${id}`, w.tokens.provincial);

/** An event a disbursement batch sends its case, delivered through the engine as the outbox would. */
async function fromBatch(caseId: string, batchId: string, event: { type: string } & Record<string, unknown>) {
  return deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [caseId] }, event });
}

/** A case approved and paid through a batch of its own. */
async function paidCase(): Promise<{ id: string; batchId: string }> {
  const id = await w.caseIn('approved');
  const batchId = randomUUID();
  expect(await fromBatch(id, batchId, { type: 'BATCHED', batchId })).toEqual({ applied: 1, refused: 0 });
  expect(await fromBatch(id, batchId, { type: 'BATCH_APPROVED', batchId })).toEqual({ applied: 1, refused: 0 });
  expect(await fromBatch(id, batchId, { type: 'PAID', batchId, paymentId: `P-${id.slice(0, 8)}`, reference: 'BANK-REF-1', paidOn: '2026-12-01' })).toEqual({ applied: 1, refused: 0 });
  return { id, batchId };
}

describe('the subsidy calculated on approval (SPEC §6)', () => {
  it('computes worked example 1 through the whole workflow: 1,000,000.00 yuan, the limit capped by 5 × the contract', async () => {
    const id = await approvedWith('10000000.00', '60000000.00', '1500000.00');
    expect((await caseOf(id)).body.state).toBe('calculated');
    const res = await subsidyOf(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ amount: '1000000.00', calculated: '1000000.00', state: 'calculated', adjustments: [], recovery: null });
    expect(res.body.derivation).toMatchObject({ subsidy: '1000000.00', ruleVersion: 'spec-6/v1', flags: ['limit_capped_by_multiple'] });
    expect(res.body.steps.map((s) => [s.key, s.amount])).toEqual([
      ['contract', '10000000.00'],
      ['liabilityLimit', '60000000.00'],
      ['premium', '1500000.00'],
      ['subsidisedLimit', '50000000.00'],
      ['premiumShare', '1250000.00'],
      ['rateCap', '1500000.00'],
      ['eligiblePremium', '1250000.00'],
      ['subsidy', '1000000.00'],
      ['current', '1000000.00'],
    ]);
    expect(res.body.steps.find((s) => s.key === 'subsidy')?.zh).toBe('补偿金额 S = 80% × E，计至分，舍去分以下部分');
  });

  it('computes worked example 2: a 4.5 % rate is capped at 3 %, 24,000.00 yuan, and flagged', async () => {
    const id = await approvedWith('300000.00', '1000000.00', '45000.00');
    const res = await subsidyOf(id);
    expect(res.body).toMatchObject({ amount: '24000.00' });
    expect(res.body.derivation.flags).toEqual(['premium_rate_above_cap']);
    expect(res.body.steps.find((s) => s.key === 'rateCap')).toMatchObject({ amount: '30000.00', zh: '费率上限对应保费 3% × L′（保单费率超过上限，按上限计）' });
  });

  it('stores a derivation that recomputes to the same fen from its own inputs and parameters', async () => {
    const id = await approvedWith('1234567.89', '3333333.33', '77777.77');
    const [row] = await t.app.db.select().from(cases).where(eq(cases.id, id));
    const d = (await subsidyOf(id)).body.derivation;
    const again = computeSubsidy(
      { contractFen: parseYuan(d.inputs.contract ?? ''), liabilityLimitFen: parseYuan(d.inputs.liabilityLimit ?? ''), premiumFen: parseYuan(d.inputs.premium ?? '') },
      { rateBp: 8000, premiumRateCapBp: 300, limitMultiple: 5, absoluteLimitFen: 50_000_000_000n },
    );
    expect(again.subsidyFen).toBe(row?.subsidyFen);
    expect(d.params).toEqual({ rateBp: 8000, premiumRateCapBp: 300, limitMultiple: 5, absoluteLimit: '500000000.00' });
    expect(row?.approvedAt).toBeInstanceOf(Date);
  });

  it('calculates at start-up the subsidy of a case approved before the money stage existed', async () => {
    const id = await w.caseIn('approved');
    await t.app.db.update(cases).set({ subsidyFen: null, subsidyDerivation: null }).where(eq(cases.id, id));
    expect(await calculateMissingSubsidies(t.app)).toBeGreaterThanOrEqual(1);
    expect((await subsidyOf(id)).body).toMatchObject({ amount: '1000000.00', derivation: { subsidy: '1000000.00' } });
    expect(await calculateMissingSubsidies(t.app)).toBe(0);
  });

  it('starts the policy-end clock at the policy end date, reminding the firm 30 days before', async () => {
    const id = await w.caseIn('approved');
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'policyEnd')));
    expect(clock).toMatchObject({ status: 'running', dueOn: factoryDates.policyEndsOn });
    const reminders = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, id), eq(timers.purpose, 'reminder')));
    expect(reminders.map((r) => shanghaiDate(r.fireAt))).toContain(addCalendarDays(factoryDates.policyEndsOn, -30));
  });

  it('tells the firm and finance that the case is approved, nobody else', async () => {
    const id = await w.caseIn('approved');
    const mails = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.approved')));
    const finance = await t.app.database.sql<{ email: string }[]>`select email from users where 'finance' = any(roles) and active`;
    expect(mails.map((m) => m.toAddress).sort()).toEqual([w.people.firm.email, ...finance.map((f) => f.email)].sort());
  });
});

describe('who sees the subsidy', () => {
  it('shows it to the firm, its reviewers and finance; refuses insurer, expert and admin; hides it from others', async () => {
    const id = await w.caseIn('approved');
    for (const who of ['firm', 'municipal', 'provincial', 'finance'] as const) {
      expect((await subsidyOf(id, w.tokens[who])).status, who).toBe(200);
    }
    for (const who of ['insurer', 'admin'] as const) expect((await subsidyOf(id, w.tokens[who])).status, who).toBe(403);
    const [expert] = await w.makeExperts(1);
    expect((await subsidyOf(id, expert?.token)).status).toBe(403);
    expect((await subsidyOf(id, w.tokens.otherFirm)).status).toBe(404);
    expect((await t.api.get(`/cases/${id}/subsidy`)).status).toBe(401);
    expect((await subsidyOf(randomUUID())).status).toBe(404);
    expect((await subsidyOf('not-an-id')).status).toBe(400);
  });

  it('keeps the figure out of the case itself for those refused the subsidy: the insurer reads the case without it', async () => {
    const id = await w.caseIn('approved');
    const insurer = await t.api.get<{ subsidy: unknown }>(`/cases/${id}`, w.tokens.insurer);
    expect(insurer.status).toBe(200);
    expect(insurer.body.subsidy).toBeNull();
    for (const who of ['firm', 'municipal', 'provincial', 'finance'] as const) {
      const seen = await t.api.get<{ subsidy: { amount: string } | null }>(`/cases/${id}`, w.tokens[who]);
      expect(seen.body.subsidy?.amount, who).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('has none before approval: 404 with the reason', async () => {
    const id = await w.caseIn('awaitingNotice');
    const res = await t.api.get<{ detail: string }>(`/cases/${id}/subsidy`, w.tokens.provincial);
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('calculated when the case is approved');
  });

  it('lets finance see approved cases and only those', async () => {
    const approved = await w.caseIn('approved');
    const pending = await w.caseIn('awaitingNotice');
    expect((await t.api.get(`/cases/${approved}`, w.tokens.finance)).status).toBe(200);
    expect((await t.api.get(`/cases/${pending}`, w.tokens.finance)).status).toBe(404);
    const list = await t.api.get<{ items: { id: string }[] }>('/cases?limit=100&state=calculated', w.tokens.finance);
    expect(list.body.items.map((c) => c.id)).toContain(approved);
    const all = await t.api.get<{ items: { id: string }[] }>('/cases?limit=100', w.tokens.finance);
    expect(all.body.items.map((c) => c.id)).not.toContain(pending);
  });
});

describe('the per-firm cap (SPEC §6)', () => {
  it('trims S in approval order so that the firm never passes the cap, and records the step', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    await t.app.db.update(rounds).set({ perFirmCapFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
    const first = await approvedWith('10000000.00', '60000000.00', '1500000.00', own);
    const second = await approvedWith('10000000.00', '60000000.00', '1500000.00', own);
    const third = await approvedWith('10000000.00', '60000000.00', '1500000.00', own);
    const [a, b, c] = await Promise.all([first, second, third].map(async (id) => (await subsidyOf(id, own.tokens.firm)).body));
    expect([a?.amount, b?.amount, c?.amount]).toEqual(['1000000.00', '500000.00', '0.00']);
    expect(b?.adjustments).toEqual([
      expect.objectContaining({ kind: 'perFirmCap', before: '1000000.00', after: '500000.00', basis: { cap: '1500000.00', grantedBefore: '1000000.00' } }),
    ]);
    expect(b?.steps.at(-2)).toMatchObject({ key: 'perFirmCap', amount: '500000.00' });
    expect(a?.adjustments).toEqual([]);
    // the cap is the firm's in this round: the world's other round-mates are untouched
    expect((await subsidyOf(await approvedWith('10000000.00', '60000000.00', '1500000.00'))).body.amount).toBe('1000000.00');
    const rows = await t.app.db.select().from(subsidyAdjustments).where(eq(subsidyAdjustments.caseId, third));
    expect(rows).toMatchObject([{ kind: 'perFirmCap', beforeFen: 100_000_000n, afterFen: 0n }]);
  });

  it('trims the subsidies calculated at start-up in approval order too, whatever order the cases were opened in', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    await t.app.db.update(rounds).set({ perFirmCapFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await approvedWith('10000000.00', '60000000.00', '1500000.00', own));
    // approved before the money stage, the last opened first; none has its figure yet
    const approvedAt = ['2026-10-03T02:00:00Z', '2026-10-02T02:00:00Z', '2026-10-01T02:00:00Z'];
    for (const [i, id] of opened.entries()) {
      await t.app.db.update(cases).set({ subsidyFen: null, subsidyDerivation: null, approvedAt: new Date(approvedAt[i] ?? '') }).where(eq(cases.id, id));
    }
    await t.app.db.delete(subsidyAdjustments).where(inArray(subsidyAdjustments.caseId, opened));
    expect(await calculateMissingSubsidies(t.app)).toBeGreaterThanOrEqual(3);
    const amounts = await Promise.all(opened.map(async (id) => (await subsidyOf(id, own.tokens.firm)).body));
    expect(amounts.map((a) => a.amount)).toEqual(['0.00', '500000.00', '1000000.00']);
    expect(amounts[1]?.adjustments).toEqual([
      expect.objectContaining({ kind: 'perFirmCap', before: '1000000.00', after: '500000.00', basis: { cap: '1500000.00', grantedBefore: '1000000.00' } }),
    ]);
    expect(amounts[2]?.adjustments).toEqual([]);
  });
});

describe('payment through a batch, as the batch tells the case', () => {
  it('moves batched → paymentApproved → paid, each event only from the batch that holds the case', async () => {
    const id = await w.caseIn('approved');
    const batchId = randomUUID();
    const stranger = randomUUID();
    expect(await fromBatch(id, batchId, { type: 'BATCHED', batchId })).toEqual({ applied: 1, refused: 0 });
    expect((await caseOf(id)).body.state).toBe('batched');
    expect(await fromBatch(id, stranger, { type: 'BATCH_APPROVED', batchId: stranger })).toEqual({ applied: 0, refused: 1 });
    expect(await fromBatch(id, batchId, { type: 'BATCH_APPROVED', batchId })).toEqual({ applied: 1, refused: 0 });
    expect((await caseOf(id)).body.state).toBe('paymentApproved');
    expect(await fromBatch(id, batchId, { type: 'PAID', batchId, paymentId: 'P-1', reference: 'REF-1', paidOn: '2026-12-01' })).toEqual({ applied: 1, refused: 0 });
    expect((await caseOf(id)).body.state).toBe('paid');
  });

  it('goes back to calculated when the payment fails, free to be batched again, and tells the firm why', async () => {
    const id = await w.caseIn('approved');
    const batchId = randomUUID();
    await fromBatch(id, batchId, { type: 'BATCHED', batchId });
    await fromBatch(id, batchId, { type: 'BATCH_APPROVED', batchId });
    expect(await fromBatch(id, batchId, { type: 'PAYMENT_FAILED', batchId, paymentId: 'P-2', failure: '账户已销户' })).toEqual({ applied: 1, refused: 0 });
    expect((await caseOf(id)).body.state).toBe('calculated');
    const mail = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.paymentFailed')));
    expect(mail.map((m) => m.toAddress)).toContain(w.people.firm.email);
    const again = randomUUID();
    expect(await fromBatch(id, again, { type: 'BATCHED', batchId: again })).toEqual({ applied: 1, refused: 0 });
    // the old batch no longer moves it
    expect(await fromBatch(id, batchId, { type: 'UNBATCHED', batchId })).toEqual({ applied: 0, refused: 1 });
    expect(await fromBatch(id, again, { type: 'UNBATCHED', batchId: again })).toEqual({ applied: 1, refused: 0 });
    expect((await caseOf(id)).body.state).toBe('calculated');
  });

  it('refuses a person sending a batch event', async () => {
    const id = await w.caseIn('approved');
    for (const who of ['finance', 'provincial'] as const) {
      const res = await t.api.post(`/cases/${id}/events`, { type: 'BATCHED', batchId: randomUUID() }, w.tokens[who]);
      expect(res.status, who).toBe(400);
    }
  });
});

/** A real disbursement batch of the cases, made by finance; submitted, and approved by the second finance user, unless told. */
async function batchOf(caseIds: string[], steps: ('SUBMIT' | 'APPROVE')[] = ['SUBMIT', 'APPROVE']): Promise<Batch> {
  const made = await t.api.post<Batch>('/disbursements', { roundId: w.round.id, caseIds }, w.tokens.finance);
  if (made.status !== 201) throw new Error(`batch not created: ${made.status} ${JSON.stringify(made.body)}`);
  for (const type of steps) await batchEvent(made.body.id, { type }, type === 'APPROVE' ? w.tokens.finance2 : w.tokens.finance);
  return made.body;
}
async function batchEvent(batchId: string, event: Record<string, unknown>, token = w.tokens.finance): Promise<void> {
  const res = await t.api.post(`/disbursements/${batchId}/events`, event, token);
  if (res.status !== 200) throw new Error(`${String(event.type)} refused: ${res.status} ${JSON.stringify(res.body)}`);
}
const today = () => shanghaiDate(t.app.clock.now());

describe('the payment on the subsidy (SPEC §4)', () => {
  it('has none until the batch is approved, then the payment ordered, then what the bank paid: the amount, the day, its reference, the batch and the account', async () => {
    const id = await w.caseIn('approved');
    expect((await subsidyOf(id)).body.payment).toBeNull();
    // a draft or submitted batch is a plan finance may still change: not a payment yet
    const batch = await batchOf([id], ['SUBMIT']);
    expect((await subsidyOf(id)).body.payment).toBeNull();
    await batchEvent(batch.id, { type: 'APPROVE' }, w.tokens.finance2);
    const [line] = batch.cases;
    if (!line) throw new Error('the batch has the case');
    const ordered = (await subsidyOf(id)).body;
    expect(ordered.payment).toEqual({
      batchId: batch.id,
      batchNumber: batch.number,
      status: 'approved',
      amount: ordered.amount,
      paidOn: null,
      reference: null,
      failure: null,
      bankName: line.bankName,
      accountLast4: line.bankAccount.slice(-4),
      bankAccount: null,
    });

    await batchEvent(batch.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-20261201-0042', paidOn: today() }] });
    const paid = await subsidyOf(id);
    expect(paid.status).toBe(200);
    expect(paid.body.state).toBe('paid');
    expect(paid.body.payment).toEqual({ ...ordered.payment, status: 'paid', paidOn: today(), reference: 'ICBC-20261201-0042' });
    expect(paid.body.payment?.amount).toBe(line.amount);
  });

  it('shows the firm and the city reviewer only the last four digits of the account, finance and the provincial reviewer all of it, as the batch does', async () => {
    const id = await w.caseIn('approved');
    const batch = await batchOf([id]);
    await batchEvent(batch.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-20261201-0043', paidOn: today() }] });
    const account = batch.cases[0]?.bankAccount ?? '';
    expect(account.length).toBeGreaterThan(4);
    for (const who of ['firm', 'municipal'] as const) {
      const res = await subsidyOf(id, w.tokens[who]);
      expect(res.body.payment, who).toMatchObject({ status: 'paid', accountLast4: account.slice(-4), bankAccount: null });
      expect(JSON.stringify(res.body), who).not.toContain(account);
    }
    for (const who of ['finance', 'provincial'] as const) {
      expect((await subsidyOf(id, w.tokens[who])).body.payment, who).toMatchObject({ status: 'paid', accountLast4: account.slice(-4), bankAccount: account });
    }
  });

  it('says that a failed payment failed and why, until a new batch is approved to pay it', async () => {
    const id = await w.caseIn('approved');
    const first = await batchOf([id]);
    await batchEvent(first.id, { type: 'SETTLE', payments: [{ caseId: id, failure: '收款账户已销户' }] });
    const failed = (await subsidyOf(id)).body;
    expect(failed.state).toBe('calculated');
    expect(failed.payment).toMatchObject({ batchId: first.id, batchNumber: first.number, status: 'failed', failure: '收款账户已销户', paidOn: null, reference: null, amount: failed.amount });
    // put into a new batch, not yet approved: the failure is still what the firm should know
    const second = await batchOf([id], ['SUBMIT']);
    expect((await subsidyOf(id)).body.payment).toMatchObject({ batchId: first.id, status: 'failed' });
    await batchEvent(second.id, { type: 'APPROVE' }, w.tokens.finance2);
    expect((await subsidyOf(id)).body.payment).toMatchObject({ batchId: second.id, batchNumber: second.number, status: 'approved', failure: null });
    await batchEvent(second.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-RETRY-0044', paidOn: today() }] });
    expect((await subsidyOf(id)).body.payment).toMatchObject({ batchId: second.id, status: 'paid', reference: 'ICBC-RETRY-0044', failure: null });
  });

  it('is refused, with the rest of the subsidy, to those who may not read it', async () => {
    const id = await w.caseIn('approved');
    const batch = await batchOf([id]);
    await batchEvent(batch.id, { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-20261201-0045', paidOn: today() }] });
    for (const who of ['insurer', 'admin'] as const) expect((await subsidyOf(id, w.tokens[who])).status, who).toBe(403);
    const [expert] = await w.makeExperts(1);
    expect((await subsidyOf(id, expert?.token)).status).toBe(403);
    expect((await subsidyOf(id, w.tokens.otherFirm)).status).toBe(404);
    expect((await t.api.get(`/cases/${id}/subsidy`)).status).toBe(401);
  });
});

describe('recovery (SPEC §1, §4)', () => {
  it('is started by the provincial reviewer on a paid case, bars the firm for three years, and ends recovered when finance records it', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const body = own.caseBody();
    const id = await own.caseIn('approved');
    const batchId = randomUUID();
    for (const event of [
      { type: 'BATCHED', batchId },
      { type: 'BATCH_APPROVED', batchId },
      { type: 'PAID', batchId, paymentId: 'P-9', reference: 'REF-9', paidOn: '2026-12-01' },
    ]) {
      expect(await deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [id] }, event })).toEqual({ applied: 1, refused: 0 });
    }
    for (const who of ['municipal', 'finance', 'firm', 'insurer'] as const) {
      const refused = await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '伪造保费发票' }, own.tokens[who]);
      expect([403, 404], who).toContain(refused.status);
    }
    expect((await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY' }, own.tokens.provincial)).status).toBe(400);
    const started = await t.api.post<{ state: string; allowedEvents: string[] }>(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '伪造保费发票' }, own.tokens.provincial);
    expect(started.status).toBe(200);
    expect(started.body.state).toBe('recovery');

    const today = shanghaiDate(t.app.clock.now());
    const banned = `${Number(today.slice(0, 4)) + 3}${today.slice(4)}`;
    const [firm] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, own.firm.id));
    expect(firm?.bannedUntil).toBe(banned.endsWith('02-29') ? banned.replace('02-29', '02-28') : banned);

    // the ban refuses the firm's next submission
    const next = await own.createCase({ policy: { ...body.policy, number: `PICC-NEXT-${randomUUID().slice(0, 6)}` } });
    await own.attachDocuments(next);
    const refused = await t.api.post<{ errors: { code?: string }[] }>(`/cases/${next}/events`, { type: 'SUBMIT' }, own.tokens.firm);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.code)).toContain('firm.banned');

    // finance records the money back: never more than was paid, never nothing
    const tooMuch = await t.api.post<{ errors: { path: string; message: string; messageZh?: string }[] }>(`/cases/${id}/events`, { type: 'RECOVERED', amount: '1000000.01', reference: 'BACK-1' }, own.tokens.finance);
    expect(tooMuch.status).toBe(422);
    // the amount grouped by thousands, as people read it
    expect(tooMuch.body.errors).toContainEqual(expect.objectContaining({ path: 'amount', message: 'at most the subsidy paid, 1,000,000.00 yuan', messageZh: '不得超过已拨付的补偿金额 1,000,000.00 元' }));
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RECOVERED', amount: '0.00', reference: 'BACK-1' }, own.tokens.finance)).status).toBe(400);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RECOVERED', amount: 1000000, reference: 'BACK-1' }, own.tokens.finance)).status).toBe(400);
    // a reference of zero-width characters names no bank transfer
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RECOVERED', amount: '1000000.00', reference: '\u200b\u200d' }, own.tokens.finance)).status).toBe(400);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RECOVERED', amount: '1000000.00', reference: 'BACK-1' }, own.tokens.provincial)).status).toBe(403);
    const done = await t.api.post<{ state: string }>(`/cases/${id}/events`, { type: 'RECOVERED', amount: '1000000.00', reference: 'BACK-1' }, own.tokens.finance);
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('recovered');

    const view = await t.api.get<Subsidy>(`/cases/${id}/subsidy`, own.tokens.firm);
    expect(view.body.recovery).toMatchObject({ reason: '伪造保费发票', amount: '1000000.00', reference: 'BACK-1' });
    const [row] = await t.app.db.select().from(recoveries).where(eq(recoveries.caseId, id));
    expect(row).toMatchObject({ amountFen: 100_000_000n, reference: 'BACK-1' });
    const events = (await t.app.db.select().from(history).where(eq(history.ownerId, id)).orderBy(history.seq)).map((h) => h.eventType);
    expect(events.slice(-5)).toEqual(['BATCHED', 'BATCH_APPROVED', 'PAID', 'START_RECOVERY', 'RECOVERED']);
    expect((await t.api.get(`/audit/verify?caseId=${id}`, own.tokens.provincial)).body).toMatchObject({ valid: true, firstBrokenSeq: null });

    // the money in the history is read only by those who see the subsidy: not the policy's insurer
    type Items = { items: { eventType: string; payload: Record<string, unknown> }[] };
    const payloadOf = async (token: string, type: string) => (await t.api.get<Items>(`/cases/${id}/history`, token)).body.items.find((e) => e.eventType === type)?.payload;
    expect(await payloadOf(own.tokens.firm, 'RECOVERED')).toMatchObject({ amount: '1000000.00', reference: 'BACK-1' });
    expect(await payloadOf(own.tokens.insurer, 'RECOVERED')).toEqual({});
    expect(await payloadOf(own.tokens.insurer, 'PAID')).toEqual({});
    expect(await payloadOf(own.tokens.finance, 'PAID')).toMatchObject({ reference: 'REF-9' });
  });

  it('cannot start on a case not yet paid', async () => {
    const id = await w.caseIn('approved');
    const res = await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '虚假申报' }, w.tokens.provincial);
    expect(res.status).toBe(409);
  });

  it('keeps a longer ban already set', async () => {
    const { id } = await paidCase();
    await t.app.db.update(enterprises).set({ bannedUntil: '2099-01-01' }).where(eq(enterprises.id, w.firm.id));
    try {
      expect((await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '虚假申报' }, w.tokens.provincial)).status).toBe(200);
      const [firm] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, w.firm.id));
      expect(firm?.bannedUntil).toBe('2099-01-01');
    } finally {
      await t.app.db.update(enterprises).set({ bannedUntil: null }).where(eq(enterprises.id, w.firm.id));
    }
  });
});
