import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { cases, emailDeliveries, history, proRataItems, rounds, subsidyAdjustments } from '../../db/schema';
import { deliverEvent } from '../../server/engine/deliver';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { makeWorld, type World } from '../support/world';

// 按比例核减 (SPEC §6, §7): finance proposes sharing what is left of a round's budget among its
// approved, unpaid cases; a second finance user approves, and each case's subsidy, adjustments,
// history and the firm's email follow. Every test that sets a budget does so on a world of its own.
const { t, w } = useTestApp();

interface Proposal {
  id: string;
  roundId: string;
  status: string;
  budget: string;
  committed: string;
  available: string;
  total: string;
  cases: { caseId: string; caseNumber: string; before: string; after: string }[];
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}
interface Problem {
  detail: string;
  errors?: { path: string; code?: string; message: string; messageZh?: string }[];
}
interface Subsidy {
  amount: string;
  adjustments: { kind: string; before: string; after: string; basis: Record<string, string>; proposalId: string | null }[];
  steps: { key: string; zh: string; en: string; amount: string | null }[];
}

/**
 * A case approved with S = floor(0.8 · premium): the liability limit equals the contract amount
 * and the rate stays far under the 3 % cap, so no other rule touches it.
 */
async function approvedWith(world: World, premium: string): Promise<string> {
  const body = world.caseBody();
  return world.caseIn('approved', { contract: { ...body.contract, amount: '1000000.00' }, policy: { ...body.policy, liabilityLimit: '1000000.00', premium } });
}

async function setBudget(world: World, fen: bigint | null) {
  await t.app.db.update(rounds).set({ budgetFen: fen }).where(eq(rounds.id, world.round.id));
}

/** A second finance user, signed in. */
async function secondFinance() {
  const user = await makeUser(t.app.db, { roles: ['finance'] });
  return { user, token: await t.api.login(user.email) };
}

const propose = (world: World, token = world.tokens.finance) => t.api.post<Proposal & Problem>(`/rounds/${world.round.id}/pro-rata`, undefined, token);
const approve = (world: World, id: string, token?: string) => t.api.post<Proposal & Problem>(`/rounds/${world.round.id}/pro-rata/${id}/approve`, undefined, token);
const read = (world: World, id: string, token = world.tokens.finance) => t.api.get<Proposal & Problem>(`/rounds/${world.round.id}/pro-rata/${id}`, token);

async function subsidyFen(ids: string[]) {
  const rows = await t.app.db.select({ id: cases.id, fen: cases.subsidyFen }).from(cases).where(inArray(cases.id, ids));
  return ids.map((id) => rows.find((r) => r.id === id)?.fen);
}

function batch(caseId: string) {
  const batchId = randomUUID();
  return deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [caseId] }, event: { type: 'BATCHED', batchId } });
}

const sumFen = (xs: string[]) => xs.reduce((s, x) => s + BigInt(x.replace('.', '')), 0n);

describe('a reduction shared to the fen', () => {
  it('shares the budget left after batched cases among the unpaid ones, ties by case number, and applies it when a second finance user approves', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const batched = await approvedWith(own, '1250.00');
    expect(await batch(batched)).toEqual({ applied: 1, refused: 0 });
    const ids = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    await setBudget(own, 300_000n);

    const proposed = await propose(own);
    expect(proposed.status).toBe(201);
    expect(proposed.headers.get('location')).toBe(`/api/v1/rounds/${own.round.id}/pro-rata/${proposed.body.id}`);
    expect(proposed.body).toMatchObject({ roundId: own.round.id, status: 'open', budget: '3000.00', committed: '1000.00', available: '2000.00', total: '3000.00', proposedBy: own.people.finance.id, approvedBy: null });
    // three equal remainders: the two fen left over go to the two lowest case numbers
    const numbers = proposed.body.cases.map((c) => c.caseNumber);
    expect(numbers).toEqual([...numbers].sort());
    expect(proposed.body.cases.map((c) => c.caseId)).toEqual(ids);
    expect(proposed.body.cases.map((c) => [c.before, c.after])).toEqual([
      ['1000.00', '666.67'],
      ['1000.00', '666.67'],
      ['1000.00', '666.66'],
    ]);
    expect(sumFen(proposed.body.cases.map((c) => c.after))).toBe(200_000n);
    // a proposal changes nothing yet
    expect(await subsidyFen(ids)).toEqual([100_000n, 100_000n, 100_000n]);

    const second = await secondFinance();
    const approved = await approve(own, proposed.body.id, second.token);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id: proposed.body.id, status: 'approved', approvedBy: second.user.id, cases: proposed.body.cases });
    expect(await subsidyFen([...ids, batched])).toEqual([66_667n, 66_667n, 66_666n, 100_000n]);

    const view = await t.api.get<Subsidy>(`/cases/${ids[2]}/subsidy`, own.tokens.firm);
    expect(view.body.amount).toBe('666.66');
    expect(view.body.adjustments).toEqual([
      { kind: 'proRata', before: '1000.00', after: '666.66', basis: { budget: '2000.00', total: '3000.00', roundBudget: '3000.00', committed: '1000.00' }, proposalId: proposed.body.id, at: expect.any(String) },
    ]);
    expect(view.body.steps.slice(-2)).toEqual([
      { key: 'proRata', zh: '按比例核减（预算 2,000.00 元，核准总额 3,000.00 元），核减后', en: 'pro-rata reduction (budget 2,000.00 yuan, approved total 3,000.00 yuan), after the reduction', amount: '666.66' },
      { key: 'current', zh: '当前补偿金额', en: 'current subsidy', amount: '666.66' },
    ]);
    const rows = await t.app.db.select().from(subsidyAdjustments).where(inArray(subsidyAdjustments.caseId, ids));
    expect(rows.map((r) => [r.afterFen, r.approvedBy, r.proposalId]).sort()).toEqual([
      [66_666n, second.user.id, proposed.body.id],
      [66_667n, second.user.id, proposed.body.id],
      [66_667n, second.user.id, proposed.body.id],
    ]);

    // the case history records the step in the name of the finance user who approved it, and the firm is told
    for (const [i, id] of ids.entries()) {
      const [last] = await t.app.db.select().from(history).where(eq(history.ownerId, id)).orderBy(asc(history.seq)).then((h) => h.slice(-1));
      expect(last).toMatchObject({ eventType: 'SUBSIDY_REDUCED', actorId: second.user.id, actorRole: 'finance', stateBefore: 'calculated', stateAfter: 'calculated', payload: { proposalId: proposed.body.id, before: '1000.00', after: proposed.body.cases[i]?.after } });
      const mail = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.subsidyReduced')));
      expect(mail.map((m) => m.toAddress)).toEqual([own.people.firm.email]);
      expect((await t.api.get(`/audit/verify?caseId=${id}`, own.tokens.provincial)).body).toMatchObject({ valid: true });
    }
    expect((await t.app.db.select().from(history).where(and(eq(history.ownerId, batched), eq(history.eventType, 'SUBSIDY_REDUCED')))).length).toBe(0);

    // approved once: not again, and now the budget is met
    expect((await approve(own, proposed.body.id, second.token)).status).toBe(409);
    expect((await read(own, proposed.body.id, own.tokens.provincial)).body).toMatchObject({ status: 'approved', approvedBy: second.user.id });
    const again = await propose(own);
    expect(again.status).toBe(422);
    expect(again.body.errors?.[0]).toMatchObject({ code: 'proRata.fitsBudget', path: 'total' });
  });

  it('hands the fen left over to the largest remainders first, whatever their case numbers', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    // S = 700.03, 1000.00, 500.01 in case-number order; 1500.00 over 2200.04 leaves remainders
    // 99088, 127280 and 213640 (in fen × total): the two fen go to the second and third cases
    const ids = [await approvedWith(own, '875.04'), await approvedWith(own, '1250.00'), await approvedWith(own, '625.02')];
    await setBudget(own, 150_000n);
    const res = await propose(own);
    expect(res.status).toBe(201);
    expect(res.body.cases.map((c) => c.caseId)).toEqual(ids);
    expect(res.body.cases.map((c) => [c.before, c.after])).toEqual([
      ['700.03', '477.28'],
      ['1000.00', '681.81'],
      ['500.01', '340.91'],
    ]);
    expect(res.body).toMatchObject({ total: '2200.04', available: '1500.00', committed: '0.00' });
    expect(sumFen(res.body.cases.map((c) => c.after))).toBe(150_000n);
    const stored = await t.app.db.select().from(proRataItems).where(eq(proRataItems.proposalId, res.body.id));
    expect(stored.map((s) => s.afterFen).sort((a, b) => Number(a - b))).toEqual([34_091n, 47_728n, 68_181n]);
  });
});

describe('when there is nothing to reduce', () => {
  it('refuses a round without a budget, and one whose unpaid subsidies fit what is left of it, 422 with the reason in both languages', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const [first] = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    const none = await propose(own);
    expect(none.status).toBe(422);
    expect(none.body.detail).toContain('no budget');
    expect(none.body.errors).toEqual([{ path: 'budget', code: 'proRata.noBudget', message: expect.stringContaining('no budget'), messageZh: expect.stringContaining('未设定预算') }]);

    await setBudget(own, 200_000n);
    const fits = await propose(own);
    expect(fits.status).toBe(422);
    expect(fits.body.errors).toEqual([
      {
        path: 'total',
        code: 'proRata.fitsBudget',
        message: 'the approved, unpaid subsidies total 2000.00 yuan, within the 2000.00 yuan available (budget 2000.00 less 0.00 committed)',
        messageZh: '核准未拨付的补偿总额 2000.00 元，未超出可用预算 2000.00 元（预算 2000.00 元，已占用 0.00 元）',
      },
    ]);

    // a batched case takes its share first: one fen less and the other must be reduced
    expect(await batch(first ?? '')).toEqual({ applied: 1, refused: 0 });
    await setBudget(own, 199_999n);
    const reduced = await propose(own);
    expect(reduced.status).toBe(201);
    expect(reduced.body).toMatchObject({ committed: '1000.00', available: '999.99', total: '1000.00', cases: [expect.objectContaining({ before: '1000.00', after: '999.99' })] });
  });

  it('reduces every unpaid case to nothing when the committed subsidy already uses the whole budget', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const paidAhead = await approvedWith(own, '1250.00');
    const unpaid = await approvedWith(own, '1250.00');
    expect(await batch(paidAhead)).toEqual({ applied: 1, refused: 0 });
    await setBudget(own, 50_000n);
    const res = await propose(own);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ budget: '500.00', committed: '1000.00', available: '0.00', cases: [{ caseId: unpaid, before: '1000.00', after: '0.00' }] });
  });
});

describe('supersession and stale proposals', () => {
  it('lets a newer proposal supersede the open one, which can no longer be approved', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const ids = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    await setBudget(own, 150_000n);
    const older = await propose(own);
    const second = await secondFinance();
    const newer = await propose(own, second.token);
    expect(newer.status).toBe(201);
    expect((await read(own, older.body.id)).body.status).toBe('superseded');
    const res = await approve(own, older.body.id, second.token);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('superseded');
    expect(await subsidyFen(ids)).toEqual([100_000n, 100_000n]);
    // the newer one is the second finance user's: the first approves it
    expect((await approve(own, newer.body.id, own.tokens.finance)).status).toBe(200);
    expect(await subsidyFen(ids)).toEqual([75_000n, 75_000n]);
  });

  it('supersedes only the open proposals of its own round', async () => {
    const [a, b] = [await makeWorld(t.app.db, t.api, t.app), await makeWorld(t.app.db, t.api, t.app)];
    for (const world of [a, b]) {
      await approvedWith(world, '1250.00');
      await setBudget(world, 50_000n);
    }
    const first = await propose(a);
    expect(first.status).toBe(201);
    expect((await propose(b)).status).toBe(201);
    expect((await read(a, first.body.id)).body.status).toBe('open');
  });

  it('refuses a proposal whose case amount changed meanwhile, 409 naming the case, and changes nothing', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const ids = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    await setBudget(own, 150_000n);
    const proposed = await propose(own);
    await t.app.db.update(cases).set({ subsidyFen: 90_000n }).where(eq(cases.id, ids[1] ?? ''));
    const second = await secondFinance();
    const res = await approve(own, proposed.body.id, second.token);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('propose the reduction again');
    const number = proposed.body.cases[1]?.caseNumber;
    expect(res.body.errors).toEqual([
      { path: 'cases.1', code: 'proRata.stale', message: `the subsidy of case ${number} was 1000.00 yuan and is now 900.00`, messageZh: `申请 ${number} 的补偿金额由 1000.00 元变为 900.00 元` },
    ]);
    expect(await subsidyFen(ids)).toEqual([100_000n, 90_000n]);
    expect(await t.app.db.select().from(subsidyAdjustments).where(inArray(subsidyAdjustments.caseId, ids))).toEqual([]);
    expect((await read(own, proposed.body.id)).body.status).toBe('open');
  });

  it('refuses a proposal one of whose cases was batched meanwhile, and one that missed a case approved since', async () => {
    const own = await makeWorld(t.app.db, t.api, t.app);
    const ids = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    await setBudget(own, 150_000n);
    const second = await secondFinance();

    const before = await propose(own);
    expect(await batch(ids[0] ?? '')).toEqual({ applied: 1, refused: 0 });
    const res = await approve(own, before.body.id, second.token);
    expect(res.status).toBe(409);
    const number = before.body.cases[0]?.caseNumber;
    expect(res.body.errors).toEqual([
      { path: 'committed', code: 'proRata.stale', message: 'the committed subsidy was 0.00 yuan and is now 1000.00', messageZh: '已占用补偿金额由 0.00 元变为 1000.00 元' },
      { path: 'cases.0', code: 'proRata.stale', message: `case ${number} is now batched, no longer approved and unpaid`, messageZh: `申请 ${number} 当前状态为 batched，已不属于核准未拨付的申请` },
    ]);
    expect(await subsidyFen(ids)).toEqual([100_000n, 100_000n]);
    const events = await t.app.db.select().from(history).where(and(inArray(history.ownerId, ids), eq(history.eventType, 'SUBSIDY_REDUCED')));
    expect(events).toEqual([]);

    // proposed again with the batch counted; then another case is approved before the approval
    await setBudget(own, 180_000n);
    const fresh = await propose(own);
    expect(fresh.body).toMatchObject({ available: '800.00', total: '1000.00' });
    const late = await approvedWith(own, '1250.00');
    const missed = await approve(own, fresh.body.id, second.token);
    expect(missed.status).toBe(409);
    const [lateRow] = await t.app.db.select({ number: cases.number }).from(cases).where(eq(cases.id, late));
    expect(missed.body.errors).toEqual([{ path: 'cases', code: 'proRata.stale', message: `case ${lateRow?.number} was approved after the proposal`, messageZh: `申请 ${lateRow?.number} 在方案提出后获批` }]);
    expect(await subsidyFen([ids[1] ?? '', late])).toEqual([100_000n, 100_000n]);
  });
});

describe('who may propose, approve and read', () => {
  let own: World;
  let ids: string[];
  let proposalId: string;
  beforeAll(async () => {
    own = await makeWorld(t.app.db, t.api, t.app);
    ids = [await approvedWith(own, '1250.00'), await approvedWith(own, '1250.00')];
    await setBudget(own, 150_000n);
    const res = await propose(own);
    expect(res.status).toBe(201);
    proposalId = res.body.id;
  });

  it('refuses the proposer approving (four eyes), 403 in both languages, and applies nothing', async () => {
    const res = await approve(own, proposalId, own.tokens.finance);
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([{ path: 'role', code: 'proRata.fourEyes', message: expect.stringContaining('second finance user'), messageZh: expect.stringContaining('另一名财务人员') }]);
    expect(await subsidyFen(ids)).toEqual([100_000n, 100_000n]);
    expect((await read(own, proposalId)).body.status).toBe('open');
  });

  it.each(['municipal', 'provincial', 'insurer', 'expert', 'firm', 'admin'] as const)('refuses %s proposing or approving, 403 in both languages', async (who) => {
    const proposed = await propose(own, own.tokens[who]);
    expect(proposed.status).toBe(403);
    expect(proposed.body.errors?.[0]).toMatchObject({ code: 'role.forbidden', messageZh: expect.stringContaining('财务') });
    expect((await approve(own, proposalId, own.tokens[who])).status).toBe(403);
    expect((await read(own, proposalId)).body.status).toBe('open');
    expect(await subsidyFen(ids)).toEqual([100_000n, 100_000n]);
  });

  it.each(['municipal', 'insurer', 'expert', 'firm', 'admin'] as const)('refuses %s reading a proposal, 403', async (who) => {
    expect((await read(own, proposalId, own.tokens[who])).status).toBe(403);
  });

  it('lets finance and the provincial reviewers read it', async () => {
    for (const who of ['finance', 'provincial'] as const) {
      const res = await read(own, proposalId, own.tokens[who]);
      expect(res.status, who).toBe(200);
      expect(res.body).toMatchObject({ id: proposalId, roundId: own.round.id, status: 'open', available: '1500.00', total: '2000.00' });
      expect(res.body.cases.map((c) => c.after)).toEqual(['750.00', '750.00']);
    }
  });

  it('answers 401 to the anonymous', async () => {
    expect((await t.api.post(`/rounds/${own.round.id}/pro-rata`, undefined)).status).toBe(401);
    expect((await t.api.post(`/rounds/${own.round.id}/pro-rata/${proposalId}/approve`, undefined)).status).toBe(401);
    expect((await t.api.get(`/rounds/${own.round.id}/pro-rata/${proposalId}`)).status).toBe(401);
  });

  it('answers 400 to ids that are not ids and 404 to unknown rounds and proposals, or a proposal asked of another round', async () => {
    const { token } = await secondFinance();
    expect((await t.api.post('/rounds/not-a-round/pro-rata', undefined, token)).status).toBe(400);
    expect((await t.api.post(`/rounds/${own.round.id}/pro-rata/not-a-proposal/approve`, undefined, token)).status).toBe(400);
    expect((await t.api.get(`/rounds/${own.round.id}/pro-rata/42`, token)).status).toBe(400);
    expect((await t.api.post(`/rounds/${randomUUID()}/pro-rata`, undefined, token)).status).toBe(404);
    expect((await t.api.post(`/rounds/${own.round.id}/pro-rata/${randomUUID()}/approve`, undefined, token)).status).toBe(404);
    expect((await t.api.get(`/rounds/${own.round.id}/pro-rata/${randomUUID()}`, token)).status).toBe(404);
    expect((await t.api.post(`/rounds/${w.round.id}/pro-rata/${proposalId}/approve`, undefined, token)).status).toBe(404);
    expect((await t.api.get(`/rounds/${w.round.id}/pro-rata/${proposalId}`, token)).status).toBe(404);
    expect((await read(own, proposalId)).body.status).toBe('open');
  });
});
