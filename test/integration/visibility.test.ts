import { describe, expect, it } from 'vitest';
import { and, inArray } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { canSee } from '../../workflows/case/permissions';
import { visibleCases } from '../../server/cases/visibility';
import { readCase } from '../../server/cases/workflow';
import { toUser } from '../../server/auth/sessions';
import { makeUser } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

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
});
