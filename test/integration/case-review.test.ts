import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailDeliveries, notifications } from '../../db/schema';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();

describe('municipal review of a submitted case', () => {
  it('moves a submitted case to provincial review when the city reviewer approves', async () => {
    const id = await w.submittedCase();
    const before = await t.api.get<{ allowedEvents: string[]; version: number }>(`/cases/${id}`, w.tokens.municipal);
    expect(before.body.allowedEvents).toEqual(['APPROVE', 'RETURN', 'REJECT']);
    const res = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.municipal, { 'If-Match': `"${before.body.version}"` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'provincial', version: before.body.version + 1 });
  });

  it('returns 404 to a reviewer of another city', async () => {
    const id = await w.submittedCase();
    expect((await t.api.get(`/cases/${id}`, w.tokens.otherMunicipal)).status).toBe(404);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.otherMunicipal)).status).toBe(404);
  });

  it('sends a returned case back to the municipal stage on resubmission', async () => {
    const id = await w.submittedCase();
    const ret = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与发票不一致' }] }, w.tokens.municipal);
    expect(ret.body).toMatchObject({ state: 'revision', allowedEvents: [] });
    const firmView = await t.api.get<{ allowedEvents: string[]; clocks: { kind: string; status: string }[] }>(`/cases/${id}`, w.tokens.firm);
    expect([...firmView.body.allowedEvents].sort()).toEqual(['RESUBMIT', 'WITHDRAW']);
    expect(firmView.body.clocks.map((c) => [c.kind, c.status])).toEqual([
      ['municipalReview', 'paused'],
      ['revision', 'running'],
    ]);
    const again = await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    expect(again.body).toMatchObject({ state: 'municipal' });
  });

  it("quotes the firm's reply to the return in the resubmission's email and notification to the reviewers", async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与发票不一致' }] }, w.tokens.municipal)).status).toBe(200);
    const reply = '已按发票更正合同金额 <b>&</b>';
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: `  ${reply} ` }, w.tokens.firm)).status).toBe(200);
    const [mail] = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.resubmitted'), eq(emailDeliveries.toAddress, w.people.municipal.email)));
    expect(mail?.data).toMatchObject({ reason: reply });
    const [note] = await t.app.db.select().from(notifications).where(and(eq(notifications.ownerId, id), eq(notifications.template, 'case.resubmitted'), eq(notifications.userId, w.people.municipal.id)));
    expect(note?.body).toContain(`企业的答复：${reply}`);
  });

  it('ends the case as rejected when the reviewer rejects it', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'REJECT', reason: '不属于目录范围' }, w.tokens.municipal);
    expect(res.body).toMatchObject({ state: 'rejected', allowedEvents: [] });
  });

  it('lets the firm withdraw a case under review', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'WITHDRAW', reason: '合同取消' }, w.tokens.firm);
    expect(res.body).toMatchObject({ state: 'withdrawn' });
  });

  it('shows money and an insurer the firm has not entered yet as null', async () => {
    const res = await t.api.post<{ contract: Record<string, unknown>; policy: Record<string, unknown> }>('/cases', { roundId: w.round.id, catalogueEntryId: w.entry.id }, w.tokens.firm);
    expect(res.status).toBe(201);
    expect(res.body.contract).toEqual({ amount: null });
    expect(res.body.policy).toEqual({ insurerId: null, liabilityLimit: null, premium: null });
  });
});

describe('events only the system sends', () => {
  it('refuses DEADLINE_EXPIRED from a user with 400 and leaves it out of the documented CaseEvent', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补正' }] }, w.tokens.municipal)).status).toBe(200);
    const res = await t.api.post(`/cases/${id}/events`, { type: 'DEADLINE_EXPIRED', clock: 'revision' }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect((await t.api.get<{ state: string }>(`/cases/${id}`, w.tokens.firm)).body.state).toBe('revision');
    const doc = await t.api.get<{ components: { schemas: Record<string, unknown> } }>('/openapi.json');
    const documented = JSON.stringify(doc.body.components.schemas.CaseEvent);
    expect(documented).toContain('SUBMIT');
    expect(documented).not.toContain('DEADLINE_EXPIRED');
  });
});
