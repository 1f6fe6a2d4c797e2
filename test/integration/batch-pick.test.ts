import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, disbursementBatches, enterprises, history, payments } from '../../db/schema';
import { makeRound } from '../../seeds/factories';
import { batchCandidates } from '../../server/batches/create';
import { useTestApp } from '../support/use-app';

// Finance picks which of a round's eligible cases go into a batch (POST /disbursements with
// caseIds): exactly those are taken, by the rule the city's gathering takes by, and every refused
// case is named at once. The app has a pool of 3, smaller than the bursts of concurrent creations.
const POOL = 3;
const { t, w } = useTestApp({ poolSize: POOL });

interface Batch {
  id: string;
  cases: { caseId: string; amount: string }[];
  totals: { cases: number; amount: string };
}
interface Problem {
  errors: { path: string; code?: string; message: string; messageZh?: string }[];
}

/** A case approved with the contract amount, liability limit and premium given (yuan strings): SPEC §6's worked examples. */
async function approvedWith(contract: string, limit: string, premium: string, over: Record<string, unknown> = {}): Promise<string> {
  const body = w.caseBody();
  return w.caseIn('approved', { ...over, contract: { ...body.contract, amount: contract }, policy: { ...body.policy, liabilityLimit: limit, premium } });
}
/** S = 1,000,000.00 */
const example1 = (over: Record<string, unknown> = {}) => approvedWith('10000000.00', '60000000.00', '1500000.00', over);
/** S = 24,000.00 */
const example2 = (over: Record<string, unknown> = {}) => approvedWith('300000.00', '1000000.00', '45000.00', over);

const create = (body: Record<string, unknown>, token = w.tokens.finance) => t.api.post<Batch & Problem>('/disbursements', body, token);
const stateOf = async (id: string) => (await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.provincial)).body.state;

describe('POST /disbursements with the cases finance picked', () => {
  it('holds exactly the cases picked, its total their sum, and leaves the others awaiting payment', async () => {
    const [a, b, left] = [await example1(), await example2(), await example2()];
    const res = await create({ roundId: w.round.id, caseIds: [b, a] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.cases.map((c) => c.caseId).sort()).toEqual([a, b].sort());
    expect(res.body.totals).toMatchObject({ cases: 2, amount: '1024000.00' });
    const rows = await t.app.db.select({ caseId: payments.caseId, amountFen: payments.amountFen }).from(payments).where(eq(payments.batchId, res.body.id));
    expect(rows.map((r) => r.caseId).sort()).toEqual([a, b].sort());
    expect(rows.reduce((n, r) => n + r.amountFen, 0n)).toBe(102_400_000n);
    expect([await stateOf(a), await stateOf(b), await stateOf(left)]).toEqual(['batched', 'batched', 'calculated']);
  });

  it('names every refused case with its reason — unknown, not approved, in a live batch, of another round, named twice — and makes nothing', async () => {
    const ready = await example2();
    const inBatch = await example2();
    const other = await create({ roundId: w.round.id, caseIds: [inBatch] });
    expect(other.status).toBe(201);
    const notApproved = await w.caseIn('awaitingNotice');
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const otherRound = await example2({ roundId: round.id });
    const unknown = randomUUID();
    const before = await t.app.db.$count(disbursementBatches);

    const res = await create({ roundId: w.round.id, caseIds: [ready, unknown, notApproved, inBatch, otherRound, ready] });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.path, e.code])).toEqual([
      ['caseIds.1', 'batch.noCase'],
      ['caseIds.2', 'batch.noCase'],
      ['caseIds.3', 'batch.inLiveBatch'],
      ['caseIds.4', 'batch.otherRound'],
      ['caseIds.5', 'batch.namedTwice'],
    ]);
    expect(res.body.errors[1]?.message).toContain(notApproved);
    expect(res.body.errors.every((e) => e.message !== '' && (e.messageZh ?? '') !== '')).toBe(true);
    expect(await t.app.db.$count(disbursementBatches)).toBe(before);
    expect(await stateOf(ready)).toBe('calculated');
    expect(await t.app.db.$count(payments, eq(payments.caseId, ready))).toBe(0);
  });

  it('refuses a case named twice, alone, with 422 naming it', async () => {
    const id = await example2();
    const res = await create({ roundId: w.round.id, caseIds: [id, id] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'caseIds.1', code: 'batch.namedTwice', message: expect.stringMatching(/^case \S+ is named twice$/) })]);
    expect(await stateOf(id)).toBe('calculated');
  });

  it('refuses an empty list, and a list that is no list of ids, with 400 and the reasons', async () => {
    for (const caseIds of [[], ['not-an-id'], [1], 'x']) {
      const res = await create({ roundId: w.round.id, caseIds });
      expect(res.status, JSON.stringify(caseIds)).toBe(400);
      expect(res.body.errors.length, JSON.stringify(caseIds)).toBeGreaterThan(0);
      expect(res.body.errors.every((e) => e.path.startsWith('caseIds')), JSON.stringify(res.body.errors)).toBe(true);
    }
    // a value that is no id, text or not, is said to be no case id in both languages
    for (const id of ['not-an-id', 1, null]) {
      const res = await create({ roundId: w.round.id, caseIds: [id] });
      expect(res.body.errors[0], JSON.stringify(id)).toMatchObject({ path: 'caseIds.0', message: 'not a case id', messageZh: '不是有效的申请编号' });
    }
  });

  it('takes a named case exactly when the city gathering would: whatever the gathering leaves out is refused by name, for the reason it is left out', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const inRound = { roundId: round.id };
    const due = await example2(inRound);
    const zero = await example2(inRound);
    await t.app.db.update(cases).set({ subsidyFen: 0n }).where(eq(cases.id, zero));
    // a firm whose bank account is gone: the gathering used to take its case, then refuse the whole city
    const noAccount = await w.makeFirm();
    const unpaid = await example2(inRound);
    await t.app.db.update(cases).set({ enterpriseId: noAccount.enterprise.id }).where(eq(cases.id, unpaid));
    await t.app.db.update(enterprises).set({ bankAccount: '' }).where(eq(enterprises.id, noAccount.enterprise.id));

    const offered = (await batchCandidates(t.app.db, round.id, '330100')).map((c) => c.id);
    expect(offered).toEqual([due]);
    const named = await create({ roundId: round.id, city: '330100', caseIds: [zero, unpaid] });
    expect(named.status).toBe(422);
    expect(named.body.errors.map((e) => e.code)).toEqual(['batch.zeroSubsidy', 'batch.noBankAccount']);
    const gathered = await create({ roundId: round.id, city: '330100' });
    expect(gathered.status, JSON.stringify(gathered.body)).toBe(201);
    expect(gathered.body.cases.map((c) => c.caseId)).toEqual([due]);
  });

  it('is for finance only: 403 to every other role, 401 without a session, and nothing is made', async () => {
    const id = await example2();
    for (const role of ['firm', 'otherFirm', 'municipal', 'provincial', 'expert', 'insurer', 'admin'] as const) {
      const res = await create({ roundId: w.round.id, caseIds: [id] }, w.tokens[role]);
      expect(res.status, role).toBe(403);
    }
    expect((await t.api.post('/disbursements', { roundId: w.round.id, caseIds: [id] })).status).toBe(401);
    expect(await stateOf(id)).toBe('calculated');
    expect(await t.app.db.$count(payments, eq(payments.caseId, id))).toBe(0);
  });

  it(`puts a case named by ${POOL * 4} batches made at once, through a pool of ${POOL}, into exactly one of them`, async () => {
    const shared = await example2();
    const own: string[] = [];
    for (let i = 0; i < POOL * 4; i++) own.push(await example2());
    const tokens = [w.tokens.finance, w.tokens.finance2];
    const answers = await Promise.all(own.map((id, i) => create({ roundId: w.round.id, caseIds: [shared, id] }, tokens[i % 2])));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201), JSON.stringify(statuses)).toHaveLength(1);
    // batches of a round are made one at a time: every loser is told the case is in the winner's batch, none merely loses a race
    expect(statuses.filter((s) => s === 422), JSON.stringify(statuses)).toHaveLength(POOL * 4 - 1);
    for (const a of answers.filter((x) => x.status === 422)) expect(a.body.errors.map((e) => [e.path, e.code])).toEqual([['caseIds.0', 'batch.inLiveBatch']]);
    expect(await t.app.db.$count(payments, eq(payments.caseId, shared))).toBe(1);
    expect(await t.app.db.$count(history, and(eq(history.ownerId, shared), eq(history.eventType, 'BATCHED')))).toBe(1);
    // the winner took its own case too; every loser's stays awaiting payment
    const winner = answers.findIndex((a) => a.status === 201);
    for (const [i, id] of own.entries()) expect(await stateOf(id), `case ${i}`).toBe(i === winner ? 'batched' : 'calculated');
    expect((await t.api.get('/readyz')).status).toBe(200);
  });
});
