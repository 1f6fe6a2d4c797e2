import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { cases, clocks, emailDeliveries, enterprises, recoveries, rounds } from '../../db/schema';
import { deliverEvent } from '../../server/engine/deliver';
import { shanghaiDate } from '../../server/calendar/dates';
import { yearsAfter } from '../../server/cases/subsidy';
import { useTestApp } from '../support/use-app';
import { makeWorld, type World } from '../support/world';

// The money rules of SPEC §4 and §6 at their edges: the per-firm cap counts the firm's own grants
// in the round and nothing else; a recovery bars that firm for the round's own ban period; each
// recovery keeps its own record; and the people each step tells. Those are every provincial
// reviewer and every finance user, so the file has a database of its own.
const { t, w } = useTestApp({ ownDatabase: true });

interface Subsidy {
  amount: string;
  calculated: string;
  adjustments: { kind: string; before: string; after: string; basis: Record<string, string> }[];
  steps: { key: string; zh: string; en: string; amount: string | null }[];
  recovery: { amount: string | null; reference: string | null; recordedAt: string | null } | null;
}

const subsidyOf = (id: string, token: string) => t.api.get<Subsidy>(`/cases/${id}/subsidy`, token);

/** S = 1,000,000.00 yuan (worked example 1). */
function approvedBig(world: World) {
  const body = world.caseBody();
  return world.caseIn('approved', { contract: { ...body.contract, amount: '10000000.00' }, policy: { ...body.policy, liabilityLimit: '60000000.00', premium: '1500000.00' } });
}

async function fromBatch(caseId: string, batchId: string, event: { type: string } & Record<string, unknown>) {
  return deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [caseId] }, event });
}

async function paid(world: World): Promise<string> {
  const id = await world.caseIn('approved');
  const batchId = randomUUID();
  for (const event of [{ type: 'BATCHED', batchId }, { type: 'BATCH_APPROVED', batchId }, { type: 'PAID', batchId, paymentId: `P-${id.slice(0, 8)}`, reference: 'REF', paidOn: '2026-12-01' }]) {
    expect(await fromBatch(id, batchId, event)).toEqual({ applied: 1, refused: 0 });
  }
  return id;
}

const mailedTo = async (id: string, template: string) =>
  (await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, template)))).map((m) => m.toAddress);
const provincialEmails = async () => (await t.app.database.sql<{ email: string }[]>`select email from users where 'provincial' = any(roles) and active`).map((r) => r.email);
const financeEmails = async () => (await t.app.database.sql<{ email: string }[]>`select email from users where 'finance' = any(roles) and active`).map((r) => r.email);

describe('the per-firm cap reads the firm’s earlier grants in the round only', () => {
  let own: World;
  beforeAll(async () => {
    own = await makeWorld(t.app.db, t.api, t.app);
    await t.app.db.update(rounds).set({ perFirmCapFen: 150_000_000n }).where(eq(rounds.id, own.round.id));
  });

  it('leaves S whole when the earlier grants are another firm’s, or the same firm’s in another round', async () => {
    // two grants of 1,000,000.00 that are not this firm's in this round: one moved to another firm, one to another round
    const otherFirms = await approvedBig(own);
    await t.app.db.update(cases).set({ enterpriseId: w.firm.id }).where(eq(cases.id, otherFirms));
    const otherRounds = await approvedBig(own);
    await t.app.db.update(cases).set({ roundId: w.round.id }).where(eq(cases.id, otherRounds));

    const id = await approvedBig(own);
    const view = (await subsidyOf(id, own.tokens.firm)).body;
    expect(view).toMatchObject({ amount: '1000000.00', calculated: '1000000.00', adjustments: [] });
  });

  it('shows S as calculated beside the amount the cap left', async () => {
    // a world of its own: the firm's first grant in the round is this test's
    const mine = await makeWorld(t.app.db, t.api, t.app);
    await t.app.db.update(rounds).set({ perFirmCapFen: 150_000_000n }).where(eq(rounds.id, mine.round.id));
    expect((await subsidyOf(await approvedBig(mine), mine.tokens.firm)).body.amount).toBe('1000000.00');
    const second = (await subsidyOf(await approvedBig(mine), mine.tokens.firm)).body;
    expect(second).toMatchObject({ amount: '500000.00', calculated: '1000000.00' });
    const step = second.steps.find((s) => s.key === 'perFirmCap');
    expect(step?.en).toBe('per-firm cap of 1,500,000.00 yuan (1,000,000.00 yuan granted before in the round), after the cap');
    expect(step?.zh).toBe('单户企业补偿上限 1,500,000.00 元（本批次已获 1,000,000.00 元），核减后');
    // the basis names what was granted before (1,500,000.00), not this case's own S (1,000,000.00)
    const third = (await subsidyOf(await approvedBig(mine), mine.tokens.firm)).body;
    expect(third.adjustments).toEqual([expect.objectContaining({ kind: 'perFirmCap', before: '1000000.00', after: '0.00', basis: { cap: '1500000.00', grantedBefore: '1500000.00' } })]);
  });
});

describe('a recovery, case by case', () => {
  // the firm of this world is barred by the first test; the second needs no new submission
  let own: World;
  beforeAll(async () => {
    own = await makeWorld(t.app.db, t.api, t.app);
  });

  it('bars only the case’s firm, for the round’s own ban period, and stops the policy-end clock', async () => {
    await t.app.db.update(rounds).set({ banYears: 2 }).where(eq(rounds.id, own.round.id));
    const id = await paid(own);
    const res = await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '伪造保费发票' }, own.tokens.provincial);
    expect(res.status).toBe(200);

    const [firm] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, own.firm.id));
    expect(firm?.bannedUntil).toBe(yearsAfter(shanghaiDate(t.app.clock.now()), 2));
    const [other] = await t.app.db.select().from(enterprises).where(eq(enterprises.id, w.firm.id));
    expect(other?.bannedUntil).toBeNull();

    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'policyEnd')));
    expect(clock?.status).not.toBe('running');
  });

  it('records the amount on its own case only, tells the provincial reviewers, and dates the record', async () => {
    // paid cases are made by the engine's own path; the firm's ban only refuses new submissions
    await t.app.db.update(enterprises).set({ bannedUntil: null }).where(eq(enterprises.id, own.firm.id));
    const [a, b] = [await paid(own), await paid(own)];
    for (const id of [a, b]) {
      expect((await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '虚假申报' }, own.tokens.provincial)).status).toBe(200);
    }
    expect((await subsidyOf(a, own.tokens.firm)).body.recovery).toMatchObject({ amount: null, reference: null, recordedAt: null });
    expect((await t.api.post(`/cases/${a}/events`, { type: 'RECOVERED', amount: '500.00', reference: 'BACK-A' }, own.tokens.finance)).status).toBe(200);

    const [ra] = await t.app.db.select().from(recoveries).where(eq(recoveries.caseId, a));
    const [rb] = await t.app.db.select().from(recoveries).where(eq(recoveries.caseId, b));
    expect(ra).toMatchObject({ amountFen: 50_000n, reference: 'BACK-A' });
    expect(rb).toMatchObject({ amountFen: null, reference: null, recordedAt: null });
    expect((await subsidyOf(a, own.tokens.firm)).body.recovery?.recordedAt).toBe(ra?.recordedAt?.toISOString());
    expect((await mailedTo(a, 'case.recovered')).sort()).toEqual([own.people.firm.email, ...(await provincialEmails())].sort());
  });
});

describe('a failed payment', () => {
  it('tells the firm and finance', async () => {
    const id = await w.caseIn('approved');
    const batchId = randomUUID();
    await fromBatch(id, batchId, { type: 'BATCHED', batchId });
    await fromBatch(id, batchId, { type: 'BATCH_APPROVED', batchId });
    expect(await fromBatch(id, batchId, { type: 'PAYMENT_FAILED', batchId, paymentId: 'P-3', failure: '账户已销户' })).toEqual({ applied: 1, refused: 0 });
    expect((await mailedTo(id, 'case.paymentFailed')).sort()).toEqual([w.people.firm.email, ...(await financeEmails())].sort());
  });
});
