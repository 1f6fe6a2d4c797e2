import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { clocks, emailDeliveries, history, outbox, timers } from '../../db/schema';
import { deliverEvent, deliveryPayload } from '../../server/engine/deliver';
import { fireTimer } from '../../server/engine/timers';
import { SettableClock } from '../../server/clock';
import { startTestApp, type TestApp } from '../support/app';
import { makeWorld, type World } from '../support/world';
import { attachRequiredDocuments, makeRound } from '../../seeds/factories';
import { PASSING_SCORES } from '../support/world';

// The public notice (公示, SPEC §4): published by a provincial reviewer, read by anyone, closed by
// its own deadline, which tells each member case. Time moves here, so the file has its own database.
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ ownDatabase: true });
  w = await makeWorld(t.app.db, t.api, t.app);
});
afterAll(async () => t.close());

interface NoticeBody {
  id: string;
  number: string;
  state: string;
  startsOn: string;
  endsOn: string;
  caseIds: string[];
}

async function publish(caseIds: string[]): Promise<NoticeBody> {
  const res = await t.api.post<NoticeBody>('/notices', { caseIds }, w.tokens.provincial);
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
/** Back to real time (the admin route only moves forward; this file's database is its own). */
async function resetClock(): Promise<void> {
  if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
  await t.app.clock.set(new Date());
}
const stateOf = async (id: string) => (await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.provincial)).body.state;

describe('POST /notices', () => {
  it('publishes a notice: each case goes on notice as the system, and the period starts', async () => {
    const a = await w.caseIn('awaitingNotice');
    const b = await w.caseIn('awaitingNotice');
    const res = await t.api.post<NoticeBody>('/notices', { caseIds: [b, a] }, w.tokens.provincial);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'open', caseIds: [a, b].sort() });
    expect(res.body.number).toMatch(/^GS\d{4}-\d{3}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/public/notices/${res.body.id}`);
    for (const id of [a, b]) {
      expect(await stateOf(id)).toBe('notice');
      const h = await t.api.get<{ items: { eventType: string; actorRole: string; payload: unknown }[] }>(`/cases/${id}/history`, w.tokens.provincial);
      expect(h.body.items.at(-1)).toMatchObject({ eventType: 'NOTICE_OPENED', actorRole: 'system', payload: { noticeId: res.body.id } });
    }
    const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, res.body.id));
    expect(clock).toMatchObject({ ownerKind: 'notice', kind: 'noticePeriod', status: 'running', dueOn: res.body.endsOn, countedDays: 5 });
    const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, res.body.id));
    expect(mails.every((m) => m.template === 'notice.published' && m.ownerKind === 'notice')).toBe(true);
    expect(mails.map((m) => m.toAddress)).toEqual(expect.arrayContaining([w.people.provincial.email, w.people.firm.email]));
    expect(mails.find((m) => m.toAddress === w.people.firm.email)?.data).toMatchObject({ noticeNumber: res.body.number, caseCount: '2', dueOn: res.body.endsOn });

    const h = await t.api.get<{ items: { eventType: string; stateBefore: string; stateAfter: string; actorId: string }[] }>(`/notices/${res.body.id}/history`, w.tokens.provincial);
    expect(h.body.items).toEqual([expect.objectContaining({ eventType: 'PUBLISH', stateBefore: 'new', stateAfter: 'open', actorId: w.people.provincial.id })]);
  });

  it('names every case that cannot go on a notice, and publishes nothing', async () => {
    const ready = await w.caseIn('awaitingNotice');
    const early = await w.caseIn('expert');
    const onNotice = await w.caseIn('awaitingNotice');
    const first = await publish([onNotice]);
    const draft = await w.caseIn('draft');
    const unknown = crypto.randomUUID();
    const res = await t.api.post<{ errors: { path: string; code: string; messageZh: string }[] }>('/notices', { caseIds: [ready, early, onNotice, draft, unknown] }, w.tokens.provincial);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.path, e.code])).toEqual([
      ['caseIds.1', 'notice.notAwaiting'],
      ['caseIds.2', 'notice.onOpenNotice'],
      ['caseIds.3', 'notice.noCase'],
      ['caseIds.4', 'notice.noCase'],
    ]);
    expect(res.body.errors[1]?.messageZh).toContain(first.number);
    expect(await stateOf(ready)).toBe('awaitingNotice');
  });

  it('puts a case on one notice when two publications race for it', async () => {
    const id = await w.caseIn('awaitingNotice');
    const answers = await Promise.all([0, 1].map(() => t.api.post<{ errors?: { code: string }[] }>('/notices', { caseIds: [id] }, w.tokens.provincial)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)?.body.errors?.[0]?.code).toBe('notice.onOpenNotice');
    const opened = await t.app.db.select().from(history).where(and(eq(history.ownerId, id), eq(history.eventType, 'NOTICE_OPENED')));
    expect(opened).toHaveLength(1);
  });

  it('keeps one round to a notice', async () => {
    const other = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const here = await w.caseIn('awaitingNotice');
    const there = await w.caseIn('awaitingNotice', { roundId: other.id });
    const res = await t.api.post<{ errors: { code: string }[] }>('/notices', { caseIds: [here, there] }, w.tokens.provincial);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.code)).toEqual(['notice.otherRound']);
  });

  it('reads a case id written in capitals as the same id: published, and the same case named twice refused', async () => {
    const id = await w.caseIn('awaitingNotice');
    const twice = await t.api.post<{ errors: { path: string }[] }>('/notices', { caseIds: [id, id.toUpperCase()] }, w.tokens.provincial);
    expect(twice.status).toBe(400);
    const notice = await publish([id.toUpperCase()]);
    expect(notice.caseIds).toEqual([id]);
    expect(await stateOf(id)).toBe('notice');
  });

  it('refuses malformed bodies with reasons', async () => {
    const id = await w.caseIn('awaitingNotice');
    for (const body of [{}, { caseIds: [] }, { caseIds: [id, id] }, { caseIds: ['x'] }, { caseIds: [id], extra: 1 }]) {
      const res = await t.api.post<{ errors: { path: string; message: string; messageZh: string }[] }>('/notices', body, w.tokens.provincial);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect(await stateOf(id)).toBe('awaitingNotice');
  });

  it('is for provincial reviewers only: 403 to every other role, 401 without a session', async () => {
    const id = await w.caseIn('awaitingNotice');
    for (const role of ['firm', 'municipal', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await t.api.post('/notices', { caseIds: [id] }, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.post('/notices', { caseIds: [id] })).status).toBe(401);
    expect(await stateOf(id)).toBe('awaitingNotice');
  });
});

describe('who hears of a notice', () => {
  it('tells the firms whose cases it lists, not the firms of other notices', async () => {
    // a second firm with a case of its own awaiting the notice
    const other = await w.makeFirm();
    const created = await t.api.post<{ id: string }>('/cases', w.caseBody(), other.token);
    expect(created.status).toBe(201);
    const theirs = created.body.id;
    await attachRequiredDocuments(t.app.db, theirs, other.user.id);
    expect((await t.api.post(`/cases/${theirs}/events`, { type: 'SUBMIT' }, other.token)).status).toBe(200);
    for (const [event, who] of [[{ type: 'VERIFY_POLICY' }, 'insurer'], [{ type: 'APPROVE' }, 'municipal'], [{ type: 'APPROVE' }, 'provincial']] as const) {
      expect((await t.api.post(`/cases/${theirs}/events`, event, w.tokens[who])).status, event.type).toBe(200);
    }
    await w.expertsScore(theirs, PASSING_SCORES);
    await publish([await w.caseIn('awaitingNotice')]);
    const second = await publish([theirs]);
    const told = (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, second.id))).map((m) => m.toAddress);
    expect(told).toContain(other.user.email);
    expect(told).toContain(w.people.provincial.email);
    expect(told).not.toContain(w.people.firm.email);
  });
});

describe('the list of notices', () => {
  it('lists each notice with its own period, newest first, and pages through them without gaps or repeats', async () => {
    if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
    const published: NoticeBody[] = [];
    try {
      // three publications a week apart, so that each has a period of its own
      for (let week = 0; week < 3; week++) {
        await t.app.clock.set(new Date(Date.now() + week * 7 * 86_400_000));
        published.push(await publish([await w.caseIn('awaitingNotice')]));
      }
    } finally {
      await resetClock();
    }
    expect(new Set(published.map((n) => n.endsOn)).size).toBe(3);
    type Summary = { id: string; endsOn: string; publishedAt: string };
    const all = (await t.api.get<{ items: Summary[] }>('/public/notices?limit=100')).body.items;
    const ours = all.filter((n) => published.some((p) => p.id === n.id));
    expect(ours.map((n) => [n.id, n.endsOn])).toEqual([...published].reverse().map((n) => [n.id, n.endsOn]));
    const times = all.map((n) => Date.parse(n.publishedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const n of published) expect((await t.api.get<{ endsOn: string }>(`/public/notices/${n.id}`)).body.endsOn).toBe(n.endsOn);

    const walked: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const res: { body: { items: Summary[]; nextCursor: string | null } } = await t.api.get(`/public/notices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...res.body.items.map((n) => n.id));
      cursor = res.body.nextCursor;
      if (cursor === null) break;
    }
    expect(walked).toEqual(all.map((n) => n.id));
  });
});

describe('the public notice pages', () => {
  it('show the firm, material, catalogue entry, subsidy and period, and no personal data', async () => {
    const id = await w.caseIn('awaitingNotice');
    const notice = await publish([id]);
    await t.api.post(`/public/notices/${notice.id}/objections`, { caseId: id, name: '张三异议人', contact: 'objector-personal@example.test', reason: '该产品并非首批次应用，已有同类销售记录' });

    const list = await t.api.get<{ items: { id: string; caseCount: number; state: string }[] }>('/public/notices?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items.find((n) => n.id === notice.id)).toMatchObject({ state: 'open', caseCount: 1 });
    const page = await t.api.get<Record<string, unknown>>(`/public/notices/${notice.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      id: notice.id,
      number: notice.number,
      state: 'open',
      startsOn: notice.startsOn,
      endsOn: notice.endsOn,
      cases: [{ caseId: id, firmName: w.firm.name, materialName: expect.any(String), catalogueEntry: { seq: w.entry.seq, name: w.entry.name }, proposedSubsidy: '1000000.00', underObjection: true }],
    });
    for (const text of [JSON.stringify(list.body), JSON.stringify(page.body)]) {
      expect(text).not.toMatch(/@/);
      for (const secret of [w.firm.contactPhone, w.firm.contactName, w.firm.contactEmail, w.firm.bankAccount, w.firm.address, '张三异议人']) expect(text).not.toContain(secret);
    }
  });

  it("proposes, while the notice runs, the subsidy the round's own rule gives the case's figures", async () => {
    // SPEC §6 worked example 2: C 300,000.00, L 1,000,000.00, P 45,000.00 → S 24,000.00 (rate above the cap)
    const body = w.caseBody();
    const id = await w.caseIn('awaitingNotice', { contract: { ...body.contract, amount: '300000.00' }, policy: { ...body.policy, liabilityLimit: '1000000.00', premium: '45000.00' } });
    const notice = await publish([id]);
    const page = await t.api.get<{ cases: { caseId: string; proposedSubsidy: string | null }[] }>(`/public/notices/${notice.id}`);
    expect(page.body.cases).toEqual([expect.objectContaining({ caseId: id, proposedSubsidy: '24000.00' })]);
  });

  it('answers 404 for a notice that does not exist, and 400 for a malformed id or cursor', async () => {
    expect((await t.api.get(`/public/notices/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await t.api.get('/public/notices/nope')).status).toBe(400);
    expect((await t.api.get('/public/notices?cursor=nope')).status).toBe(400);
    // dates no calendar has, and dates in words, are no cursor this server gave out
    for (const at of ['2026-02-30T00:00:00.000Z', '2026-01-01', 'March 7, 2026', '0000-01-01T00:00:00.000Z']) {
      const cursor = Buffer.from(JSON.stringify({ at, id: crypto.randomUUID() })).toString('base64url');
      const res = await t.api.get<{ detail: string }>(`/public/notices?cursor=${cursor}`);
      expect(res.status, at).toBe(400);
      expect(res.body.detail, at).toBe('the cursor is not one this server gave out');
    }
  });

  it('pages through the notices newest first', async () => {
    await publish([await w.caseIn('awaitingNotice')]);
    const first = await t.api.get<{ items: { id: string }[]; nextCursor: string | null }>('/public/notices?limit=1');
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await t.api.get<{ items: { id: string }[] }>(`/public/notices?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]?.id).not.toBe(first.body.items[0]?.id);
  });
});

describe('the notice period', () => {
  it('runs over the National Day holiday as SPEC §4 counts it: published Wed 2026-09-30, it ends Tue 2026-10-13', async () => {
    const id = await w.caseIn('awaitingNotice');
    if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
    // SPEC's example may lie behind the machine's date: moved directly, as the route only goes forward
    await t.app.clock.set(new Date('2026-09-30T10:00:00+08:00'));
    try {
      const notice = await publish([id]);
      expect([notice.startsOn, notice.endsOn]).toEqual(['2026-10-08', '2026-10-13']);
      const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, notice.id));
      expect(clock).toMatchObject({ dueOn: '2026-10-13', dueAt: new Date('2026-10-13T23:59:59+08:00'), provisional: false });
    } finally {
      await resetClock();
    }
  });

  it('closes through its expiry timer and tells each member case exactly once: approved, or held by its objection', async () => {
    const plain = await w.caseIn('awaitingNotice');
    const held = await w.caseIn('awaitingNotice');
    const notice = await publish([plain, held]);
    const filed = await t.api.post<{ id: string }>(`/public/notices/${notice.id}/objections`, { caseId: held, name: '李四', reason: '检测报告与实物不符，请核查' });
    expect(filed.status).toBe(201);

    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, notice.id), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry timer armed');
    await t.api.post('/admin/clock', { set: new Date(expiry.fireAt.getTime() + 60_000).toISOString() }, w.tokens.admin);
    try {
      expect(await fireTimer(t.app, expiry.id)).toBe(true);
      const h = await t.api.get<{ items: { eventType: string; actorRole: string; stateAfter: string }[] }>(`/notices/${notice.id}/history`, w.tokens.provincial);
      expect(h.body.items.at(-1)).toMatchObject({ eventType: 'DEADLINE_EXPIRED', actorRole: 'system', stateAfter: 'closed' });
      expect((await t.api.get<{ state: string }>(`/public/notices/${notice.id}`)).body.state).toBe('closed');
      const closedMail = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, notice.id), eq(emailDeliveries.template, 'notice.closed')));
      expect(closedMail.map((m) => m.toAddress)).toContain(w.people.provincial.email);
      expect(closedMail.map((m) => m.toAddress)).not.toContain(w.people.firm.email);

      const emitted = (await t.app.db.select().from(outbox).where(and(eq(outbox.topic, 'event'), sql`${outbox.payload}->'from'->>'id' = ${notice.id}`))).map((r) => deliveryPayload.parse(r.payload));
      expect(emitted).toHaveLength(1);
      const message = emitted[0];
      if (!message) throw new Error('nothing emitted');
      expect(message).toMatchObject({ to: { kind: 'case', ids: [plain, held].sort() }, event: { type: 'NOTICE_CLOSED', noticeId: notice.id } });
      expect(await deliverEvent(t.app, message)).toEqual({ applied: 2, refused: 0 });
      expect(await deliverEvent(t.app, message)).toEqual({ applied: 0, refused: 0 });
      for (const id of [plain, held]) {
        const closings = await t.app.db.select().from(history).where(and(eq(history.ownerId, id), eq(history.eventType, 'NOTICE_CLOSED')));
        expect(closings, id).toHaveLength(1);
      }
      // reviewApproved with the policy verified: the parallel state is done, and the case approved
      expect(await stateOf(plain)).toBe('calculated');
      expect(await stateOf(held)).toBe('objection');
      const shown = (await t.api.get<{ cases: { caseId: string; underObjection: boolean }[] }>(`/public/notices/${notice.id}`)).body.cases;
      expect(Object.fromEntries(shown.map((c) => [c.caseId, c.underObjection]))).toEqual({ [plain]: false, [held]: true });
      // the policy was verified: the approval is the firm's one email of the notice's end
      const firmMail = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, plain), inArray(emailDeliveries.template, ['case.noticePassed', 'case.approved'])));
      expect(firmMail.filter((m) => m.toAddress === w.people.firm.email).map((m) => m.template)).toEqual(['case.approved']);

      // objections are no longer taken once the period has ended
      const late = await t.api.post<{ errors: { code: string }[] }>(`/public/notices/${notice.id}/objections`, { caseId: plain, name: '王五', reason: '公示期满后提出的异议内容' });
      expect(late.status).toBe(422);
      expect(late.body.errors[0]?.code).toBe('objection.noticeClosed');

      // the period ended while the objection was open: dismissing it approves the case
      const resolved = await t.api.post<{ state: string }>(`/cases/${held}/events`, { type: 'RESOLVE_OBJECTION', objectionId: filed.body.id, outcome: 'dismissed', reason: '经核实，检测报告真实有效' }, w.tokens.provincial);
      expect(resolved.status).toBe(200);
      expect(resolved.body.state).toBe('calculated');

      const verify = await t.api.get<{ noticeId: string; valid: boolean; entries: number }>(`/audit/verify?noticeId=${notice.id}`, w.tokens.provincial);
      expect(verify.body).toMatchObject({ noticeId: notice.id, valid: true, entries: 2 });
    } finally {
      await resetClock();
    }
  });
});

describe('the history of a notice', () => {
  it('is verified for provincial reviewers only; others get 404, and a query must name one chain', async () => {
    const notice = await publish([await w.caseIn('awaitingNotice')]);
    expect((await t.api.get<{ valid: boolean; entries: number }>(`/audit/verify?noticeId=${notice.id}`, w.tokens.provincial)).body).toMatchObject({ valid: true, entries: 1 });
    for (const role of ['firm', 'municipal', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/audit/verify?noticeId=${notice.id}`, w.tokens[role])).status, role).toBe(404);
      expect((await t.api.get(`/notices/${notice.id}/history`, w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.get(`/audit/verify?noticeId=${notice.id}`)).status).toBe(401);
    expect((await t.api.get(`/audit/verify?noticeId=${crypto.randomUUID()}`, w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get(`/notices/${crypto.randomUUID()}/history`, w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get('/audit/verify', w.tokens.provincial)).status).toBe(400);
    expect((await t.api.get(`/audit/verify?noticeId=${notice.id}&caseId=${notice.caseIds[0]}`, w.tokens.provincial)).status).toBe(400);
  });
});
