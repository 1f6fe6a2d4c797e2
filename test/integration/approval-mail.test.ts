import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cases, emailDeliveries } from '../../db/schema';
import { startSmtpSink, type SmtpSink } from '../support/smtp';
import { useTestApp } from '../support/use-app';

// The firm's emails when a case's public notice ends (SPEC §4, §7): one email, the approval, when
// the insurer has verified the policy already; the notice's passing first and the approval later
// when the insurer verifies after the notice. Sent through the outbox and workers to a real SMTP sink.
describe("the firm's emails when a case's notice ends", () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(async () => smtp.close());
  const { t, w } = useTestApp(() => ({ workers: true, smtpUrl: smtp.url }));

  const numberOf = async (id: string) => (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number;

  /** Waits until every email of the case so far left, then the subjects the firm got about it since `from`. */
  async function firmMail(id: string, from = 0): Promise<{ subjects: string[]; texts: string[]; seen: number }> {
    await expect.poll(async () => (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id))).every((d) => d.status === 'sent'), { timeout: 15_000 }).toBe(true);
    const number = await numberOf(id);
    const all = smtp.messages.filter((m) => m.to.includes(w.people.firm.email) && m.subject.includes(number));
    const since = all.slice(from);
    return { subjects: since.map((m) => m.subject), texts: since.map((m) => m.text), seen: all.length };
  }

  /**
   * A case awaiting its notice, its policy verified or not. The provincial approval needs the
   * verification (workflows/case/provincial.ts), so a case past it with the insurer's check still
   * open — one that passed the provincial review before that rule — is written as such.
   */
  async function awaitingNotice(verified: boolean): Promise<string> {
    const id = await w.caseIn('awaitingNotice');
    if (verified) return id;
    const [row] = await t.app.db.select({ snapshot: cases.snapshot }).from(cases).where(eq(cases.id, id));
    const snapshot = row?.snapshot as { value: { inReview: Record<string, string> }; context: Record<string, unknown> };
    expect(snapshot.value.inReview).toEqual({ review: 'awaitingNotice', insurance: 'verified' });
    const unverified = { ...snapshot, value: { inReview: { review: 'awaitingNotice', insurance: 'pendingVerification' } }, context: { ...snapshot.context, policyVerified: false } };
    await t.app.db.update(cases).set({ snapshot: unverified }).where(eq(cases.id, id));
    return id;
  }

  it('sends the firm only the approval, saying the notice passed without objection, when the insurer verified before the notice ended', async () => {
    const id = await awaitingNotice(true);
    const before = (await firmMail(id)).seen;
    await w.noticePassed(id);
    const { subjects, texts } = await firmMail(id, before);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toContain('已批准');
    expect(texts[0]).toContain('公示期满无异议');
    expect(texts[0]).toContain('The public notice ended without objection');
    const templates = (await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id))).filter((d) => d.toAddress === w.people.firm.email).map((d) => d.template);
    expect(templates).not.toContain('case.noticePassed');
    expect(templates.filter((x) => x === 'case.approved')).toHaveLength(1);
  });

  it('tells the firm the notice passed and waits for the insurer; its verification then brings the approval', async () => {
    const id = await awaitingNotice(false);
    const before = (await firmMail(id)).seen;
    await w.noticePassed(id);
    const passed = await firmMail(id, before);
    expect(passed.subjects).toHaveLength(1);
    expect(passed.subjects[0]).toContain('公示期满');
    expect(passed.texts[0]).toContain('保险公司核验保单和保费发票后');

    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    const approved = await firmMail(id, passed.seen);
    expect(approved.subjects).toHaveLength(2);
    expect(approved.subjects.filter((s) => s.includes('保单已核验'))).toHaveLength(1);
    expect(approved.subjects.filter((s) => s.includes('已批准'))).toHaveLength(1);
    expect(approved.subjects.filter((s) => s.includes('公示期满'))).toHaveLength(0);
  });

  it('says in the approval that the objections were dismissed when the last one is dismissed after the period', async () => {
    const id = await awaitingNotice(true);
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [id] }, w.tokens.provincial);
    expect(published.status).toBe(201);
    const filed = await t.api.post<{ id: string }>(`/public/notices/${published.body.id}/objections`, { caseId: id, name: '赵六', reason: '该材料在申报前已批量供货，不属首批次' });
    expect(filed.status).toBe(201);
    await w.noticeClosed(published.body.id, id);
    const before = (await firmMail(id)).seen;
    const dismissed = await t.api.post(`/cases/${id}/events`, { type: 'RESOLVE_OBJECTION', objectionId: filed.body.id, outcome: 'dismissed', reason: '经核实，该材料为首批次应用' }, w.tokens.provincial);
    expect(dismissed.status).toBe(200);
    const { subjects, texts } = await firmMail(id, before);
    expect(subjects).toHaveLength(1);
    expect(subjects[0]).toContain('已批准');
    expect(texts[0]).toContain('异议经核实不成立');
    expect(texts[0]).not.toContain('公示期满无异议');
  });
});
