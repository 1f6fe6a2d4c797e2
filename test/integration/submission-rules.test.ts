import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cases, rounds } from '../../db/schema';
import { attachRequiredDocuments, factoryDates, makeEdition, makeInsurer, makeRound, randomUscc } from '../../seeds/factories';
import { addCalendarDays, shanghaiDate } from '../../server/calendar/dates';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();
let unlistedInsurerId: string;

beforeAll(async () => {
  unlistedInsurerId = (await makeInsurer(t.app.db)).id;
});

interface Problem {
  code: string;
  path: string;
  message: string;
  messageZh: string;
}
type Over = Record<string, unknown>;
const SECTIONS = ['material', 'userUnit', 'contract', 'policy'];

/** w.caseBody with the four sections merged field by field; `undefined` drops a field. */
function body(over: Over = {}) {
  const base: Over = w.caseBody();
  for (const [k, v] of Object.entries(over)) base[k] = SECTIONS.includes(k) ? { ...(base[k] as Over), ...(v as Over) } : v;
  return base;
}

async function draft(over: Over = {}, firm: { token: string; userId: string } = { token: w.tokens.firm, userId: w.people.firm.id }) {
  const res = await t.api.post<{ id: string }>('/cases', body(over), firm.token);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  await attachRequiredDocuments(t.app.db, res.body.id, firm.userId);
  return res.body.id;
}

const submit = (id: string, token = w.tokens.firm, type = 'SUBMIT') => t.api.post<{ state: string; errors?: Problem[] }>(`/cases/${id}/events`, { type }, token);
const found = (errors: Problem[] | undefined) => (errors ?? []).map((e) => `${e.code} @ ${e.path}`).sort();

/** SUBMIT is refused with exactly these problems, each explained in both languages. */
async function expectRefused(id: string, expected: string[], token = w.tokens.firm, type = 'SUBMIT') {
  const res = await submit(id, token, type);
  expect(res.status).toBe(422);
  expect(found(res.body.errors)).toEqual([...expected].sort());
  for (const e of res.body.errors ?? []) expect(e.message.length > 0 && e.messageZh.length > 0).toBe(true);
  return res.body.errors ?? [];
}

async function expectSubmitted(id: string, token = w.tokens.firm, type = 'SUBMIT') {
  const res = await submit(id, token, type);
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
}

const fix = async (id: string, patch: Over, token = w.tokens.firm) => expect((await t.api.patch(`/cases/${id}`, patch, token)).status).toBe(200);

describe('SUBMIT of a complete application', () => {
  it('moves a complete application to municipal review', async () => {
    const id = await draft();
    const res = await submit(id);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('municipal');
  });

  it('accepts a premium rate above the cap and shows it as a warning', async () => {
    const id = await draft({ contract: { amount: '300000.00' }, policy: { liabilityLimit: '1000000.00', premium: '45000.00' } });
    await expectSubmitted(id);
    const view = await t.api.get<{ warnings: { code: string }[] }>(`/cases/${id}`, w.tokens.municipal);
    expect(view.body.warnings.map((x) => x.code)).toEqual(['premium_rate_above_cap']);
  });
});

describe('each rule of SPEC §5, broken alone and then fixed', () => {
  const fieldRules: { rule: string; breaks: () => Over; fixes: () => Over; expected: string }[] = [
    { rule: 'contract minimum', breaks: () => ({ contract: { amount: '150000.00' } }), fixes: () => ({ contract: { amount: '200000.00' } }), expected: 'contract.below_minimum @ contract.amount' },
    {
      rule: 'insurance window',
      // the round's insurance window opens on factoryDates.insuranceStartsOn
      breaks: () => ({ policy: { startsOn: addCalendarDays(factoryDates.insuranceStartsOn, -1), endsOn: addCalendarDays(factoryDates.insuranceStartsOn, 363) } }),
      fixes: () => ({ policy: { startsOn: factoryDates.insuranceStartsOn } }),
      expected: 'policy.start_outside_window @ policy.startsOn',
    },
    { rule: 'end after start', breaks: () => ({ policy: { endsOn: factoryDates.policyStartsOn } }), fixes: () => ({ policy: { endsOn: addCalendarDays(factoryDates.policyStartsOn, 1) } }), expected: 'policy.end_before_start @ policy.endsOn' },
    { rule: 'term of one year', breaks: () => ({ policy: { endsOn: addCalendarDays(factoryDates.policyStartsOn, 367) } }), fixes: () => ({ policy: { endsOn: addCalendarDays(factoryDates.policyStartsOn, 366) } }), expected: 'policy.term_too_long @ policy.endsOn' },
    { rule: 'listed insurer', breaks: () => ({ policy: { insurerId: unlistedInsurerId } }), fixes: () => ({ policy: { insurerId: w.insurer.id } }), expected: 'policy.insurer_not_listed @ policy.insurerId' },
    { rule: 'positive premium', breaks: () => ({ policy: { premium: '0.00' } }), fixes: () => ({ policy: { premium: '1500000.00' } }), expected: 'policy.premium_not_positive @ policy.premium' },
    { rule: 'positive limit', breaks: () => ({ policy: { liabilityLimit: '0.00' } }), fixes: () => ({ policy: { liabilityLimit: '60000000.00' } }), expected: 'policy.limit_not_positive @ policy.liabilityLimit' },
    { rule: 'valid user unit USCC', breaks: () => ({ userUnit: { uscc: '91330100799655058X' } }), fixes: () => ({ userUnit: { uscc: randomUscc('330200') } }), expected: 'user_unit.uscc_invalid @ userUnit.uscc' },
    { rule: 'user unit not the firm', breaks: () => ({ userUnit: { uscc: w.firm.uscc } }), fixes: () => ({ userUnit: { uscc: randomUscc('330200') } }), expected: 'user_unit.same_as_firm @ userUnit.uscc' },
    { rule: 'not an affiliate', breaks: () => ({ userUnit: { notAffiliate: false } }), fixes: () => ({ userUnit: { notAffiliate: true } }), expected: 'user_unit.affiliate @ userUnit.notAffiliate' },
    { rule: 'not a trader', breaks: () => ({ userUnit: { notTrader: undefined } }), fixes: () => ({ userUnit: { notTrader: true } }), expected: 'user_unit.trader @ userUnit.notTrader' },
    { rule: 'material name given', breaks: () => ({ material: { name: '' } }), fixes: () => ({ material: { name: '超纯氨' } }), expected: 'material.name.missing @ material.name' },
    { rule: 'material name visible', breaks: () => ({ material: { name: '\u200b\u200b' } }), fixes: () => ({ material: { name: '超纯氨' } }), expected: 'material.name.missing @ material.name' },
    { rule: 'policy number visible', breaks: () => ({ policy: { number: '\u200b' } }), fixes: () => ({ policy: { number: 'PICC-2026-0001' } }), expected: 'policy.number.missing @ policy.number' },
    { rule: 'payment date given', breaks: () => ({ policy: { paidOn: undefined } }), fixes: () => ({ policy: { paidOn: factoryDates.premiumPaidOn } }), expected: 'policy.paid_on.missing @ policy.paidOn' },
  ];

  for (const { rule, breaks, fixes, expected } of fieldRules) {
    it(`refuses an application breaking only the ${rule} rule with ${expected}, and submits it once fixed`, async () => {
      const id = await draft(breaks());
      await expectRefused(id, [expected]);
      await fix(id, fixes());
      await expectSubmitted(id);
    });
  }

  it('quotes the amount and the minimum when the contract is too small', async () => {
    const [problem] = await expectRefused(await draft({ contract: { amount: '150000.00' } }), ['contract.below_minimum @ contract.amount']);
    expect(problem?.message).toBe("the contract amount 150,000.00 is below the round's minimum of 200,000.00");
    expect(problem?.messageZh).toContain('150,000.00');
  });

  it('refuses an application whose round has closed, and submits it once moved to the open round', async () => {
    const past = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], opensAt: new Date('2025-01-01T00:00:00+08:00'), closesAt: new Date('2025-12-31T00:00:00+08:00') });
    const id = await draft({ roundId: past.id });
    const [problem] = await expectRefused(id, ['round.closed @ roundId']);
    expect(problem?.message).toContain('until 31 Dec 2025, 00:00 (Beijing time)');
    expect(problem?.messageZh).toContain('至 2025年12月31日 00:00');
    await fix(id, { roundId: w.round.id });
    await expectSubmitted(id);
  });

  it('refuses an application to a round that has not opened yet', async () => {
    const future = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], opensAt: new Date('2099-01-01T00:00:00+08:00'), closesAt: new Date('2099-12-31T00:00:00+08:00') });
    await expectRefused(await draft({ roundId: future.id }), ['round.closed @ roundId']);
  });

  it('refuses a banned firm until the day after its ban ends', async () => {
    const today = shanghaiDate(t.app.clock.now());
    const banned = await w.makeFirm({ bannedUntil: today });
    const id = await draft({}, { token: banned.token, userId: banned.user.id });
    await expectRefused(id, ['firm.banned @ enterprise.bannedUntil'], banned.token);
    const lifted = await w.makeFirm({ bannedUntil: addCalendarDays(today, -1) });
    await expectSubmitted(await draft({}, { token: lifted.token, userId: lifted.user.id }), lifted.token);
  });

  it('refuses a firm whose profile lacks its bank account', async () => {
    const firm = await w.makeFirm({ bankAccount: '' });
    await expectRefused(await draft({}, { token: firm.token, userId: firm.user.id }), ['firm.profile_incomplete @ enterprise.bankAccount'], firm.token);
  });

  it('names each gap of a firm profile: USCC, city and bank', async () => {
    const firm = await w.makeFirm({ uscc: randomUscc().slice(0, 17), city: '999999', bankName: ' ' });
    const problems = await expectRefused(await draft({}, { token: firm.token, userId: firm.user.id }), [
      'firm.profile_incomplete @ enterprise.uscc',
      'firm.profile_incomplete @ enterprise.city',
      'firm.profile_incomplete @ enterprise.bankName',
    ], firm.token);
    expect(problems.map((p) => p.messageZh).join()).toContain('企业信息不完整');
  });

  it("refuses a buyer that is one of the firm's declared affiliations", async () => {
    const buyer = randomUscc('330300');
    const firm = await w.makeFirm({ affiliations: [buyer] });
    await expectRefused(await draft({ userUnit: { uscc: buyer } }, { token: firm.token, userId: firm.user.id }), ['user_unit.affiliate @ userUnit.uscc'], firm.token);
  });

  it("refuses an entry that left the round's edition, and submits once an entry of the edition is chosen", async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const id = await draft({ roundId: round.id });
    const { entries } = await makeEdition(t.app.db, [{ name: '超纯四氯化硅' }]);
    const [newEntry] = entries;
    if (!newEntry) throw new Error('no entry');
    // the administrator pointed the round at a corrected edition after the draft was opened
    await t.app.db.update(rounds).set({ editionId: newEntry.editionId }).where(eq(rounds.id, round.id));
    await expectRefused(id, ['entry.not_in_edition @ catalogueEntryId']);
    await fix(id, { catalogueEntryId: newEntry.id });
    await expectSubmitted(id);
  });

  it('refuses an entry the round excludes, and submits with another entry', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], excludedEntryIds: [w.entry.id] });
    const id = await draft({ roundId: round.id });
    await expectRefused(id, ['entry.excluded @ catalogueEntryId']);
    const other = w.entries[1];
    if (!other) throw new Error('no second entry');
    await fix(id, { catalogueEntryId: other.id });
    await expectSubmitted(id);
  });

  it('refuses an entry whose category the round excludes', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], excludedCategories: ['关键战略材料'] });
    const [problem] = await expectRefused(await draft({ roundId: round.id }), ['entry.excluded @ catalogueEntryId']);
    expect(problem?.message).toContain('关键战略材料');
  });

  it('names each missing document, and submits once they are uploaded', async () => {
    const res = await t.api.post<{ id: string }>('/cases', body(), w.tokens.firm);
    await w.attachDocuments(res.body.id, ['business_license', 'sales_contract', 'sales_invoice', 'insurance_policy', 'premium_invoice', 'premium_payment_proof', 'user_confirmation']);
    const problems = await expectRefused(res.body.id, ['documents.missing @ documents.test_report', 'documents.missing @ documents.integrity_pledge']);
    expect(problems.map((p) => p.messageZh).sort()).toEqual(['缺少必备材料：检测报告，请上传', '缺少必备材料：诚信承诺书，请上传']);
    await w.attachDocuments(res.body.id, ['test_report', 'integrity_pledge']);
    await expectSubmitted(res.body.id);
  });

  it('refuses a duplicate of a live application, and accepts it once the first is withdrawn', async () => {
    const same = body();
    const first = await draft(same);
    const second = await draft(same);
    await expectSubmitted(first);
    const [problem] = await expectRefused(second, ['case.duplicate @ policy.number']);
    const [firstRow] = await t.app.db.select({ number: cases.number }).from(cases).where(eq(cases.id, first));
    expect(problem?.message).toContain(firstRow?.number);
    expect((await t.api.post(`/cases/${first}/events`, { type: 'WITHDRAW', reason: '重复申报' }, w.tokens.firm)).status).toBe(200);
    await expectSubmitted(second);
  });

  it('reports every missing field of an empty draft at once', async () => {
    const res = await t.api.post<{ id: string }>('/cases', { roundId: w.round.id, catalogueEntryId: w.entry.id }, w.tokens.firm);
    await w.attachDocuments(res.body.id);
    const missing = ['material.name', 'material.specification', 'userUnit.name', 'userUnit.uscc', 'contract.number', 'contract.signedOn', 'contract.amount', 'contract.quantity', 'contract.unit', 'contract.deliveredOn', 'policy.insurerId', 'policy.number', 'policy.liabilityLimit', 'policy.premium', 'policy.startsOn', 'policy.endsOn', 'policy.premiumInvoiceNo', 'policy.paidOn'];
    const snake = (p: string) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    await expectRefused(res.body.id, [...missing.map((p) => `${snake(p)}.missing @ ${p}`), 'user_unit.affiliate @ userUnit.notAffiliate', 'user_unit.trader @ userUnit.notTrader']);
  });
});

describe('several broken rules', () => {
  it('reports every failing rule in one 422', async () => {
    const res = await t.api.post<{ id: string }>('/cases', body({ contract: { amount: '100000.00' }, policy: { insurerId: unlistedInsurerId, endsOn: addCalendarDays(factoryDates.policyStartsOn, -31) }, userUnit: { notTrader: false } }), w.tokens.firm);
    await w.attachDocuments(res.body.id, ['business_license']);
    const others = ['sales_contract', 'sales_invoice', 'insurance_policy', 'premium_invoice', 'premium_payment_proof', 'test_report', 'user_confirmation', 'integrity_pledge'];
    await expectRefused(res.body.id, [
      'contract.below_minimum @ contract.amount',
      'policy.insurer_not_listed @ policy.insurerId',
      'policy.end_before_start @ policy.endsOn',
      'user_unit.trader @ userUnit.notTrader',
      ...others.map((d) => `documents.missing @ documents.${d}`),
    ]);
  });
});

describe('renewals (at most the round maximum of policy years, SPEC §1)', () => {
  /** A draft in a fresh round of `year`, optionally renewing `renewalOf`. */
  async function draftIn(year: number, renewalOf: string | null = null, over: Over = {}) {
    const round = await makeRound(t.app.db, { year, editionId: w.edition.id, insurerIds: [w.insurer.id] });
    return draft({ roundId: round.id, renewalOf, ...over });
  }

  /** A submitted application of a given year's round, optionally renewing `renewalOf`. */
  async function earlierYear(year: number, renewalOf: string | null = null, over: Over = {}) {
    const id = await draftIn(year, renewalOf, over);
    await expectSubmitted(id);
    return id;
  }

  const withdraw = async (id: string) => expect((await t.api.post(`/cases/${id}/events`, { type: 'WITHDRAW', reason: '撤回' }, w.tokens.firm)).status).toBe(200);
  const numberOf = async (id: string) => (await t.app.db.select({ number: cases.number }).from(cases).where(eq(cases.id, id)))[0]?.number;

  it('refuses the fourth policy year when every renewal links to the first application', async () => {
    const first = await earlierYear(2026);
    await earlierYear(2027, first);
    await earlierYear(2028, first);
    const fourth = await draftIn(2029, first);
    const [problem] = await expectRefused(fourth, ['renewal.chain_too_long @ renewalOf']);
    expect(problem?.message).toContain('policy year 4');
  });

  it('accepts a chain linked year to year up to the third year and refuses the fourth', async () => {
    const y2026 = await earlierYear(2026);
    const y2027 = await earlierYear(2027, y2026);
    const y2028 = await earlierYear(2028, y2027);
    await expectRefused(await draftIn(2029, y2028), ['renewal.chain_too_long @ renewalOf']);
  });

  it('counts a chain that mixes links to the first and to the previous year', async () => {
    const first = await earlierYear(2026);
    const y2027 = await earlierYear(2027, first);
    await earlierYear(2028, y2027);
    await expectRefused(await draftIn(2029, first), ['renewal.chain_too_long @ renewalOf']);
  });

  it('refuses a second live renewal for the same policy year, naming the first', async () => {
    const first = await earlierYear(2026);
    const waiting = await draftIn(2027, first);
    const taken = await earlierYear(2027, first);
    const [problem] = await expectRefused(waiting, ['renewal.year_taken @ renewalOf']);
    expect(problem?.message).toContain(await numberOf(taken));
  });

  it('frees the year and the place of a withdrawn renewal', async () => {
    const first = await earlierYear(2026);
    const y2027 = await earlierYear(2027, first);
    await earlierYear(2028, first);
    await withdraw(y2027);
    await earlierYear(2027, first);
    await expectRefused(await draftIn(2029, first), ['renewal.chain_too_long @ renewalOf']);
  });

  it('frees a place when the first application is withdrawn', async () => {
    const first = await earlierYear(2025);
    const y2026 = await earlierYear(2026, first);
    await earlierYear(2027, y2026);
    await withdraw(first);
    await earlierYear(2028, y2026);
  });

  describe('in a later round on a newer catalogue edition', () => {
    async function renewOnNewEdition(name: string) {
      const { entries: [old] } = await makeEdition(t.app.db, [{ name: 'PTFE 微孔膜' }], { year: 2025 });
      const { entries: [renamed] } = await makeEdition(t.app.db, [{ name }], { year: 2026 });
      if (!old || !renamed) throw new Error('no entry');
      const oldRound = await makeRound(t.app.db, { year: 2026, editionId: old.editionId, insurerIds: [w.insurer.id] });
      const first = await draft({ roundId: oldRound.id, catalogueEntryId: old.id });
      await expectSubmitted(first);
      const round = await makeRound(t.app.db, { year: 2027, editionId: renamed.editionId, insurerIds: [w.insurer.id] });
      return draft({ roundId: round.id, catalogueEntryId: renamed.id, renewalOf: first });
    }

    it('accepts a renewal whose entry has the same material name, up to width and spaces', async () => {
      await expectSubmitted(await renewOnNewEdition(' ＰＴＦＥ 微孔膜 '));
    });

    it('refuses a renewal whose entry names another material', async () => {
      const [problem] = await expectRefused(await renewOnNewEdition('超纯氨'), ['renewal.other_entry @ renewalOf']);
      expect(problem?.message).toContain('PTFE 微孔膜');
    });
  });

  it('accepts the third policy year of a product and refuses the fourth', async () => {
    const y2024 = await earlierYear(2024);
    const y2025 = await earlierYear(2025, y2024);
    await expectSubmitted(await draft({ renewalOf: y2025 }));

    const y2023 = await earlierYear(2023);
    const y2024b = await earlierYear(2024, y2023);
    const y2025b = await earlierYear(2025, y2024b);
    const fourth = await draft({ renewalOf: y2025b });
    const [problem] = await expectRefused(fourth, ['renewal.chain_too_long @ renewalOf']);
    expect(problem?.message).toContain('at most 3 years');
  });

  it('refuses a renewal of an application for another catalogue entry', async () => {
    const other = w.entries[1];
    if (!other) throw new Error('no second entry');
    const previous = await earlierYear(2025, null, { catalogueEntryId: other.id });
    await expectRefused(await draft({ renewalOf: previous }), ['renewal.other_entry @ renewalOf']);
  });

  it('refuses a renewal of a withdrawn application', async () => {
    const previous = await earlierYear(2025);
    await withdraw(previous);
    await expectRefused(await draft({ renewalOf: previous }), ['renewal.previous_not_accepted @ renewalOf']);
  });

  it('refuses a renewal of a draft that was never submitted', async () => {
    const round = await makeRound(t.app.db, { year: 2025, editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const previous = await draft({ roundId: round.id });
    await expectRefused(await draft({ renewalOf: previous }), ['renewal.previous_not_accepted @ renewalOf']);
  });

  it("refuses a renewal of an application of the same year's round", async () => {
    const previous = await draft();
    await expectSubmitted(previous);
    await expectRefused(await draft({ renewalOf: previous }), ['renewal.not_previous_year @ renewalOf']);
  });

  it("refuses a renewal link that was moved to another firm's application", async () => {
    const previous = await earlierYear(2025);
    const id = await draft({ renewalOf: previous });
    const foreign = await t.api.post<{ id: string }>('/cases', w.caseBody(), w.tokens.otherFirm);
    await t.app.db.update(cases).set({ renewalOf: foreign.body.id }).where(eq(cases.id, id));
    await expectRefused(id, ['renewal.not_found @ renewalOf']);
  });
});

describe('RESUBMIT after a revision request', () => {
  async function returned() {
    const id = await w.submittedCase();
    const res = await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] }, w.tokens.municipal);
    expect(res.status).toBe(200);
    return id;
  }

  it('applies the same rules to a resubmission', async () => {
    const id = await returned();
    await fix(id, { contract: { amount: '100000.00' } });
    await expectRefused(id, ['contract.below_minimum @ contract.amount'], w.tokens.firm, 'RESUBMIT');
    await fix(id, { contract: { amount: '10000000.00' } });
    await expectSubmitted(id, w.tokens.firm, 'RESUBMIT');
  });

  it('accepts a resubmission after the round has closed, because the first submission was in time', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const id = await w.submittedCase({ roundId: round.id });
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '请补正' }] }, w.tokens.municipal)).status).toBe(200);
    await t.app.db.update(rounds).set({ closesAt: new Date('2026-01-02T00:00:00+08:00') }).where(eq(rounds.id, round.id));
    await expectRefused(await draft({ roundId: round.id }), ['round.closed @ roundId']);
    await expectSubmitted(id, w.tokens.firm, 'RESUBMIT');
  });
});

describe('WITHDRAW', () => {
  const withdraw = (id: string) => t.api.post<{ state: string }>(`/cases/${id}/events`, { type: 'WITHDRAW', reason: '合同取消' }, w.tokens.firm);

  it('withdraws a draft', async () => {
    const res = await withdraw(await w.createCase());
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('withdrawn');
  });

  it('withdraws an application under municipal review', async () => {
    const res = await withdraw(await w.submittedCase());
    expect(res.body.state).toBe('withdrawn');
  });

  it('refuses to withdraw a rejected application with 409', async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'REJECT', reason: '不符合条件' }, w.tokens.municipal)).status).toBe(200);
    expect((await withdraw(id)).status).toBe(409);
  });
});

describe('who may submit', () => {
  it('answers 404 to everyone but the applicant firm, who cannot see a draft', async () => {
    const id = await draft();
    for (const who of ['otherFirm', 'municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await submit(id, w.tokens[who])).status, who).toBe(404);
    }
    await expectSubmitted(id);
  });

  it('answers 401 without a session', async () => {
    expect((await t.api.post(`/cases/${await draft()}/events`, { type: 'SUBMIT' })).status).toBe(401);
  });
});
