import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { claims as claimRows, emailDeliveries, notifications } from '../../db/schema';
import { addCalendarDays, shanghaiDate } from '../../server/calendar/workdays';
import { render, type TemplateName } from '../../server/mail/templates';
import { PASSING_SCORES } from '../support/world';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// Claims (理赔, SPEC §4, §7): the firm reports a loss under the policy of its approved case; the
// policy's insurer pays or denies it. A workflow of its own, run by the engine.
const { t, w } = useTestApp();

interface ClaimBody {
  id: string;
  number: string;
  caseId: string;
  caseNumber: string;
  state: string;
  version: number;
  kind: string;
  occurredOn: string;
  amount: string;
  description: string;
  decision: { decidedBy: string | null; paidAmount: string | null; reference: string | null; reason: string | null } | null;
  allowedEvents: string[];
}
interface Problem {
  errors?: { path: string; code?: string; message: string; messageZh?: string }[];
  detail: string;
}
interface HistoryBody {
  items: { seq: number; eventType: string; actorRole: string; stateBefore: string | null; stateAfter: string; payload: Record<string, unknown> }[];
}

let today: string;
beforeAll(() => {
  today = shanghaiDate(t.app.clock.now());
});

/** An approved case whose policy runs from 200 days ago to 100 days ahead, unless told otherwise. */
async function approvedCase(startsOn = addCalendarDays(today, -200), endsOn = addCalendarDays(today, 100)): Promise<string> {
  return w.caseIn('approved', { policy: { ...w.caseBody().policy, startsOn, endsOn, paidOn: startsOn } });
}

const report = (caseId: string, over: Record<string, unknown> = {}, token = w.tokens.firm) =>
  t.api.post<ClaimBody & Problem>(
    `/cases/${caseId}/claims`,
    { occurredOn: addCalendarDays(today, -30), kind: 'quality', amount: '120000.50', description: '交付的硅晶圆批次表面缺陷，用户单位要求退换', ...over },
    token,
  );

async function reported(caseId: string, over: Record<string, unknown> = {}): Promise<ClaimBody> {
  const res = await report(caseId, over);
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const decide = (claimId: string, body: Record<string, unknown>, token = w.tokens.insurer) =>
  t.api.post<{ state: string; version: number; allowedEvents: string[] } & Problem>(`/claims/${claimId}/events`, body, token);
const PAY = { type: 'PAY', amount: '100000.00', reference: 'PICC-LP-2026-0001' };
const DENY = { type: 'DENY', reason: '损失系用户单位操作不当所致，不属于保险责任' };

const mailsOf = (claimId: string) => t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerKind, 'claim'), eq(emailDeliveries.ownerId, claimId)));
const historyOf = async (claimId: string) => (await t.api.get<HistoryBody>(`/claims/${claimId}/history`, w.tokens.provincial)).body.items;

describe('POST /cases/:id/claims', () => {
  it('reports a claim on an approved case: history, and an email and a notification to the insurer’s staff only', async () => {
    const caseId = await approvedCase();
    const occurredOn = addCalendarDays(today, -30);
    const res = await report(caseId, { occurredOn, description: '  交付的硅晶圆批次表面缺陷，用户单位要求退换  ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId,
      state: 'reported',
      version: 2,
      kind: 'quality',
      occurredOn,
      amount: '120000.50',
      description: '交付的硅晶圆批次表面缺陷，用户单位要求退换',
      decision: null,
      allowedEvents: [],
    });
    expect(res.body.number).toBe(`${res.body.caseNumber}-LP1`);
    expect(res.headers.get('location')).toBe(`/api/v1/claims/${res.body.id}`);

    const entries = await historyOf(res.body.id);
    expect(entries).toEqual([
      expect.objectContaining({ seq: 1, eventType: 'REPORT', actorRole: 'firm', stateBefore: 'new', stateAfter: 'reported', payload: { occurredOn, kind: 'quality', amount: '120000.50', description: res.body.description } }),
    ]);
    const mails = await mailsOf(res.body.id);
    expect(mails.map((m) => [m.template, m.toAddress])).toEqual([['claim.reported', w.people.insurer.email]]);
    expect(mails[0]?.data).toMatchObject({ claimNumber: res.body.number, caseNumber: res.body.caseNumber, amount: '120,000.50', occurredOn, kindZh: '质量风险' });
    const notes = await t.app.db.select().from(notifications).where(eq(notifications.ownerId, res.body.id));
    expect(notes.map((n) => n.userId)).toEqual([w.people.insurer.id]);
    // the claim is for the insurer's staff to decide, and the firm sees it without buttons
    expect((await t.api.get<ClaimBody>(`/claims/${res.body.id}`, w.tokens.insurer)).body.allowedEvents.sort()).toEqual(['DENY', 'PAY']);
  });

  it('numbers the claims of a case in order and lists them newest first, a page at a time', async () => {
    const caseId = await approvedCase();
    const first = await reported(caseId);
    const second = await reported(caseId, { kind: 'liability', amount: '5000000.00' });
    expect([first.number, second.number]).toEqual([`${first.caseNumber}-LP1`, `${first.caseNumber}-LP2`]);
    const all = await t.api.get<{ items: ClaimBody[]; nextCursor: string | null }>(`/cases/${caseId}/claims`, w.tokens.insurer);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c) => c.id)).toEqual([second.id, first.id]);
    expect(all.body.items[0]?.allowedEvents.sort()).toEqual(['DENY', 'PAY']);
    const page = await t.api.get<{ items: ClaimBody[]; nextCursor: string | null }>(`/cases/${caseId}/claims?limit=1`, w.tokens.firm);
    expect(page.body.items.map((c) => c.id)).toEqual([second.id]);
    const next = await t.api.get<{ items: ClaimBody[]; nextCursor: string | null }>(`/cases/${caseId}/claims?limit=1&cursor=${page.body.nextCursor}`, w.tokens.firm);
    expect(next.body).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
  });

  it('accepts a loss on the first day of the policy and one today', async () => {
    const startsOn = addCalendarDays(today, -200);
    const caseId = await approvedCase(startsOn);
    expect((await report(caseId, { occurredOn: startsOn })).status).toBe(201);
    expect((await report(caseId, { occurredOn: today })).status).toBe(201);
  });

  it('refuses a case that is not approved (409), and creates nothing', async () => {
    for (const step of ['draft', 'awaitingNotice'] as const) {
      const caseId = await w.caseIn(step);
      const res = await report(caseId);
      expect(res.status, step).toBe(409);
      expect(res.body.detail).toMatch(/approved/);
      expect((await t.api.get<{ items: unknown[] }>(`/cases/${caseId}/claims`, w.tokens.firm)).body.items).toEqual([]);
    }
  });

  it('refuses a loss before the policy, after it, or in the future, naming occurredOn (422)', async () => {
    const startsOn = addCalendarDays(today, -200);
    const running = await approvedCase(startsOn);
    const ended = await approvedCase(addCalendarDays(today, -300), addCalendarDays(today, -10));
    const cases: [string, string, string][] = [
      [running, addCalendarDays(startsOn, -1), 'claim.beforePolicy'],
      [running, addCalendarDays(today, 1), 'claim.future'],
      [ended, addCalendarDays(today, -5), 'claim.afterPolicy'],
    ];
    for (const [caseId, occurredOn, code] of cases) {
      const res = await report(caseId, { occurredOn });
      expect(res.status, occurredOn).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'occurredOn', code, messageZh: expect.any(String) })]);
    }
    for (const caseId of [running, ended]) expect((await t.api.get<{ items: unknown[] }>(`/cases/${caseId}/claims`, w.tokens.firm)).body.items).toEqual([]);
  });

  it('names a loss before the policy with the other fields\' problems, in one 400, and creates nothing', async () => {
    const startsOn = addCalendarDays(today, -200);
    const caseId = await approvedCase(startsOn);
    const res = await report(caseId, { occurredOn: addCalendarDays(startsOn, -1), amount: '0.00', description: '坏' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(['amount', 'description', 'occurredOn']);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'occurredOn', code: 'claim.beforePolicy', messageZh: expect.stringContaining('出险日期早于保险期间') }));
    // a day the schema refuses is said once, by the schema
    const malformed = await report(caseId, { occurredOn: '2026-02-30', amount: '0.00' });
    expect(malformed.body.errors?.filter((e) => e.path === 'occurredOn')).toHaveLength(1);
    expect((await t.api.get<{ items: unknown[] }>(`/cases/${caseId}/claims`, w.tokens.firm)).body.items).toEqual([]);
  });

  it('judges the day of loss against no policy period while the application is not approved', async () => {
    const caseId = await w.submittedCase();
    const res = await report(caseId, { occurredOn: '2000-01-01', amount: '0.00' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['amount']);
  });

  it('refuses malformed bodies with reasons: money as a JSON number, nothing claimed, a short description', async () => {
    const caseId = await approvedCase();
    const bad: [Record<string, unknown>, string][] = [
      [{ amount: 120000.5 }, 'amount'],
      [{ amount: '0.00' }, 'amount'],
      [{ amount: '-5.00' }, 'amount'],
      [{ amount: '1.005' }, 'amount'],
      [{ kind: 'fire' }, 'kind'],
      [{ occurredOn: '2026-02-30' }, 'occurredOn'],
      [{ description: '  坏了  ' }, 'description'],
      [{ description: 'x'.repeat(4001) }, 'description'],
      // zero-width spaces and joiners put nothing on the page: no description at all
      [{ description: '\u200b\u200b\u200b\u200d\u200b\u200b' }, 'description'],
      [{ description: '坏\u200b\u200b\u200b\u200b' }, 'description'],
      [{ extra: true }, ''],
    ];
    for (const [over, path] of bad) {
      const res = await report(caseId, over);
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.errors?.map((e) => e.path), JSON.stringify(over)).toContain(path);
    }
    const missing = await t.api.post<Problem>(`/cases/${caseId}/claims`, {}, w.tokens.firm);
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.map((e) => e.path).sort()).toEqual(['amount', 'description', 'kind', 'occurredOn']);
    expect((await t.api.get<{ items: unknown[] }>(`/cases/${caseId}/claims`, w.tokens.firm)).body.items).toEqual([]);
  });

  it('is for the case’s firm only: 403 to every other role, 404 to another firm and for no case, 401 without a session', async () => {
    const caseId = await approvedCase();
    for (const role of ['municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await report(caseId, {}, w.tokens[role])).status, role).toBe(403);
    }
    expect((await report(caseId, {}, w.tokens.otherFirm)).status).toBe(404);
    // who is asking is settled before what is asked
    expect((await report(caseId, { amount: 1 }, w.tokens.otherFirm)).status).toBe(404);
    expect((await report(caseId, { amount: 1 }, w.tokens.municipal)).status).toBe(403);
    expect((await report(crypto.randomUUID())).status).toBe(404);
    expect((await report('nope')).status).toBe(400);
    expect((await t.api.post(`/cases/${caseId}/claims`, { occurredOn: today, kind: 'quality', amount: '1.00', description: '匿名报案测试' })).status).toBe(401);
    expect((await t.api.get<{ items: unknown[] }>(`/cases/${caseId}/claims`, w.tokens.firm)).body.items).toEqual([]);
  });
});

describe('POST /claims/:id/events', () => {
  it('pays a claim: another amount than claimed, a reference, history, and the firm told', async () => {
    const claim = await reported(await approvedCase());
    const res = await decide(claim.id, PAY);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: claim.id, state: 'paid', version: 3, allowedEvents: [] });
    const seen = await t.api.get<ClaimBody>(`/claims/${claim.id}`, w.tokens.firm);
    expect(seen.body).toMatchObject({ state: 'paid', amount: '120000.50', decision: { decidedBy: w.people.insurer.id, paidAmount: '100000.00', reference: PAY.reference, reason: null } });

    const entries = await historyOf(claim.id);
    expect(entries.map((e) => [e.eventType, e.actorRole, e.stateAfter])).toEqual([
      ['REPORT', 'firm', 'reported'],
      ['PAY', 'insurer', 'paid'],
    ]);
    expect(entries[1]?.payload).toEqual({ amount: '100000.00', reference: PAY.reference });
    const mails = (await mailsOf(claim.id)).filter((m) => m.template !== 'claim.reported');
    expect(mails.map((m) => [m.template, m.toAddress])).toEqual([['claim.paid', w.people.firm.email]]);
    expect(mails[0]?.data).toMatchObject({ paidAmount: '100,000.00', reference: PAY.reference, amount: '120,000.50' });
    // what the mail worker sends from the row: every word filled in, Chinese first
    const text = render(mails[0]?.template as TemplateName, mails[0]?.data ?? {}).text;
    expect(text).toMatch(new RegExp(`赔付金额 100,000\\.00 元[\\s\\S]*${PAY.reference}[\\s\\S]*100,000\\.00 yuan paid`));
    expect(text).not.toMatch(/\{\{|undefined/);
    const verified = await t.api.get(`/audit/verify?claimId=${claim.id}`, w.tokens.firm);
    expect(verified.body).toEqual({ claimId: claim.id, valid: true, entries: 2, firstBrokenSeq: null, problem: null });
  });

  it('pays more than was claimed, as an insurer may', async () => {
    const claim = await reported(await approvedCase(), { amount: '100.00' });
    expect((await decide(claim.id, { ...PAY, amount: '150.25' })).status).toBe(200);
    expect((await t.api.get<ClaimBody>(`/claims/${claim.id}`, w.tokens.insurer)).body.decision?.paidAmount).toBe('150.25');
  });

  it("keeps what is paid on all the claims of a policy within its liability limit, to the fen", async () => {
    const caseId = await approvedCase();
    const limit = (await t.api.get<{ policy: { liabilityLimit: string } }>(`/cases/${caseId}`, w.tokens.insurer)).body.policy.liabilityLimit;
    const limitFen = BigInt(limit.replace('.', ''));
    const yuan = (fen: bigint) => `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
    const first = await reported(caseId);
    const second = await reported(caseId);
    expect((await decide(first.id, { ...PAY, amount: yuan(limitFen - 1n) })).status).toBe(200);
    const over = await decide(second.id, { ...PAY, amount: '0.02' });
    expect(over.status).toBe(422);
    expect(over.body.errors?.map((e) => [e.path, e.code])).toEqual([['amount', 'claim.overLimit']]);
    expect(JSON.stringify(over.body.errors)).toContain('剩余 0.01 元');
    // refused whole: the claim is still to decide, with nothing in its history or the firm's mail
    expect((await t.api.get<ClaimBody>(`/claims/${second.id}`, w.tokens.insurer)).body).toMatchObject({ state: 'reported', decision: null });
    expect((await historyOf(second.id)).map((e) => e.eventType)).toEqual(['REPORT']);
    expect((await mailsOf(second.id)).map((m) => m.template)).toEqual(['claim.reported']);
    expect((await decide(second.id, { ...PAY, amount: '0.01' })).status).toBe(200);
  });

  it('says nothing is left, never a negative sum, when claims paid before the limit was checked already pass it', async () => {
    const caseId = await approvedCase();
    const limit = (await t.api.get<{ policy: { liabilityLimit: string } }>(`/cases/${caseId}`, w.tokens.insurer)).body.policy.liabilityLimit;
    const first = await reported(caseId);
    const second = await reported(caseId);
    expect((await decide(first.id, { ...PAY, amount: '100.00' })).status).toBe(200);
    // a payment recorded before the limit was enforced, 100 yuan over it
    await t.app.db.update(claimRows).set({ paidFen: BigInt(limit.replace('.', '')) + 10000n }).where(eq(claimRows.id, first.id));
    const over = await decide(second.id, { ...PAY, amount: '0.01' });
    expect(over.status).toBe(422);
    expect(JSON.stringify(over.body.errors)).toContain('剩余 0.00 元');
    expect(JSON.stringify(over.body.errors)).toContain('0.00 yuan of');
  });

  it('lets only one of two payments through when together they would pass the limit', async () => {
    const caseId = await approvedCase();
    const limit = (await t.api.get<{ policy: { liabilityLimit: string } }>(`/cases/${caseId}`, w.tokens.insurer)).body.policy.liabilityLimit;
    const half = BigInt(limit.replace('.', '')) / 2n + 1n;
    const amount = `${half / 100n}.${(half % 100n).toString().padStart(2, '0')}`;
    const claims = await Promise.all(Array.from({ length: 6 }, () => reported(caseId)));
    const answers = await Promise.all(claims.map((c) => decide(c.id, { ...PAY, amount })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422, 422, 422, 422, 422]);
  });

  it('denies a claim with a reason the firm is told', async () => {
    const claim = await reported(await approvedCase());
    const res = await decide(claim.id, DENY);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('denied');
    expect((await t.api.get<ClaimBody>(`/claims/${claim.id}`, w.tokens.provincial)).body.decision).toMatchObject({ paidAmount: null, reference: null, reason: DENY.reason });
    const mails = (await mailsOf(claim.id)).filter((m) => m.template !== 'claim.reported');
    expect(mails.map((m) => [m.template, m.toAddress, m.data.reason])).toEqual([['claim.denied', w.people.firm.email, DENY.reason]]);
    const notes = await t.app.db.select().from(notifications).where(and(eq(notifications.ownerId, claim.id), eq(notifications.template, 'claim.denied')));
    expect(notes.map((n) => n.userId)).toEqual([w.people.firm.id]);
  });

  it('refuses a second decision (409), and keeps the first', async () => {
    const pairs: [typeof PAY | typeof DENY, typeof PAY | typeof DENY][] = [
      [PAY, DENY],
      [DENY, PAY],
      [PAY, PAY],
    ];
    for (const [first, second] of pairs) {
      const claim = await reported(await approvedCase());
      expect((await decide(claim.id, first)).status).toBe(200);
      const again = await decide(claim.id, second);
      expect(again.status).toBe(409);
      expect((await historyOf(claim.id)).map((e) => e.eventType)).toEqual(['REPORT', first.type]);
    }
  });

  it('takes one of two decisions sent at once', async () => {
    const claim = await reported(await approvedCase());
    const answers = await Promise.all([decide(claim.id, PAY), decide(claim.id, DENY)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await historyOf(claim.id)).toHaveLength(2);
  });

  it('refuses malformed decisions with reasons', async () => {
    const claim = await reported(await approvedCase());
    const bad: Record<string, unknown>[] = [
      { ...PAY, amount: 100000 },
      { ...PAY, amount: '0.00' },
      { ...PAY, reference: '   ' },
      { ...PAY, reference: '\u200b\u200d' },
      { type: 'PAY', amount: '1.00' },
      { type: 'DENY', reason: '' },
      { type: 'DENY', reason: '\u200b\ufeff' },
      { type: 'DENY' },
      { type: 'REPORT', occurredOn: today, kind: 'quality', amount: '1.00', description: '自己报给自己' },
      { type: 'APPROVE' },
      {},
    ];
    for (const body of bad) expect((await decide(claim.id, body)).status, JSON.stringify(body)).toBe(400);
    expect((await t.api.get<ClaimBody>(`/claims/${claim.id}`, w.tokens.insurer)).body.state).toBe('reported');
  });

  it('is for the staff of the policy’s insurer only: 403 to other roles, 404 to another insurer, 401 without a session', async () => {
    const claim = await reported(await approvedCase());
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'finance', 'admin'] as const) {
      expect((await decide(claim.id, PAY, w.tokens[role])).status, role).toBe(403);
    }
    expect((await decide(claim.id, PAY, w.tokens.otherInsurer)).status).toBe(404);
    // who is asking is settled before what is asked
    expect((await decide(claim.id, { type: 'nope' }, w.tokens.otherInsurer)).status).toBe(404);
    expect((await decide(claim.id, { type: 'nope' }, w.tokens.firm)).status).toBe(403);
    expect((await decide(crypto.randomUUID(), PAY)).status).toBe(404);
    expect((await t.api.post(`/claims/${claim.id}/events`, PAY)).status).toBe(401);
    expect(await historyOf(claim.id)).toHaveLength(1);
    expect((await mailsOf(claim.id)).map((m) => m.template)).toEqual(['claim.reported']);
  });
});

describe('reading claims', () => {
  it("gives the person behind each entry of a claim's history as a case's: staff everyone, the firm its own people, the insurer its own", async () => {
    const claim = await reported(await approvedCase());
    expect((await decide(claim.id, PAY)).status).toBe(200);
    const actors = async (token: string) =>
      (await t.api.get<{ items: { actorRole: string; actorId: string | null }[] }>(`/claims/${claim.id}/history`, token)).body.items
        .filter((e) => e.actorRole === 'firm' || e.actorRole === 'insurer')
        .map((e) => [e.actorRole, e.actorId]);
    const all = await actors(w.tokens.provincial);
    expect(all).toContainEqual(['firm', w.people.firm.id]);
    expect(all).toContainEqual(['insurer', w.people.insurer.id]);
    expect(await actors(w.tokens.firm)).toEqual(all.map(([role, id]) => [role, role === 'firm' ? id : null]));
    expect(await actors(w.tokens.insurer)).toEqual(all.map(([role, id]) => [role, role === 'insurer' ? id : null]));
  });

  it('shows a claim, its history and its chain to its firm, its insurer and the reviewers, and 404 to the others', async () => {
    const caseId = await approvedCase();
    const claim = await reported(caseId);
    for (const role of ['firm', 'insurer', 'provincial', 'municipal'] as const) {
      expect((await t.api.get(`/claims/${claim.id}`, w.tokens[role])).status, role).toBe(200);
      expect((await t.api.get(`/claims/${claim.id}/history`, w.tokens[role])).status, role).toBe(200);
      expect((await t.api.get(`/audit/verify?claimId=${claim.id}`, w.tokens[role])).status, role).toBe(200);
      expect((await t.api.get(`/cases/${caseId}/claims`, w.tokens[role])).status, role).toBe(200);
    }
    for (const role of ['otherFirm', 'otherInsurer', 'otherMunicipal', 'expert', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/claims/${claim.id}`, w.tokens[role])).status, role).toBe(404);
      expect((await t.api.get(`/claims/${claim.id}/history`, w.tokens[role])).status, role).toBe(404);
      expect((await t.api.get(`/audit/verify?claimId=${claim.id}`, w.tokens[role])).status, role).toBe(404);
      // finance sees the approved case itself, not its claims: refused rather than hidden
      expect((await t.api.get(`/cases/${caseId}/claims`, w.tokens[role])).status, role).toBe(role === 'finance' ? 403 : 404);
    }
    expect((await t.api.get(`/claims/${claim.id}`)).status).toBe(401);
    expect((await t.api.get(`/audit/verify?claimId=${claim.id}&caseId=${caseId}`, w.tokens.firm)).status).toBe(400);
  });

  it('keeps the claims of a case from the experts who reviewed it (403)', async () => {
    const caseId = await w.caseIn('expert');
    const panel = await w.makeExperts();
    await w.expertsScore(caseId, PASSING_SCORES, panel);
    const expert = panel[0];
    if (!expert) throw new Error('no expert');
    expect((await t.api.get(`/cases/${caseId}`, expert.token)).status).toBe(200);
    expect((await t.api.get(`/cases/${caseId}/claims`, expert.token)).status).toBe(403);
  });
});

/** A multipart upload of one file to a claim, as a browser's FormData sends it. */
async function uploadTo(claimId: string, token: string | undefined, bytes: Buffer, fileName = '损失清单.pdf') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), fileName);
  const res = await fetch(`${t.url}/api/v1/claims/${claimId}/documents`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as { id: string; version: number; href: string; sha256: string } };
}
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`, 'latin1');

describe('claim documents', () => {
  it('keeps the history chain whole when the claim id is typed in capitals', async () => {
    const claim = await reported(await approvedCase());
    expect((await uploadTo(claim.id.toUpperCase(), w.tokens.firm, pdf('loss list'))).status).toBe(201);
    expect((await t.api.get(`/audit/verify?claimId=${claim.id}`, w.tokens.insurer)).body).toMatchObject({ valid: true, entries: 2 });
  });

  it('stores the firm’s files in upload order, in the history, for those who see the claim', async () => {
    const claim = await reported(await approvedCase());
    const first = await uploadTo(claim.id, w.tokens.firm, pdf('loss list'));
    const second = await uploadTo(claim.id, w.tokens.firm, pdf('photos'), '现场照片.pdf');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect([first.body.version, second.body.version]).toEqual([1, 2]);
    const list = await t.api.get<{ items: { id: string; fileName: string }[] }>(`/claims/${claim.id}/documents`, w.tokens.insurer);
    expect(list.body.items.map((d) => d.fileName)).toEqual(['损失清单.pdf', '现场照片.pdf']);

    const file = await fetch(`${t.url}${second.body.href}`, { headers: { authorization: `Bearer ${w.tokens.insurer}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString('latin1')).toContain('photos');
    expect((await fetch(`${t.url}${second.body.href}`, { headers: { authorization: `Bearer ${w.tokens.otherInsurer}` } })).status).toBe(404);
    // a document named under another claim is no document of this one
    const other = await reported(await approvedCase());
    expect((await t.api.get(`/claims/${other.id}/documents/${second.body.id}`, w.tokens.insurer)).status).toBe(404);

    expect((await historyOf(claim.id)).map((e) => [e.eventType, e.payload.version ?? null])).toEqual([
      ['REPORT', null],
      ['DOCUMENT_UPLOADED', 1],
      ['DOCUMENT_UPLOADED', 2],
    ]);
    expect((await t.api.get(`/audit/verify?claimId=${claim.id}`, w.tokens.insurer)).body).toMatchObject({ valid: true, entries: 3 });
    expect((await t.api.get<ClaimBody>(`/claims/${claim.id}`, w.tokens.firm)).body.version).toBe(4);
  });

  it('refuses a file that is none of the accepted kinds (415), another uploader (403 or 404), and a decided claim (409)', async () => {
    const claim = await reported(await approvedCase());
    expect((await uploadTo(claim.id, w.tokens.firm, Buffer.from('just text, not a PDF'), 'note.pdf')).status).toBe(415);
    expect((await uploadTo(claim.id, w.tokens.insurer, pdf('x'))).status).toBe(403);
    expect((await uploadTo(claim.id, w.tokens.provincial, pdf('x'))).status).toBe(403);
    expect((await uploadTo(claim.id, w.tokens.otherFirm, pdf('x'))).status).toBe(404);
    expect((await uploadTo(claim.id, undefined, pdf('x'))).status).toBe(401);
    expect((await decide(claim.id, DENY)).status).toBe(200);
    expect((await uploadTo(claim.id, w.tokens.firm, pdf('late'))).status).toBe(409);
    expect((await t.api.get<{ items: unknown[] }>(`/claims/${claim.id}/documents`, w.tokens.firm)).body.items).toEqual([]);
  });
});

describe('the insurer’s inbox', () => {
  interface Task {
    caseId: string;
    claimId: string | null;
    number: string;
    task: string;
    taskZh: string;
  }
  async function inbox(token: string): Promise<Task[]> {
    const out: Task[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res: { body: { items: Task[]; nextCursor: string | null } } = await t.api.get(`/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('the inbox did not end');
  }

  it('lists the claims to decide beside the policies to verify, until they are decided', async () => {
    const caseId = await approvedCase();
    const claim = await reported(caseId);
    const toVerify = await w.caseIn('municipal');
    const mine = await inbox(w.tokens.insurer);
    expect(mine.filter((i) => i.claimId === claim.id)).toEqual([
      expect.objectContaining({ caseId, claimId: claim.id, number: claim.number, task: 'decide the claim', taskZh: '理赔决定' }),
    ]);
    expect(mine.find((i) => i.caseId === toVerify)).toMatchObject({ claimId: null });
    expect((await inbox(w.tokens.otherInsurer)).some((i) => i.claimId === claim.id)).toBe(false);
    expect((await inbox(w.tokens.firm)).some((i) => i.claimId !== null)).toBe(false);
    expect((await inbox(w.tokens.provincial)).some((i) => i.claimId !== null)).toBe(false);

    await decide(claim.id, PAY);
    expect((await inbox(w.tokens.insurer)).some((i) => i.claimId === claim.id)).toBe(false);
  });

  it('shows the claim on the insurer’s inbox page, in Chinese, with the way to its case', async () => {
    const caseId = await approvedCase();
    const claim = await reported(caseId);
    const browser = new PageClient(t.url);
    await browser.signIn(w.people.insurer.email);
    const page = await browser.get('/inbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<a href="/cases/${caseId}#claim-${claim.id}">${claim.number}</a>`);
    expect(page.text).toContain('理赔决定');
    expect(page.text).toContain('<span class="badge state-reported">待理赔决定</span>');
    // SPEC §4 gives a claim no programme deadline: the policy's terms set it, and the row says so
    const at = page.text.indexOf(`>${claim.number}</a>`);
    const row = page.text.slice(at, page.text.indexOf('</tr>', at));
    expect(row).toContain('<span class="muted">按保险合同约定时限</span>');
    expect(row).not.toContain('无时限');
    expect(row).not.toContain('未领取');
    browser.cookies.set('fb_lang', 'en');
    const en = (await browser.get('/inbox')).text;
    const enRow = en.slice(en.indexOf(`>${claim.number}</a>`), en.indexOf('</tr>', en.indexOf(`>${claim.number}</a>`)));
    expect(enRow).toContain("per the policy&#39;s terms");
  });

  it('pages through claims and cases together, each once', async () => {
    const claims = [await reported(await approvedCase()), await reported(await approvedCase())];
    const all = await inbox(w.tokens.insurer);
    const ids = all.map((i) => i.claimId ?? i.caseId);
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const res: { body: { items: Task[]; nextCursor: string | null } } = await t.api.get(`/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.insurer);
      paged.push(...res.body.items.map((i) => i.claimId ?? i.caseId));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(paged).toEqual(ids);
    for (const c of claims) expect(ids).toContain(c.id);
  });
});

describe('the OpenAPI document', () => {
  it('describes each claim answer with its named schema', async () => {
    const doc = (await t.api.get<{ paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> }>('/openapi.json')).body;
    const expected: [string, string, string, string][] = [
      ['/cases/{id}/claims', 'post', '201', 'Claim'],
      ['/cases/{id}/claims', 'get', '200', 'ClaimList'],
      ['/claims', 'get', '200', 'ClaimsList'],
      ['/claims/{id}', 'get', '200', 'Claim'],
      ['/claims/{id}/events', 'post', '200', 'ClaimEventResult'],
      ['/claims/{id}/history', 'get', '200', 'ClaimHistory'],
      ['/claims/{id}/documents', 'post', '201', 'ClaimDocument'],
      ['/claims/{id}/documents', 'get', '200', 'ClaimDocumentList'],
    ];
    for (const [path, method, status, id] of expected) {
      expect(doc.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema, `${method} ${path}`).toEqual({ $ref: `#/components/schemas/${id}` });
    }
  });
});
