import { beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { useTestApp } from '../support/use-app';
import { attachRequiredDocuments } from '../../seeds/factories';

const { t, w } = useTestApp();

interface Problem {
  errors?: { code?: string; path: string; message: string; messageZh?: string }[];
}
const codes = (body: Problem) => (body.errors ?? []).map((e) => `${e.code}@${e.path}`);
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// Spellings of the policy number PICC-2026-<n> that SPEC §5 counts as the same policy.
const VARIANTS: [string, (n: string) => string][] = [
  ['in lower case', (n) => `picc-2026-${n}`],
  ['after a zero-width space', (n) => `\u200BPICC-2026-${n}`],
  ['before a zero-width space', (n) => `PICC-2026-${n}\u200B`],
  ['with non-breaking hyphens', (n) => `PICC\u20112026\u2011${n}`],
  ['in lower case with full-width hyphens', (n) => `picc\uFF0D2026\uFF0D${n}`],
  ['in full-width letters', (n) => `${fullWidth('PICC')}-2026-${n}`],
  ['with spaces around the dashes', (n) => `PICC - 2026 - ${n}`],
  ['with spaces for dashes', (n) => `PICC 2026 ${n}`],
  ['in mixed case with full-width digits', (n) => `PiCc-${fullWidth('2026')}-${fullWidth(n)}`],
  ['with non-breaking and ideographic spaces for dashes', (n) => `PICC\u00A02026\u3000${n}`],
  ['with minus signs', (n) => `PICC\u22122026\u2212${n}`],
  ['with swung dashes', (n) => `PICC\u20532026\u2053${n}`],
  ['with a hyphen, an em dash, a soft hyphen and a byte-order mark', (n) => `PI\u00ADCC\u20102026\u2014\uFEFF${n}`],
];

const number = () => String(randomInt(100_000, 999_999));
const withPolicy = (policyNumber: string, userUnit = w.caseBody().userUnit) => ({ userUnit, policy: { ...w.caseBody().policy, number: policyNumber } });

async function draft(over: Record<string, unknown>) {
  const id = await w.createCase(over);
  await w.attachDocuments(id);
  return id;
}
const submit = (id: string) => t.api.post<Problem & { state?: string }>(`/cases/${id}/events`, { type: 'SUBMIT' }, w.tokens.firm);

describe('a live policy number spelled another way (SPEC §5)', () => {
  let n: string;
  let live: ReturnType<typeof withPolicy>;
  let liveNumber: string;
  beforeAll(async () => {
    n = number();
    live = withPolicy(`PICC-2026-${n}`);
    const id = await w.submittedCase(live);
    liveNumber = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number;
  });

  for (const [how, spell] of VARIANTS) {
    it(`refuses the same policy ${how} with 422 case.duplicate naming the live one, keeping the number as typed`, async () => {
      const id = await draft(withPolicy(spell(n), live.userUnit));
      const res = await submit(id);
      expect(res.status).toBe(422);
      expect(codes(res.body)).toEqual(['case.duplicate@policy.number']);
      // found by the §5 rule itself, which names the live application
      expect(res.body.errors?.[0]?.message).toContain(liveNumber);
      const view = await t.api.get<{ state: string; policy: { number: string } }>(`/cases/${id}`, w.tokens.firm);
      expect(view.body).toMatchObject({ state: 'draft', policy: { number: spell(n).trim() } });
    });
  }

  it('still accepts another policy number for the same material and user unit', async () => {
    const res = await submit(await draft(withPolicy(`PICC-2026-${n}7`, live.userUnit)));
    expect(res.status).toBe(200);
  });
});

describe('the database refuses what the rule might miss', () => {
  it('lets one of two variants submitted at the same instant through and answers the other 422 with the reason', async () => {
    const n = number();
    const userUnit = w.caseBody().userUnit;
    const ids = [await draft(withPolicy(`PICC-2026-${n}`, userUnit)), await draft(withPolicy(`picc\uFF0D2026\uFF0D${n}`, userUnit))];
    const answers = await Promise.all(ids.map(submit));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(codes(answers.find((r) => r.status === 422)?.body ?? {})).toEqual(['case.duplicate@policy.number']);
  });

  it('answers 422, not 500, to an edit that turns a returned case into a variant of a live one', async () => {
    const n = number();
    const userUnit = w.caseBody().userUnit;
    await w.submittedCase(withPolicy(`PICC-2026-${n}`, userUnit));
    const other = await w.submittedCase(withPolicy(`PICC-2026-${n}-B`, userUnit));
    await t.api.post(`/cases/${other}/events`, { type: 'RETURN', reasons: [{ message: '保单号有误' }] }, w.tokens.municipal);
    const res = await t.api.patch<Problem>(`/cases/${other}`, { policy: { number: `ＰＩＣＣ 2026 ${n}` } }, w.tokens.firm);
    expect(res.status).toBe(422);
    expect(codes(res.body)).toEqual(['case.duplicate@policy.number']);
  });

  it('refuses a direct write of a variant into a second live case with the unique index', async () => {
    const n = number();
    const userUnit = w.caseBody().userUnit;
    await w.submittedCase(withPolicy(`PICC-2026-${n}`, userUnit));
    const second = await w.submittedCase(withPolicy(`PICC-2026-${n}9`, userUnit));
    const write = t.app.db
      .update(cases)
      .set({ policy: sql`jsonb_set(${cases.policy}, '{number}', ${JSON.stringify(`\u200Bpicc\u20132026\u2013${n}`)}::jsonb)` })
      .where(eq(cases.id, second));
    await expect(write).rejects.toMatchObject({ cause: { code: '23505', constraint_name: 'cases_live_duplicate_key' } });
  });
});

describe('what the duplicate rule compares (SPEC §5)', () => {
  it("does not let another firm's live case with the same entry, user unit and policy number block this firm's SUBMIT", async () => {
    const body = w.caseBody(withPolicy(`PICC-2026-${number()}`));
    const other = await w.makeFirm();
    const created = await t.api.post<{ id: string }>('/cases', body, other.token);
    expect(created.status).toBe(201);
    await attachRequiredDocuments(t.app.db, created.body.id, other.user.id);
    const theirs = await t.api.post(`/cases/${created.body.id}/events`, { type: 'SUBMIT' }, other.token);
    expect(theirs.status).toBe(200);
    const res = await submit(await draft(body));
    expect(res.status).toBe(200);
  });

  it('accepts the same policy number for a different user unit', async () => {
    const policyNumber = `PICC-2026-${number()}`;
    const first = w.caseBody().userUnit;
    const second = w.caseBody().userUnit;
    expect(second.uscc).not.toBe(first.uscc);
    await w.submittedCase(withPolicy(policyNumber, first));
    const res = await submit(await draft(withPolicy(policyNumber, second)));
    expect(res.status).toBe(200);
  });
});
