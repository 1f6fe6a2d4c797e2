import { describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { canSee } from '../../workflows/case/permissions';
import { visibleCases } from '../../server/cases/visibility';
import { readCase } from '../../server/cases/workflow';
import { toUser } from '../../server/auth/sessions';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PASSING_SCORES } from '../support/world';

const { t, w } = useTestApp();

describe('list visibility', () => {
  it('agrees with the per-case rule (canSee) for every role, on drafts and submitted cases', async () => {
    const ids = [await w.createCase(), await w.submittedCase(), await w.submittedCase({ policy: { ...w.caseBody().policy, insurerId: w.otherInsurer.id } })];
    const both = await makeUser(t.app.db, { roles: ['municipal', 'insurer'], city: '330200', insurerId: w.insurer.id });
    const people = [...Object.values(w.people), both];
    const rows = await t.app.db.select().from(cases).where(inArray(cases.id, ids));
    for (const person of people) {
      const user = toUser(person);
      const listed = await t.app.db.select({ id: cases.id }).from(cases).where(and(inArray(cases.id, ids), visibleCases(user)));
      const expected = [];
      for (const row of rows) if (canSee(user, (await readCase(t.app.db, row.id, false)).facts)) expected.push(row.id);
      expect(listed.map((r) => r.id).sort(), person.email).toEqual(expected.sort());
    }
    expect(rows).toHaveLength(3);
  });

  it('agrees with canSee for an expert in each state of an assignment: held (assigned, accepted, scored) or let go', async () => {
    const id = await w.caseIn('expert');
    const panel = await w.makeExperts(5);
    const [assigned, accepted, scored, declined, replaced] = panel;
    const [stand] = await w.makeExperts(1);
    if (!assigned || !accepted || !scored || !declined || !replaced || !stand) throw new Error('no panel');
    const steps: [string, Record<string, unknown>][] = [
      [w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: panel.map((e) => e.user.id) }],
      [accepted.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }],
      [scored.token, { type: 'ACCEPT_ASSIGNMENT', noConflict: true }],
      [scored.token, { type: 'SCORE', scores: PASSING_SCORES, opinion: '好' }],
      [declined.token, { type: 'DECLINE_ASSIGNMENT', reason: '回避' }],
      [replaced.token, { type: 'DECLINE_ASSIGNMENT', reason: '出差' }],
      [w.tokens.provincial, { type: 'ASSIGN_EXPERTS', expertIds: [stand.user.id], replaces: replaced.user.id }],
    ];
    for (const [token, event] of steps) expect((await t.api.post(`/cases/${id}/events`, event, token)).status, String(event.type)).toBe(200);
    const facts = (await readCase(t.app.db, id, false)).facts;
    const sees = async (person: (typeof panel)[number]) => {
      const user = toUser(person.user);
      const listed = await t.app.db.select({ id: cases.id }).from(cases).where(and(eq(cases.id, id), visibleCases(user)));
      expect(listed.length === 1, person.user.email).toBe(canSee(user, facts));
      return canSee(user, facts);
    };
    expect([await sees(assigned), await sees(accepted), await sees(scored), await sees(declined), await sees(replaced)]).toEqual([true, true, true, false, false]);
  });
});
