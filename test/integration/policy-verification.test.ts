import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { emailDeliveries } from '../../db/schema';
import { useTestApp } from '../support/use-app';
import { upload } from '../fixtures/documents/client';
import { pdfBytes } from '../fixtures/documents/files';

const { t, w } = useTestApp();

/** Submitted, verified by the insurer, approved by the city, returned by the province. */
const verifiedThenReturned = () => w.caseIn('provincialRevision');

describe("the insurer's verification", () => {
  it('still holds after a revision that left the policy alone', async () => {
    const id = await verifiedThenReturned();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const approved = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial);
    expect(approved.status).toBe(200);
  });

  it('must be given again when the firm changed the premium during the revision', async () => {
    const id = await verifiedThenReturned();
    expect((await t.api.patch(`/cases/${id}`, { policy: { premium: '1800000.00' } }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const refused = await t.api.post<{ errors: { code: string }[] }>(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.code)).toEqual(['guard.policyVerified']);
    const insurerView = await t.api.get<{ allowedEvents: string[] }>(`/cases/${id}`, w.tokens.insurer);
    expect(insurerView.body.allowedEvents).toEqual(['VERIFY_POLICY', 'POLICY_MISMATCH']);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(200);
  });

  it('holds from the latest verification: verified again after a change, a later revision that leaves the policy alone keeps it', async () => {
    const id = await verifiedThenReturned();
    expect((await t.api.patch(`/cases/${id}`, { policy: { premium: '1800000.00' } }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    // returned once more, and resubmitted with the policy the insurer verified last
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.provincial)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(200);
  });

  it('must be given again when the firm uploaded a new version of the policy document', async () => {
    const id = await verifiedThenReturned();
    const replaced = await upload(t.url, id, w.tokens.firm, { type: 'insurance_policy', fileName: '保单-更正.pdf', bytes: pdfBytes(`corrected policy ${id}`), contentType: 'application/pdf' });
    expect(replaced.status).toBe(201);
    expect(replaced.json).toMatchObject({ type: 'insurance_policy', version: 2 });
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const refused = await t.api.post<{ errors: { code: string }[] }>(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.code)).toEqual(['guard.policyVerified']);
    // verified again, it is the new version the insurer vouches for
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(200);
  });

  it("asks the case's insurer, and no other, to verify the policy when the firm submits, naming the policy", async () => {
    const id = await w.submittedCase();
    const sent = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.policyToVerify')));
    expect(sent.map((d) => d.toAddress)).toEqual([w.people.insurer.email]);
    const policyNumber = (await t.api.get<{ policy: { number: string } }>(`/cases/${id}`, w.tokens.insurer)).body.policy.number;
    expect(sent[0]?.subject).toContain(policyNumber);
  });

  it('tells the firm and the reviewers of the city and the province of a mismatch, the way to its correction included', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'POLICY_MISMATCH', reason: '保单号与发票不符' }, w.tokens.insurer)).status).toBe(200);
    const sent = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.policyMismatch')));
    const to = sent.map((d) => d.toAddress);
    for (const who of ['firm', 'municipal', 'municipal2', 'provincial'] as const) expect(to, who).toContain(w.people[who].email);
    // not the reviewers of another city
    expect(to).not.toContain(w.people.otherMunicipal.email);
    // the city's reviewer returns it, the firm corrects and resubmits, the insurer checks again
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'policy.number', message: '请更正保单号' }] }, w.tokens.municipal)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    expect((await t.api.get<{ allowedEvents: string[] }>(`/cases/${id}`, w.tokens.insurer)).body.allowedEvents).toEqual(['VERIFY_POLICY', 'POLICY_MISMATCH']);
  });

  it("tells the case's insurer that the policy changed", async () => {
    const id = await verifiedThenReturned();
    const replaced = await upload(t.url, id, w.tokens.firm, { type: 'insurance_policy', fileName: '保单-更正.pdf', bytes: pdfBytes(`changed policy ${id}`), contentType: 'application/pdf' });
    expect(replaced.status).toBe(201);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const told = await t.app.db
      .select({ to: emailDeliveries.toAddress })
      .from(emailDeliveries)
      .where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'case.policyChanged')));
    expect(told.map((d) => d.to)).toEqual([w.people.insurer.email]);
  });

  it('records what was verified, and that the policy changed, in the history', async () => {
    const id = await verifiedThenReturned();
    await t.api.patch(`/cases/${id}`, { policy: { number: 'PICC-2026-CHANGED' } }, w.tokens.firm);
    await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm);
    const history = await t.api.get<{ items: { eventType: string; payload: Record<string, unknown> }[] }>(`/cases/${id}/history`, w.tokens.firm);
    expect(history.body.items.find((e) => e.eventType === 'VERIFY_POLICY')?.payload.policyFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(history.body.items.at(-1)).toMatchObject({ eventType: 'RESUBMIT', payload: expect.objectContaining({ policyChanged: true }) });
  });
});
