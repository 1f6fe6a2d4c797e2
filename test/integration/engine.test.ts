import { describe, expect, it } from 'vitest';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { history, cases } from '../../db/schema';
import { executeEffects, UnknownEffectError } from '../../server/engine/effects';
import { caseScope } from '../../server/cases/scope';
import { appendHistory, entryHash, verifyChain } from '../../server/engine/history';
import { withBatchedWrites } from '../../server/engine/batched-writes';
import { useTestApp } from '../support/use-app';
import { attachRequiredDocuments, factoryDates, makeUser } from '../../seeds/factories';

const { t, w } = useTestApp();

const historyCount = async (caseId: string) =>
  (await t.app.db.select({ n: count() }).from(history).where(eq(history.ownerId, caseId)))[0]?.n ?? 0;

describe('one event, one transaction', () => {
  it('accepts exactly one of 20 concurrent conflicting decisions and answers the others 409', async () => {
    const id = await w.submittedCase();
    const before = await historyCount(id);
    const decisions = Array.from({ length: 20 }, (_, i) =>
      t.api.post(`/cases/${id}/events`, i % 2 ? { type: 'APPROVE' } : { type: 'REJECT', reason: '材料不符' }, i % 4 < 2 ? w.tokens.municipal : w.tokens.municipal2),
    );
    const answers = await Promise.all(decisions);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(await historyCount(id)).toBe(before + 1);
  });

  it('lets only one of two duplicate applications submitted at the same instant through', async () => {
    const body = w.caseBody();
    const [a, b] = [await w.createCase(body), await w.createCase(body)];
    await w.attachDocuments(a);
    await w.attachDocuments(b);
    const answers = await Promise.all([a, b].map((id) => t.api.post<{ errors?: { code: string }[] }>(`/cases/${id}/events`, { type: 'SUBMIT' }, w.tokens.firm)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(answers.find((r) => r.status === 422)?.body.errors?.map((e) => e.code)).toEqual(['case.duplicate']);
  });

  it('refuses a stale If-Match version with 409 and the current version', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, { 'If-Match': '1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ currentVersion: 2 });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses an If-Match version ahead of the case with 409, as it refuses one behind', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, { 'If-Match': '3' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ currentVersion: 2 });
    expect((await t.api.get<{ state: string; version: number }>(`/cases/${id}`, w.tokens.municipal)).body).toMatchObject({ state: 'municipal', version: 2 });
  });

  it('accepts If-Match as a bare or a quoted version and refuses anything else with 400', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, { 'If-Match': 'abc' })).status).toBe(400);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, { 'If-Match': '2' })).status).toBe(200);
  });

  it('refuses an event the current state does not take with 409 and writes nothing', async () => {
    const id = await w.submittedCase();
    const before = await historyCount(id);
    const res = await t.api.post(`/cases/${id}/events`, { type: 'SUBMIT' }, w.tokens.firm);
    expect(res.status).toBe(409);
    expect(await historyCount(id)).toBe(before);
  });

  it('explains a guard refusal with 422 and its reason', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal);
    const res = await t.api.post<{ errors: { code: string }[] }>(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.code)).toEqual(['guard.policyVerified']);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer to a retried request without a second history row', async () => {
    const id = await w.submittedCase();
    const headers = { 'Idempotency-Key': `approve-${id}` };
    const first = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, headers);
    const rows = await historyCount(id);
    const second = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await historyCount(id)).toBe(rows);
  });

  it('refuses a key reused for a different request with 422', async () => {
    const id = await w.submittedCase();
    const headers = { 'Idempotency-Key': `reuse-${id}` };
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '缺少发票' }] }, w.tokens.municipal, headers);
    const res = await t.api.post(`/cases/${id}/events`, { type: 'REJECT', reason: 'x' }, w.tokens.municipal, headers);
    expect(res.status).toBe(422);
  });
});

describe('Idempotency-Key, misused', () => {
  it('answers 404, not 422, for a case the caller cannot see, even with a key already used', async () => {
    const mine = await w.submittedCase();
    const headers = { 'Idempotency-Key': `probe-${mine}` };
    await t.api.post(`/cases/${mine}/events`, { type: 'APPROVE' }, w.tokens.municipal, headers);
    const otherCity = await w.makeFirm({ city: '330200' });
    const hidden = (await t.api.post<{ id: string }>('/cases', w.caseBody(), otherCity.token)).body.id;
    expect((await t.api.post(`/cases/${hidden}/events`, { type: 'APPROVE' }, w.tokens.municipal, headers)).status).toBe(404);
  });

  it('lets one of two cases win when a client sends one key for both at once', async () => {
    const [a, b] = [await w.submittedCase(), await w.submittedCase()];
    const headers = { 'Idempotency-Key': `twice-${a}` };
    const answers = await Promise.all([a, b].map((id) => t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, headers)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
  });
});

/** An intruder with superuser rights switches the append-only trigger off for their session. */
const asIntruder = (edit: (tx: Tx) => Promise<unknown>) =>
  t.app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await edit(tx);
  });

const verify = (caseId: string) =>
  t.api.get<{ valid: boolean; firstBrokenSeq: number | null; problem: string | null }>(`/audit/verify?caseId=${caseId}`, w.tokens.provincial);

describe('case history', () => {
  it('verifies an untouched chain and detects a tampered row', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'APPROVE', comment: '材料齐全' }, w.tokens.municipal);
    const ok = await t.api.get(`/audit/verify?caseId=${id}`, w.tokens.provincial);
    expect(ok.body).toMatchObject({ valid: true, firstBrokenSeq: null });
    await asIntruder((tx) => tx.execute(sql`update history set payload = '{"comment":"改过的意见"}'::jsonb where owner_id = ${id} and event_type = 'APPROVE'`));
    // rows: 1 created, 2 SUBMIT, 3 APPROVE
    expect((await verify(id)).body).toMatchObject({ valid: false, firstBrokenSeq: 3, problem: 'entry content does not match its hash' });
  });

  it('detects an edited first entry, the creation of the case', async () => {
    const id = await w.submittedCase();
    await asIntruder((tx) => tx.execute(sql`update history set actor_role = 'provincial' where owner_id = ${id} and seq = 1`));
    expect((await verify(id)).body).toMatchObject({ valid: false, firstBrokenSeq: 1, problem: 'entry content does not match its hash' });
  });

  it('detects an edited middle entry even when its hash is recomputed and its successor re-linked', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'APPROVE', comment: '材料齐全' }, w.tokens.municipal);
    const [row] = await t.app.db.select().from(history).where(and(eq(history.ownerId, id), eq(history.seq, 2)));
    if (!row) throw new Error('no second history row');
    const { id: _id, seq, prevHash, hash: _hash, ...entry } = row;
    const forged = entryHash(prevHash, seq, { ...entry, actorRole: 'provincial' });
    await asIntruder(async (tx) => {
      await tx.execute(sql`update history set actor_role = 'provincial', hash = ${forged} where owner_id = ${id} and seq = 2`);
      await tx.execute(sql`update history set prev_hash = ${forged} where owner_id = ${id} and seq = 3`);
    });
    // row 2 now agrees with itself; only row 3's hash, which covers the link, betrays the edit
    expect((await verify(id)).body).toMatchObject({ valid: false, firstBrokenSeq: 3, problem: 'entry content does not match its hash' });
  });

  it('detects an entry whose link to the previous one was changed, and nothing else', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'APPROVE', comment: '材料齐全' }, w.tokens.municipal);
    await asIntruder((tx) => tx.execute(sql`update history set prev_hash = ${'0'.repeat(64)} where owner_id = ${id} and seq = 3`));
    expect((await verify(id)).body).toMatchObject({ valid: false, firstBrokenSeq: 3, problem: 'link to the previous entry does not match' });
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    const id = await w.submittedCase();
    const refused = { cause: { message: expect.stringMatching(/append-only/) } };
    await expect(t.app.db.execute(sql`update history set actor_role = 'admin' where owner_id = ${id}`)).rejects.toMatchObject(refused);
    await expect(t.app.db.execute(sql`delete from history where owner_id = ${id}`)).rejects.toMatchObject(refused);
    expect(await historyCount(id)).toBeGreaterThanOrEqual(2);
  });

  it('records actor, role, request id, states and payload of each event', async () => {
    const id = await w.submittedCase();
    await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'policy.number', message: '保单号有误' }] }, w.tokens.municipal, { 'X-Request-Id': 'req-return-0001' });
    const res = await t.api.get<{ items: Record<string, unknown>[] }>(`/cases/${id}/history`, w.tokens.provincial);
    expect(res.body.items.at(-1)).toMatchObject({
      eventType: 'RETURN',
      actorId: w.people.municipal.id,
      actorRole: 'municipal',
      requestId: 'req-return-0001',
      stateBefore: 'municipal',
      stateAfter: 'revision',
      payload: { reasons: [{ path: 'policy.number', message: '保单号有误' }] },
    });
  });

  it("gives the person behind an entry to the programme's staff, and to anyone else only themself and their own firm's or insurer's people; the role to all", async () => {
    // a firm of its own: a second person of the world's firm would be told of every other test's case
    const firm = await w.makeFirm();
    const colleague = await makeUser(t.app.db, { roles: ['firm'], enterpriseId: firm.enterprise.id });
    const created = await t.api.post<{ id: string }>('/cases', w.caseBody(), await t.api.login(colleague.email));
    expect(created.status).toBe(201);
    const id = created.body.id;
    await attachRequiredDocuments(t.app.db, id, colleague.id);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'SUBMIT' }, firm.token)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal)).status).toBe(200);
    const actors = async (token: string) =>
      Object.fromEntries(
        (await t.api.get<{ items: { eventType: string; actorId: string | null; actorRole: string }[] }>(`/cases/${id}/history`, token)).body.items
          .filter((e) => ['CREATE', 'SUBMIT', 'VERIFY_POLICY', 'APPROVE'].includes(e.eventType))
          .map((e) => [e.eventType, [e.actorRole, e.actorId]]),
      );
    const all = { CREATE: ['firm', colleague.id], SUBMIT: ['firm', firm.user.id], VERIFY_POLICY: ['insurer', w.people.insurer.id], APPROVE: ['municipal', w.people.municipal.id] };
    for (const who of ['municipal', 'provincial'] as const) expect(await actors(w.tokens[who]), who).toEqual(all);
    expect(await actors(firm.token)).toEqual({ ...all, VERIFY_POLICY: ['insurer', null], APPROVE: ['municipal', null] });
    expect(await actors(w.tokens.insurer)).toEqual({ ...all, CREATE: ['firm', null], SUBMIT: ['firm', null], APPROVE: ['municipal', null] });
  });

  it("gives an expert the person behind their own steps only, and a reviewer who is also an expert everyone", async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }, w.tokens.provincial)).status).toBe(200);
    const [expert] = panel;
    if (!expert) throw new Error('no panel');
    expect((await t.api.post(`/cases/${id}/events`, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }, expert.token)).status).toBe(200);
    const items = async (token: string) =>
      (await t.api.get<{ items: { eventType: string; actorId: string | null; actorRole: string }[] }>(`/cases/${id}/history`, token)).body.items;
    const own = (await items(expert.token)).find((e) => e.eventType === 'ACCEPT_ASSIGNMENT');
    expect(own).toMatchObject({ actorRole: 'expert', actorId: expert.user.id });
    expect((await items(expert.token)).filter((e) => e.actorRole === 'municipal').map((e) => e.actorId)).toEqual([null]);
    // staff in one of their roles: they know everyone, whatever other role they hold
    const dual = await makeUser(t.app.db, { roles: ['provincial', 'expert'] });
    const read = await items(await t.api.login(dual.email));
    expect(read.find((e) => e.eventType === 'ACCEPT_ASSIGNMENT')?.actorId).toBe(expert.user.id);
    expect(read.filter((e) => e.actorRole === 'municipal').map((e) => e.actorId)).toEqual([w.people.municipal.id]);
  });

  it("records which version of the round's rules a submission was checked against, and the policy end its renewal reminder counts to", async () => {
    const id = await w.submittedCase();
    const res = await t.api.get<{ items: { eventType: string; payload: Record<string, unknown> }[] }>(`/cases/${id}/history`, w.tokens.firm);
    expect(res.body.items.find((e) => e.eventType === 'SUBMIT')?.payload).toEqual({ roundParamsVersion: w.round.paramsVersion, policyEndsOn: factoryDates.policyEndsOn });
  });
});

describe('effects', () => {
  const countOf = async (table: 'clocks' | 'email_deliveries', id: string) =>
    ((await t.app.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where owner_id = ${id}`)) as unknown as { n: number }[])[0]?.n;

  // Each test writes a row through a valid effect first and sees it inside the transaction, so
  // that only a rollback can make it vanish afterwards.
  async function failAfterWriting(id: string, failing: { type: string; params?: unknown }) {
    const [row] = await t.app.db.select().from(cases).where(eq(cases.id, id));
    if (!row) throw new Error('case missing');
    let writtenInside = { clocks: 0, deliveries: 0 };
    const attempt = t.app.db.transaction(async (tx) => {
      const scope = caseScope({ tx, app: t.app, row, round: w.round, now: new Date(), calendar: await t.app.calendar.get(tx), actorId: null, firmName: w.firm.name });
      await executeEffects(scope, [{ type: 'startClock', params: { kind: 'municipalReview' } }, { type: 'notify', params: { template: 'case.submitted', to: ['firm'] } }]);
      const n = async (table: 'clocks' | 'email_deliveries') =>
        ((await tx.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where owner_id = ${id}`)) as unknown as { n: number }[])[0]?.n ?? 0;
      writtenInside = { clocks: await n('clocks'), deliveries: await n('email_deliveries') };
      await executeEffects(scope, [failing]);
    });
    return { attempt, inside: () => writtenInside };
  }

  it('fails the transaction, and rolls back what earlier effects wrote, when an effect has parameters its executor does not expect', async () => {
    const id = await w.createCase();
    const { attempt, inside } = await failAfterWriting(id, { type: 'startClock', params: { kind: 'coffeeBreak' } });
    await expect(attempt).rejects.toThrow(/unexpected parameters/);
    expect(inside()).toEqual({ clocks: 1, deliveries: 1 });
    expect(await countOf('clocks', id)).toBe(0);
    expect(await countOf('email_deliveries', id)).toBe(0);
  });

  it('fails the whole transaction, and rolls back what earlier effects wrote, when an action has no executor', async () => {
    const id = await w.createCase();
    const { attempt, inside } = await failAfterWriting(id, { type: 'launchRocket' });
    await expect(attempt).rejects.toBeInstanceOf(UnknownEffectError);
    expect(inside()).toEqual({ clocks: 1, deliveries: 1 });
    expect(await countOf('clocks', id)).toBe(0);
    expect(await countOf('email_deliveries', id)).toBe(0);
  });
});

describe('many owners moved in one transaction (a batch, a pro-rata reduction)', () => {
  it('writes their history entries together once the work is done, each chain linked as if every entry had been appended at once', async () => {
    const ids = [await w.submittedCase(), await w.submittedCase()];
    const before = await Promise.all(ids.map(historyCount));
    const entry = (id: string, eventType: string) => ({
      ownerKind: 'case' as const,
      ownerId: id,
      eventType,
      actorId: null,
      actorRole: 'system',
      at: new Date(),
      requestId: null,
      stateBefore: 'municipal',
      stateAfter: 'municipal',
      payload: { note: eventType },
      machineVersion: 'case@test',
    });
    const seqs = await t.app.db.transaction(async (tx) =>
      withBatchedWrites(tx, 'case', ids, async () => {
        const out = [];
        for (const id of ids) out.push(await appendHistory(tx, entry(id, 'FIRST')), await appendHistory(tx, entry(id, 'SECOND')));
        // nothing lands before the work is done
        const [row] = await tx.select({ n: count() }).from(history).where(inArray(history.ownerId, ids));
        expect(row?.n).toBe((before[0] ?? 0) + (before[1] ?? 0));
        return out;
      }),
    );
    expect(seqs).toEqual([(before[0] ?? 0) + 1, (before[0] ?? 0) + 2, (before[1] ?? 0) + 1, (before[1] ?? 0) + 2]);
    for (const id of ids) expect(await verifyChain(t.app.db, 'case', id)).toMatchObject({ valid: true, entries: (await historyCount(id)) });
    expect(await Promise.all(ids.map(historyCount))).toEqual(before.map((n) => n + 2));
  });
});

// the genesis link in a unit of work (planted-bug review of the pipelined writes)
describe('a unit of work over an owner with no history yet', () => {
  it('links its first entry to the genesis hash', async () => {
    const id = crypto.randomUUID();
    const e = { ownerKind: 'round' as const, ownerId: id, eventType: 'CREATE', actorId: null, actorRole: 'system', at: new Date(), requestId: null, stateBefore: null, stateAfter: 'draft', payload: {}, machineVersion: 'round@test' };
    await t.app.db.transaction((tx) => withBatchedWrites(tx, 'round', [id], () => appendHistory(tx, e)));
    expect(await verifyChain(t.app.db, 'round', id)).toMatchObject({ valid: true, entries: 1 });
  });
});
