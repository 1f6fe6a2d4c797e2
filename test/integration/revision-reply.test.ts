import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';

// RESUBMIT carries the firm's reply to the reasons of the return (workflows/case/events.ts): kept
// with the event in the case's history, optional, at most 2,000 characters.
const { t, w } = useTestApp();

type History = { items: { eventType: string; payload: Record<string, unknown> }[] };

async function returnedCase(): Promise<string> {
  const id = await w.submittedCase();
  const res = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ path: 'policy.premium', message: '保险费率4.5%偏高，请说明定价依据' }] }, w.tokens.municipal);
  expect(res.status).toBe(200);
  return id;
}

const lastEntry = async (id: string) => (await t.api.get<History>(`/cases/${id}/history`, w.tokens.municipal)).body.items.at(-1);

describe('RESUBMIT with a reply to the reasons of the return', () => {
  it('keeps the reply, trimmed, with the event in the history the reviewer reads', async () => {
    const id = await returnedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: '  费率系保险公司按风险等级核定，已上传费率说明。\n详见保险单附件。 ' }, w.tokens.firm);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'municipal' });
    expect(await lastEntry(id)).toMatchObject({ eventType: 'RESUBMIT', payload: expect.objectContaining({ response: '费率系保险公司按风险等级核定，已上传费率说明。\n详见保险单附件。' }) });
  });

  it('takes a resubmission without a reply, as before, and keeps no reply', async () => {
    const id = await returnedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT' }, w.tokens.firm)).status).toBe(200);
    const entry = await lastEntry(id);
    expect(entry?.eventType).toBe('RESUBMIT');
    expect(entry?.payload).not.toHaveProperty('response');
  });

  it('takes a reply of exactly 2,000 characters', async () => {
    const id = await returnedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'RESUBMIT', response: '答'.repeat(2000) }, w.tokens.firm);
    expect(res.status).toBe(200);
  });

  it('refuses a reply of more than 2,000 characters with 400 naming the field, and the case stays in revision', async () => {
    const id = await returnedCase();
    const res = await t.api.post<{ errors: { path: string; message: string }[] }>(`/cases/${id}/events`, { type: 'RESUBMIT', response: '答'.repeat(2001) }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'response', message: expect.stringContaining('2000') })]);
    expect((await t.api.get(`/cases/${id}`, w.tokens.firm)).body).toMatchObject({ state: 'revision' });
  });

  it('refuses a reply that is not text with 400 naming the field', async () => {
    const id = await returnedCase();
    const res = await t.api.post<{ errors: { path: string }[] }>(`/cases/${id}/events`, { type: 'RESUBMIT', response: 42 }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path)).toEqual(['response']);
  });

  it('refuses a reply on an event that has none (a reviewer cannot send one with APPROVE)', async () => {
    const id = await w.submittedCase();
    const res = await t.api.post<{ errors: { path: string }[] }>(`/cases/${id}/events`, { type: 'APPROVE', response: '同意' }, w.tokens.municipal);
    expect(res.status).toBe(400);
  });

  it('still refuses RESUBMIT with a reply to everyone but the applicant firm, the case unchanged', async () => {
    const id = await returnedCase();
    const body = { type: 'RESUBMIT', response: '已补正' };
    for (const who of ['municipal', 'municipal2', 'provincial', 'insurer'] as const) {
      expect((await t.api.post(`/cases/${id}/events`, body, w.tokens[who])).status, who).toBe(403);
    }
    // those who may not see the case at all are told it does not exist
    for (const who of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'expert', 'finance', 'admin'] as const) {
      expect((await t.api.post(`/cases/${id}/events`, body, w.tokens[who])).status, who).toBe(404);
    }
    expect((await t.api.get(`/cases/${id}`, w.tokens.firm)).body).toMatchObject({ state: 'revision' });
    expect((await lastEntry(id))?.eventType).toBe('RETURN');
  });

  it('documents the reply in the OpenAPI description of the case event', async () => {
    const doc = JSON.stringify((await t.api.get('/openapi.json')).body);
    expect(doc).toContain("The firm's reply to the reasons the case was returned with");
  });
});
