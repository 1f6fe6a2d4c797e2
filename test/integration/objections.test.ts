import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { clocks, emailDeliveries, objections, timers } from '../../db/schema';
import { sendDelivery } from '../../server/mail/send';
import { fireTimer } from '../../server/engine/timers';
import { defaultClockLengths } from '../../server/engine/clock-kinds';
import { makeRound } from '../../seeds/factories';
import { startTestApp, type TestApp } from '../support/app';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { makeWorld, type World } from '../support/world';
import { wholeInbox } from '../support/inbox';

// Objections to a public notice (SPEC §4): anyone files one without an account; it holds the case
// until a provincial reviewer resolves every objection open on it.
let t: TestApp;
let w: World;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp();
  w = await makeWorld(t.app.db, t.api, t.app);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function onNotice(): Promise<{ noticeId: string; number: string; caseId: string }> {
  const caseId = await w.caseIn('awaitingNotice');
  const res = await t.api.post<{ id: string; number: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { noticeId: res.body.id, number: res.body.number, caseId };
}

async function object(noticeId: string, caseId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.api.post<{ id: string }>(`/public/notices/${noticeId}/objections`, { caseId, name: '赵六', reason: '该材料在申报前已批量供货，不属首批次', ...extra });
  if (res.status !== 201) throw new Error(`objection failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const resolve = (caseId: string, objectionId: string, outcome: 'upheld' | 'dismissed', token = w.tokens.provincial) =>
  t.api.post<{ state: string; allowedEvents: string[]; errors?: { code: string }[] }>(`/cases/${caseId}/events`, { type: 'RESOLVE_OBJECTION', objectionId, outcome, reason: '经核实，情况属实' }, token);
const stateOf = async (id: string) => (await t.api.get<{ state: string; allowedEvents: string[] }>(`/cases/${id}`, w.tokens.provincial)).body;

describe('filing an objection', () => {
  it('holds the case: the objection clock starts, provincial reviewers are told, and it lands in their inbox', async () => {
    const { noticeId, caseId } = await onNotice();
    const res = await t.api.post<{ id: string; status: string; caseId: string }>(`/public/notices/${noticeId}/objections`, {
      caseId,
      name: '赵六',
      contact: '13912345678',
      reason: '该材料在申报前已批量供货，不属首批次',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'open', caseId, noticeId });
    expect(await stateOf(caseId)).toMatchObject({ state: 'objection', allowedEvents: ['RESOLVE_OBJECTION'] });
    const [row] = await t.app.db.select().from(objections).where(eq(objections.id, res.body.id));
    expect(row).toMatchObject({ noticeId, caseId, name: '赵六', contact: '13912345678', status: 'open' });
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'objection')));
    expect(clock).toMatchObject({ status: 'running', countedDays: 10 });
    const told = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, caseId), eq(emailDeliveries.template, 'case.objection')));
    expect(told.map((m) => m.toAddress)).toContain(w.people.provincial.email);
    expect(told.map((m) => m.toAddress)).not.toContain(w.people.firm.email);

    const inbox = await wholeInbox<{ caseId: string; task: string; due: { kind: string; dueOn: string } | null }>(t.api, w.tokens.provincial);
    expect(inbox.find((i) => i.caseId === caseId)).toMatchObject({ task: 'resolve the objection', due: { kind: 'objection', dueOn: clock?.dueOn } });
  });

  it('refuses bad input with reasons in both languages', async () => {
    const { noticeId, caseId } = await onNotice();
    const cases: [Record<string, unknown>, string][] = [
      [{ caseId, name: '赵六', reason: '太短了' }, 'reason'],
      [{ caseId, name: '', reason: '这是一条足够长的异议理由' }, 'name'],
      [{ caseId, name: '赵六', contact: 'not a contact', reason: '这是一条足够长的异议理由' }, 'contact'],
      [{ caseId: 'nope', name: '赵六', reason: '这是一条足够长的异议理由' }, 'caseId'],
      [{ name: '赵六', reason: '这是一条足够长的异议理由' }, 'caseId'],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.post<{ errors: { path: string; message: string; messageZh: string }[] }>(`/public/notices/${noticeId}/objections`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = res.body.errors.find((e) => e.path === path);
      expect(error?.message, path).toBeTruthy();
      expect(error?.messageZh, path).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await stateOf(caseId)).state).toBe('notice');
  });

  it('refuses a name or a reason that shows nothing, counting only the characters a reader sees', async () => {
    const { noticeId, caseId } = await onNotice();
    const reason = '这是一条足够长的异议理由';
    const cases: [Record<string, unknown>, string][] = [
      [{ caseId, name: '\u200b', reason }, 'name'],
      [{ caseId, name: '\u200c\u200d\u2060\ufeff', reason }, 'name'],
      [{ caseId, name: '\u202e\u202d', reason }, 'name'],
      [{ caseId, name: '\u3164', reason }, 'name'],
      [{ caseId, name: '\u0301', reason }, 'name'],
      [{ caseId, name: '赵六', reason: '\u200b'.repeat(12) }, 'reason'],
      [{ caseId, name: '赵六', reason: `太短${'\u200b'.repeat(10)}` }, 'reason'],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.post<{ errors: { path: string; messageZh: string }[] }>(`/public/notices/${noticeId}/objections`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.find((e) => e.path === path)?.messageZh, JSON.stringify(body)).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await stateOf(caseId)).state).toBe('notice');
  });

  it('is taken only for a member case of a notice that exists', async () => {
    const { noticeId } = await onNotice();
    const other = await onNotice();
    const res = await t.api.post<{ errors: { code: string }[] }>(`/public/notices/${noticeId}/objections`, { caseId: other.caseId, name: '赵六', reason: '这是一条足够长的异议理由' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]?.code).toBe('objection.notMember');
    expect((await t.api.post(`/public/notices/${crypto.randomUUID()}/objections`, { caseId: other.caseId, name: '赵六', reason: '这是一条足够长的异议理由' })).status).toBe(404);
  });
});

describe('what an objection must be', () => {
  it('takes a reason of 10 characters and refuses one of 9, and a contact with more than a phone number in it', async () => {
    const { noticeId, caseId } = await onNotice();
    const file = (body: Record<string, unknown>) => t.api.post<{ errors?: { path: string }[] }>(`/public/notices/${noticeId}/objections`, { caseId, name: '赵六', ...body });
    const nine = await file({ reason: '这是九个字的异议理' });
    expect(nine.status).toBe(400);
    expect(nine.body.errors?.map((e) => e.path)).toEqual(['reason']);
    const junk = await file({ reason: '这是十个字的异议理由', contact: '13912345678 请回电话' });
    expect(junk.status).toBe(400);
    expect(junk.body.errors?.map((e) => e.path)).toEqual(['contact']);
    expect((await file({ reason: '这是十个字的异议理由', contact: '139-1234-5678' })).status).toBe(201);
  });

  it('is refused once the last day of the period has passed, though the sweep has not closed the notice yet', async () => {
    const ended = await onNotice();
    // the period ran out a second ago; the notice row still says open
    await t.app.db.update(clocks).set({ dueAt: new Date(t.app.clock.now().getTime() - 1000) }).where(and(eq(clocks.ownerId, ended.noticeId), eq(clocks.kind, 'noticePeriod')));
    // a notice published after it, whose period runs on, decides nothing for it
    const later = await onNotice();
    const late = await t.api.post<{ errors: { code: string }[] }>(`/public/notices/${ended.noticeId}/objections`, { caseId: ended.caseId, name: '赵六', reason: '公示期满后提出的异议内容' });
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.code).toBe('objection.noticeClosed');
    expect((await stateOf(ended.caseId)).state).toBe('notice');
    expect((await t.api.post(`/public/notices/${later.noticeId}/objections`, { caseId: later.caseId, name: '赵六', reason: '公示期内提出的异议内容' })).status).toBe(201);
  });
});

describe('the objection clock', () => {
  it("runs the round's objection working days, reminds the provincial reviewers 2 working days before, and marks the case overdue and escalates when it runs out", async () => {
    // a length of its own, so that the clock cannot borrow another's
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], clockLengths: { ...defaultClockLengths, objectionWorkingDays: 8 } });
    const caseId = await w.caseIn('awaitingNotice', { roundId: round.id });
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    expect(published.status).toBe(201);
    await object(published.body.id, caseId);
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'objection')));
    expect(clock).toMatchObject({ status: 'running', countedDays: 8 });
    const armed = await t.app.db.select().from(timers).where(eq(timers.clockId, clock?.id ?? ''));
    expect(armed.filter((x) => x.purpose === 'reminder').map((x) => x.data)).toEqual([{ workingDaysBefore: 2 }]);
    const mails = async (template: string) =>
      (await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, caseId), eq(emailDeliveries.template, template)))).map((m) => m.toAddress);
    for (const purpose of ['reminder', 'expiry'] as const) {
      const timer = armed.find((x) => x.purpose === purpose);
      if (!timer) throw new Error(`no ${purpose} armed`);
      await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, timer.id));
      expect(await fireTimer(t.app, timer.id), purpose).toBe(true);
    }
    expect(await mails('clock.reminder')).toContain(w.people.provincial.email);
    expect(await mails('clock.reminder')).not.toContain(w.people.firm.email);
    expect(await mails('clock.overdue')).toContain(w.people.provincial.email);
    const [expired] = await t.app.db.select().from(clocks).where(eq(clocks.id, clock?.id ?? ''));
    expect(expired?.overdue).toBe(true);
    // overdue holds nobody's hand: the case waits for its resolution still
    expect(await stateOf(caseId)).toMatchObject({ state: 'objection', allowedEvents: ['RESOLVE_OBJECTION'] });
  });
});

describe('resolving objections', () => {
  it('puts the case back on notice when the objection is dismissed before the period ends', async () => {
    const { noticeId, caseId } = await onNotice();
    const objectionId = await object(noticeId, caseId);
    const res = await resolve(caseId, objectionId, 'dismissed');
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('notice');
    const [row] = await t.app.db.select().from(objections).where(eq(objections.id, objectionId));
    expect(row).toMatchObject({ status: 'dismissed', resolutionReason: '经核实，情况属实', resolvedBy: w.people.provincial.id });
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'objection')));
    expect(clock?.status).toBe('stopped');
    expect((await t.api.get<{ cases: { underObjection: boolean }[] }>(`/public/notices/${noticeId}`)).body.cases[0]?.underObjection).toBe(false);
  });

  it('rejects the case when an objection is upheld, and tells the firm', async () => {
    const { noticeId, caseId } = await onNotice();
    const objectionId = await object(noticeId, caseId);
    const res = await resolve(caseId, objectionId, 'upheld');
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('rejected');
    expect((await t.app.db.select().from(objections).where(eq(objections.id, objectionId)))[0]?.status).toBe('upheld');
    const [clock] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, caseId), eq(clocks.kind, 'objection')));
    expect(clock?.status).toBe('stopped');
    const told = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, caseId), eq(emailDeliveries.template, 'case.rejected')));
    expect(told.map((m) => m.toAddress)).toEqual([w.people.firm.email]);
    // a decided case takes no further objection
    const late = await t.api.post<{ errors: { code: string }[] }>(`/public/notices/${noticeId}/objections`, { caseId, name: '赵六', reason: '这是一条足够长的异议理由' });
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.code).toBe('objection.caseDecided');
    // the notice proposes it nothing any more
    const notice = await t.api.get<{ cases: { caseId: string; proposedSubsidy: string | null }[] }>(`/public/notices/${noticeId}`);
    expect(notice.body.cases).toEqual([expect.objectContaining({ caseId, proposedSubsidy: null })]);
  });

  it('keeps the case held until the last of several objections is resolved', async () => {
    const { noticeId, caseId } = await onNotice();
    const first = await object(noticeId, caseId);
    const second = await object(noticeId, caseId, { name: '孙七' });
    expect((await resolve(caseId, first, 'dismissed')).body.state).toBe('objection');
    // one resolution per objection
    const again = await resolve(caseId, first, 'dismissed');
    expect(again.status).toBe(422);
    expect(again.body.errors?.[0]?.code).toBe('guard.namesOpenObjection');
    expect((await resolve(caseId, second, 'dismissed')).body.state).toBe('notice');
  });

  it('is for provincial reviewers: the firm and the municipal reviewer are refused, an unknown objection is named', async () => {
    const { noticeId, caseId } = await onNotice();
    const objectionId = await object(noticeId, caseId);
    expect((await resolve(caseId, objectionId, 'dismissed', w.tokens.firm)).status).toBe(403);
    expect((await resolve(caseId, objectionId, 'dismissed', w.tokens.municipal)).status).toBe(403);
    expect((await resolve(caseId, objectionId, 'dismissed', w.tokens.otherFirm)).status).toBe(404);
    expect((await resolve(caseId, objectionId, 'dismissed', w.tokens.finance)).status).toBe(404);
    const unknown = await resolve(caseId, crypto.randomUUID(), 'dismissed');
    expect(unknown.status).toBe(422);
    expect((await stateOf(caseId)).state).toBe('objection');
    expect((await t.app.db.select().from(objections).where(eq(objections.id, objectionId)))[0]?.status).toBe('open');
  });

  it('tells an objector by email when their objection is upheld', async () => {
    const { noticeId, caseId } = await onNotice();
    const address = `objector-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const objectionId = await object(noticeId, caseId, { contact: address });
    expect((await resolve(caseId, objectionId, 'upheld')).status).toBe(200);
    const [mail] = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.toAddress, address), eq(emailDeliveries.template, 'objection.resolved')));
    expect(mail?.data).toMatchObject({ outcomeZh: '异议成立，该申请未获通过', outcomeEn: 'the objection was upheld and the application rejected' });
  });

  it('emails the outcome to an objector who left an email address, and to nobody for a phone number', async () => {
    const { noticeId, number, caseId } = await onNotice();
    const address = `objector-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const byMail = await object(noticeId, caseId, { contact: address });
    const byPhone = await object(noticeId, caseId, { contact: '+86 139 1234 5678' });
    await resolve(caseId, byPhone, 'dismissed');
    await resolve(caseId, byMail, 'dismissed');
    const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.template, 'objection.resolved'));
    const mine = mails.filter((m) => m.ownerId === noticeId);
    expect(mine.map((m) => m.toAddress)).toEqual([address]);
    const delivery = mine[0];
    if (!delivery) throw new Error('no delivery');
    expect(delivery).toMatchObject({ ownerKind: 'notice', recipientUserId: null });

    const transport = nodemailer.createTransport(smtp.url);
    try {
      expect(await sendDelivery(t.app, transport, delivery.id, true)).toBe('sent');
    } finally {
      transport.close();
    }
    const mail = await smtp.waitFor((m) => m.to.includes(address));
    expect(mail.subject).toContain(number);
    expect(mail.text).toContain('异议不成立');
    expect(mail.text).toContain('the objection was dismissed');
    expect(mail.text).toContain('经核实，情况属实');
  });
});

describe('GET /cases/:id/objections', () => {
  interface Listed {
    items: { id: string; noticeNumber: string; name: string; contact: string | null; reason: string; status: string; resolution: { reason: string; by: string | null } | null }[];
  }
  it('shows the provincial reviewer what each objection says and who filed it, and how it was resolved', async () => {
    const { noticeId, number, caseId } = await onNotice();
    const first = await object(noticeId, caseId, { contact: 'zhao@example.test' });
    const second = await object(noticeId, caseId, { name: '孙七', reason: '用户单位实为申报企业的关联企业' });
    await resolve(caseId, first, 'dismissed');
    const res = await t.api.get<Listed>(`/cases/${caseId}/objections`, w.tokens.provincial);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ id: first, noticeNumber: number, name: '赵六', contact: 'zhao@example.test', reason: '该材料在申报前已批量供货，不属首批次', status: 'dismissed', resolution: expect.objectContaining({ reason: '经核实，情况属实', by: w.people.provincial.id }) }),
      expect.objectContaining({ id: second, name: '孙七', contact: null, reason: '用户单位实为申报企业的关联企业', status: 'open', resolution: null }),
    ]);
  });

  it('answers 404 for a case the reviewer cannot see, 400 for a malformed id, 403 to every other role and 401 to strangers', async () => {
    const { noticeId, caseId } = await onNotice();
    await object(noticeId, caseId);
    expect((await t.api.get(`/cases/${crypto.randomUUID()}/objections`, w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get(`/cases/${await w.createCase()}/objections`, w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get('/cases/nope/objections', w.tokens.provincial)).status).toBe(400);
    for (const role of ['firm', 'otherFirm', 'municipal', 'insurer', 'finance', 'admin', 'expert'] as const) {
      const res = await t.api.get(`/cases/${caseId}/objections`, w.tokens[role]);
      expect(res.status, role).toBe(403);
      expect(JSON.stringify(res.body), role).not.toContain('赵六');
    }
    expect((await t.api.get(`/cases/${caseId}/objections`)).status).toBe(401);
  });
});

describe('objections a decision leaves without a subject', () => {
  const deliveriesTo = (address: string) => t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.toAddress, address));

  it('closes the other open objections as moot when one is upheld, recording why, and tells each objector who left an email address', async () => {
    const { noticeId, caseId } = await onNotice();
    const address = `moot-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const upheld = await object(noticeId, caseId);
    const byMail = await object(noticeId, caseId, { name: '孙七', contact: address });
    const byPhone = await object(noticeId, caseId, { name: '周八', contact: '13912345678' });
    expect((await resolve(caseId, upheld, 'upheld')).body.state).toBe('rejected');
    const rows = await t.app.db.select().from(objections).where(eq(objections.caseId, caseId));
    expect(rows.find((r) => r.id === upheld)?.status).toBe('upheld');
    for (const id of [byMail, byPhone]) {
      expect(rows.find((r) => r.id === id), id).toMatchObject({ status: 'moot', resolvedBy: w.people.provincial.id, resolvedAt: expect.any(Date), resolutionReason: expect.stringContaining('another objection') });
    }
    const told = (await deliveriesTo(address)).filter((m) => m.template === 'objection.closed');
    expect(told).toHaveLength(1);
    expect(told[0]?.subject).toMatch(/异议.*objection/);
    expect(await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.toAddress, '13912345678')))).toEqual([]);
  });

  it('closes every open objection as moot when the firm withdraws the case under objection', async () => {
    const { noticeId, caseId } = await onNotice();
    const address = `withdrawn-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const first = await object(noticeId, caseId, { contact: address });
    const second = await object(noticeId, caseId, { name: '孙七' });
    const withdrawn = await t.api.post<{ state: string }>(`/cases/${caseId}/events`, { type: 'WITHDRAW', reason: '企业决定撤回申请' }, w.tokens.firm);
    expect(withdrawn.body.state).toBe('withdrawn');
    const rows = await t.app.db.select().from(objections).where(eq(objections.caseId, caseId));
    expect(rows.map((r) => [r.id, r.status]).sort()).toEqual([[first, 'moot'], [second, 'moot']].sort());
    expect(rows.every((r) => r.resolutionReason?.includes('withdrew'))).toBe(true);
    expect((await deliveriesTo(address)).map((m) => m.template).sort()).toEqual(['objection.closed', 'objection.received']);
  });
});

describe('the receipt of an objection', () => {
  it('is emailed in Chinese and English to an objector who left an email address, echoing nothing they typed', async () => {
    const { noticeId, number, caseId } = await onNotice();
    const address = `receipt-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const name = `名字${crypto.randomUUID().slice(0, 6)}`;
    const filed = await object(noticeId, caseId, { contact: address, name });
    await object(noticeId, caseId, { contact: '+86 139 1234 5678' });
    const mails = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, noticeId), eq(emailDeliveries.template, 'objection.received')));
    expect(mails.map((m) => m.toAddress)).toEqual([address]);
    const delivery = mails[0];
    if (!delivery) throw new Error('no delivery');
    const transport = nodemailer.createTransport(smtp.url);
    try {
      expect(await sendDelivery(t.app, transport, delivery.id, true)).toBe('sent');
    } finally {
      transport.close();
    }
    const mail = await smtp.waitFor((m) => m.to.includes(address));
    expect(mail.subject).toContain(number);
    expect(mail.text).toContain('已收到');
    expect(mail.text).toContain('has been received');
    // the reference the page's receipt gave, to quote in an enquiry
    expect(mail.text).toContain(`受理编号 ${number}-${filed.slice(0, 8).toUpperCase()}`);
    expect(mail.text).toContain(`under reference ${number}-${filed.slice(0, 8).toUpperCase()}`);
    // anyone may type any address into the form: the mail carries no text of theirs
    expect(mail.text).not.toContain(name);
    expect(mail.text).not.toContain('不属首批次');
  });
});

describe('the objection throttle', () => {
  it('answers 429 with Retry-After once an address has used its objection budget, a budget apart from signing in', async () => {
    const tight = await startTestApp({ env: { DATABASE_URL: t.app.env.DATABASE_URL, OBJECTIONS_PER_HOUR: 2 } });
    try {
      const { noticeId, caseId } = await onNotice();
      const body = { caseId, name: '赵六', reason: '这是一条足够长的异议理由' };
      // a budget of its own: signing in from the same address spends none of it
      for (let i = 0; i < 2; i++) await tight.api.login(w.people.provincial.email);
      expect((await tight.api.post(`/public/notices/${noticeId}/objections`, body)).status).toBe(201);
      // bad input spends the budget too: the throttle answers before the body is read
      expect((await tight.api.post(`/public/notices/${noticeId}/objections`, { ...body, reason: '短' })).status).toBe(400);
      const refused = await tight.api.post(`/public/notices/${noticeId}/objections`, body);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // nor does a spent objection budget keep the address from signing in
      expect((await tight.api.post('/auth/login', { email: w.people.provincial.email, password: 'Test-password-1' })).status).toBe(200);
      expect((await t.app.db.select().from(objections).where(eq(objections.caseId, caseId))).length).toBe(1);
    } finally {
      await tight.close();
    }
  });
});
