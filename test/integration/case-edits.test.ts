import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();

interface Problem {
  errors?: { path: string; code?: string }[];
}
const codes = (body: Problem) => (body.errors ?? []).map((e) => `${e.code}@${e.path}`);

describe('case bodies that refer to nothing, or to the wrong time', () => {
  it('refuses an unknown insurer with 422 naming policy.insurerId, on create and on edit', async () => {
    const policy = { ...w.caseBody().policy, insurerId: randomUUID() };
    const created = await t.api.post<Problem>('/cases', w.caseBody({ policy }), w.tokens.firm);
    expect(created.status).toBe(422);
    expect(codes(created.body)).toEqual(['policy.insurer_unknown@policy.insurerId']);
    const id = await w.createCase();
    const edited = await t.api.patch<Problem>(`/cases/${id}`, { policy: { insurerId: randomUUID() } }, w.tokens.firm);
    expect(edited.status).toBe(422);
    expect(codes(edited.body)).toEqual(['policy.insurer_unknown@policy.insurerId']);
  });

  it('refuses a date before 1990 or after 2100 with 400 naming the field', async () => {
    const res = await t.api.post<Problem>('/cases', w.caseBody({ policy: { ...w.caseBody().policy, startsOn: '0050-01-01' } }), w.tokens.firm);
    expect(res.status).toBe(400);
    expect((res.body.errors ?? []).map((e) => e.path)).toEqual(['policy.startsOn']);
  });

  it('refuses with 422, not 500, an edit that turns a returned case into a copy of a live one', async () => {
    const body = w.caseBody();
    const live = await w.submittedCase(body);
    const other = await w.submittedCase({ userUnit: body.userUnit, policy: { ...body.policy, number: `${body.policy.number}-B` } });
    await t.api.post(`/cases/${other}/events`, { type: 'RETURN', reasons: [{ message: '保单号有误' }] }, w.tokens.municipal);
    const res = await t.api.patch<Problem>(`/cases/${other}`, { policy: { number: body.policy.number } }, w.tokens.firm);
    expect(res.status).toBe(422);
    expect(codes(res.body)).toEqual(['case.duplicate@policy.number']);
    expect((await t.api.get<{ state: string }>(`/cases/${live}`, w.tokens.firm)).body.state).toBe('municipal');
  });
});
