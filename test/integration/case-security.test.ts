import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();
let draftId: string;
let submittedId: string;

beforeAll(async () => {
  draftId = await w.createCase();
  submittedId = await w.submittedCase();
});

describe('who may open an application', () => {
  it('refuses every role but firm staff with 403, and anonymous callers with 401', async () => {
    for (const role of ['municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await t.api.post('/cases', w.caseBody(), w.tokens[role])).status, role).toBe(403);
    }
    expect((await t.api.post('/cases', w.caseBody())).status).toBe(401);
  });
});

describe('who may see a case (404, never 403)', () => {
  it('hides a draft from everyone but its firm', async () => {
    expect((await t.api.get(`/cases/${draftId}`, w.tokens.firm)).status).toBe(200);
    for (const role of ['otherFirm', 'municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/cases/${draftId}`, w.tokens[role])).status, role).toBe(404);
    }
  });

  it('shows a submitted case to its firm, its city reviewers, provincial reviewers and its insurer only', async () => {
    for (const role of ['firm', 'municipal', 'municipal2', 'provincial', 'insurer'] as const) {
      expect((await t.api.get(`/cases/${submittedId}`, w.tokens[role])).status, role).toBe(200);
    }
    for (const role of ['otherFirm', 'otherMunicipal', 'otherInsurer', 'expert', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/cases/${submittedId}`, w.tokens[role])).status, role).toBe(404);
      expect((await t.api.get(`/cases/${submittedId}/history`, w.tokens[role])).status, role).toBe(404);
      expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'APPROVE' }, w.tokens[role])).status, role).toBe(404);
    }
  });

  it('answers 404 for an id that does not exist and 400 for one that is not an id', async () => {
    expect((await t.api.get('/cases/00000000-0000-4000-8000-000000000000', w.tokens.provincial)).status).toBe(404);
    expect((await t.api.get('/cases/42', w.tokens.provincial)).status).toBe(400);
  });

  it('lists only the cases the caller may see', async () => {
    const mine = await t.api.get<{ items: { id: string }[] }>('/cases?limit=100', w.tokens.firm);
    expect(mine.body.items.map((c) => c.id)).toEqual(expect.arrayContaining([draftId, submittedId]));
    for (const role of ['otherFirm', 'otherMunicipal', 'admin', 'finance'] as const) {
      // in this file's round: a page of every round's newest cases would pass the check vacuously once other files filled it
      const other = await t.api.get<{ items: { id: string }[] }>(`/cases?limit=100&roundId=${w.round.id}`, w.tokens[role]);
      expect(other.body.items.map((c) => c.id), role).not.toContain(submittedId);
    }
    const reviewer = await t.api.get<{ items: { id: string }[] }>(`/cases?state=municipal&roundId=${w.round.id}`, w.tokens.municipal);
    expect(reviewer.body.items.map((c) => c.id)).toContain(submittedId);
    expect(reviewer.body.items.map((c) => c.id)).not.toContain(draftId);
  });
});

describe('who may send which event', () => {
  it('refuses a reviewer decision to the firm with 403', async () => {
    expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'APPROVE' }, w.tokens.firm)).status).toBe(403);
  });

  it('refuses the insurer a review decision and tells the provincial reviewer it is not their turn', async () => {
    expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'REJECT', reason: 'x' }, w.tokens.insurer)).status).toBe(403);
    expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(409);
  });

  it('refuses a city reviewer who is related to the applicant firm', async () => {
    const related = await makeUser(t.app.db, { roles: ['municipal'], city: '330100', affiliations: [w.firm.uscc] });
    const token = await t.api.login(related.email);
    const view = await t.api.get<{ allowedEvents: string[] }>(`/cases/${submittedId}`, token);
    expect(view.body.allowedEvents).toEqual([]);
    const res = await t.api.post(`/cases/${submittedId}/events`, { type: 'APPROVE' }, token);
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('related');
  });

  it('refuses a city reviewer who works for the applicant firm, naming the reason', async () => {
    const staff = await makeUser(t.app.db, { roles: ['firm', 'municipal'], city: '330100', enterpriseId: w.firm.id });
    const token = await t.api.login(staff.email);
    const id = await w.submittedCase();
    const view = await t.api.get<{ allowedEvents: string[] }>(`/cases/${id}`, token);
    expect(view.body.allowedEvents).toEqual(['WITHDRAW']);
    const res = await t.api.post<{ detail: string }>(`/cases/${id}/events`, { type: 'APPROVE' }, token);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('you are related to the applicant firm and must recuse yourself (您与申报企业存在关联，须回避)');
    expect((await t.api.get<{ state: string; version: number }>(`/cases/${id}`, token)).body).toMatchObject({ state: 'municipal', version: 2 });
  });

  it('refuses one person deciding both the municipal and the provincial stage', async () => {
    const both = await makeUser(t.app.db, { roles: ['municipal', 'provincial'], city: '330100' });
    const token = await t.api.login(both.email);
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, token)).status).toBe(200);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'VERIFY_POLICY' }, w.tokens.insurer)).status).toBe(200);
    const second = await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, token);
    expect(second.status).toBe(403);
    expect((await t.api.post(`/cases/${id}/events`, { type: 'APPROVE' }, w.tokens.provincial)).status).toBe(200);
  });

  it('refuses a malformed event with 400 naming the field', async () => {
    const res = await t.api.post<{ errors: { path: string }[] }>(`/cases/${submittedId}/events`, { type: 'RETURN', reasons: [] }, w.tokens.municipal);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path)).toContain('reasons');
    expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'LAUNCH' }, w.tokens.municipal)).status).toBe(400);
  });

  it('requires a sign-in for every case route', async () => {
    expect((await t.api.get(`/cases/${submittedId}`)).status).toBe(401);
    expect((await t.api.get('/cases')).status).toBe(401);
    expect((await t.api.post(`/cases/${submittedId}/events`, { type: 'APPROVE' })).status).toBe(401);
    expect((await t.api.get(`/audit/verify?caseId=${submittedId}`)).status).toBe(401);
  });
});

describe('GET /audit/verify', () => {
  it('lets the firm and the reviewers verify, and hides the case from others', async () => {
    for (const role of ['firm', 'municipal', 'provincial'] as const) {
      expect((await t.api.get(`/audit/verify?caseId=${submittedId}`, w.tokens[role])).body, role).toMatchObject({ valid: true });
    }
    expect((await t.api.get(`/audit/verify?caseId=${submittedId}`, w.tokens.otherFirm)).status).toBe(404);
    expect((await t.api.get('/audit/verify?caseId=nope', w.tokens.provincial)).status).toBe(400);
  });

  it('answers an administrator, who reads no case files, 404 for a case and for an unknown id alike', async () => {
    for (const id of [submittedId, draftId, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.api.get(`/audit/verify?caseId=${id}`, w.tokens.admin);
      expect(res.status, id).toBe(404);
      expect(res.body).toMatchObject({ detail: 'case not found' });
    }
  });
});
