import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestApp } from '../support/use-app';
import { defaultRubric, makeEdition, makeInsurer, makeUser, REQUIRED_DOCUMENTS } from '../../seeds/factories';
import { defaultClockLengths } from '../../server/engine/clock-kinds';

const { t, w } = useTestApp();

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };
type Round = Record<string, unknown> & { id: string; paramsVersion: number };
const paths = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.path);

// Only one edition is published at a time, so a publish in another test file supersedes this
// file's; each round gets a published edition made just before it is needed.
const freshEdition = () => makeEdition(t.app.db, [{ name: '超纯氨' }, { name: '超纯四氯化硅' }]);

/** The fields a round cannot do without; every rule parameter is left to its default. */
const minimal = (editionId: string, over: Record<string, unknown> = {}) => ({
  name: `2027年度首批次保险补偿-${randomUUID().slice(0, 6)}`,
  year: 2027,
  editionId,
  opensAt: '2027-03-01T00:00:00+08:00',
  closesAt: '2027-06-30T17:00:00+08:00',
  insuranceStartsOn: '2026-09-01',
  insuranceEndsOn: '2027-08-31',
  insurerIds: [w.insurer.id],
  ...over,
});

const createRound = async () => {
  const { edition, entries } = await freshEdition();
  const res = await t.api.post<Round>('/rounds', minimal(edition.id), w.tokens.admin);
  if (res.status !== 201) throw new Error(`round create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { round: res.body, entryId: entries[0]?.id };
};

describe('POST /rounds', () => {
  it('creates a round with the SPEC defaults for every parameter left out', async () => {
    const { edition } = await freshEdition();
    const res = await t.api.post<Round>('/rounds', minimal(edition.id), w.tokens.admin);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/rounds/${res.body.id}`);
    expect(res.body).toMatchObject({
      year: 2027,
      editionId: edition.id,
      opensAt: '2027-02-28T16:00:00.000Z',
      insurerIds: [w.insurer.id],
      rateBp: 8000,
      premiumRateCapBp: 300,
      limitMultiple: 5,
      absoluteLimit: '500000000.00',
      minContract: '200000.00',
      maxYears: 3,
      banYears: 3,
      perFirmCap: null,
      budget: null,
      excludedCategories: [],
      excludedEntryIds: [],
      requiredDocuments: [...REQUIRED_DOCUMENTS],
      clockLengths: defaultClockLengths,
      rubric: defaultRubric,
      paramsVersion: 1,
    });
    const read = await t.api.get(`/rounds/${res.body.id}`, w.tokens.firm);
    expect(read.body).toEqual(res.body);
  });

  it('stores every parameter it is given, with caps switched off by null', async () => {
    const rubric = { criteria: [{ key: 'quality', label: '质量', maxPoints: 50, weight: 2 }], passMark: 70 };
    const { edition, entries } = await freshEdition();
    const res = await t.api.post<Round>(
      '/rounds',
      minimal(edition.id, {
        insurerIds: [w.insurer.id, w.otherInsurer.id],
        rateBp: 7000,
        premiumRateCapBp: null,
        limitMultiple: null,
        absoluteLimit: null,
        minContract: '300000.50',
        maxYears: 2,
        banYears: 5,
        perFirmCap: '2000000.00',
        budget: '80000000.00',
        excludedCategories: ['关键战略材料'],
        excludedEntryIds: [entries[1]?.id],
        requiredDocuments: ['business_license', 'insurance_policy'],
        clockLengths: { municipalReviewWorkingDays: 15, paymentDays: 20 },
        rubric,
      }),
      w.tokens.admin,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      rateBp: 7000,
      premiumRateCapBp: null,
      limitMultiple: null,
      absoluteLimit: null,
      minContract: '300000.50',
      maxYears: 2,
      banYears: 5,
      perFirmCap: '2000000.00',
      budget: '80000000.00',
      excludedCategories: ['关键战略材料'],
      excludedEntryIds: [entries[1]?.id],
      requiredDocuments: ['business_license', 'insurance_policy'],
      clockLengths: { ...defaultClockLengths, municipalReviewWorkingDays: 15, paymentDays: 20 },
      rubric,
    });
  });

  const superseded = () => makeEdition(t.app.db, [], { status: 'superseded' }).then((e) => e.edition.id);
  const draft = () => makeEdition(t.app.db, [], { status: 'draft' }).then((e) => e.edition.id);
  const foreignEntry = () => makeEdition(t.app.db, [{ name: '超纯四氯化硅' }]).then((e) => e.entries[0]?.id);
  const unprocessable: [string, () => Promise<Record<string, unknown>>, string][] = [
    ['closesAt is not after opensAt', async () => ({ closesAt: '2027-02-01T00:00:00+08:00' }), 'closesAt'],
    ['the insurance window ends before it starts', async () => ({ insuranceEndsOn: '2026-08-31' }), 'insuranceEndsOn'],
    ['the edition does not exist', async () => ({ editionId: randomUUID() }), 'editionId'],
    ['the edition is superseded', async () => ({ editionId: await superseded() }), 'editionId'],
    ['the edition is still a draft', async () => ({ editionId: await draft() }), 'editionId'],
    ['an insurer does not exist', async () => ({ insurerIds: [w.insurer.id, randomUUID()] }), 'insurerIds.1'],
    ['an insurer is listed twice', async () => ({ insurerIds: [w.insurer.id, w.insurer.id] }), 'insurerIds.1'],
    ['an excluded entry belongs to another edition', async () => ({ excludedEntryIds: [await foreignEntry()] }), 'excludedEntryIds.0'],
    ['an excluded category is not in the edition', async () => ({ excludedCategories: ['前沿新材料'] }), 'excludedCategories.0'],
    ['a rubric key is used twice', async () => ({ rubric: { criteria: [crit('a'), crit('a')], passMark: 10 } }), 'rubric.criteria.1.key'],
    ['the pass mark is above the best score', async () => ({ rubric: { criteria: [crit('a'), crit('b')], passMark: 41 } }), 'rubric.passMark'],
  ];
  it.each(unprocessable)('refuses with 422 naming the field when %s', async (_name, over, path) => {
    const { edition } = await freshEdition();
    const res = await t.api.post('/rounds', minimal(edition.id, await over()), w.tokens.admin);
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual([path]);
  });

  const malformed: [string, Record<string, unknown>, string][] = [
    ['money is a JSON number', { minContract: 200000 }, 'minContract'],
    ['a cap in money is a JSON number', { absoluteLimit: 5e8 }, 'absoluteLimit'],
    ['money has three decimals', { budget: '1.005' }, 'budget'],
    ['a rate is a fraction of a basis point', { rateBp: 80.5 }, 'rateBp'],
    ['a rate is a percent string', { premiumRateCapBp: '3%' }, 'premiumRateCapBp'],
    ['a required document type is unknown', { requiredDocuments: ['business_license', 'photo'] }, 'requiredDocuments.1'],
    ['a rubric weight is not positive', { rubric: { criteria: [{ ...crit('a'), weight: 0 }], passMark: 10 } }, 'rubric.criteria.0.weight'],
    ['a clock length is zero', { clockLengths: { revisionWorkingDays: 0 } }, 'clockLengths.revisionWorkingDays'],
    ['opensAt has no offset', { opensAt: '2027-03-01T00:00:00' }, 'opensAt'],
    ['an unknown field is sent', { rateBpp: 8000 }, ''],
  ];
  it.each(malformed)('refuses with 400 naming the field when %s', async (_name, over, path) => {
    const res = await t.api.post('/rounds', minimal(w.edition.id, over), w.tokens.admin);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toContain(path);
  });

  it('refuses with 400 naming every missing required field', async () => {
    const res = await t.api.post('/rounds', { name: 'x' }, w.tokens.admin);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(expect.arrayContaining(['year', 'editionId', 'opensAt', 'closesAt', 'insuranceStartsOn', 'insuranceEndsOn', 'insurerIds']));
  });
});

function crit(key: string) {
  return { key, label: key, maxPoints: 20, weight: 1 };
}

describe('PATCH /rounds/:id', () => {
  it('applies a rule change directly while no application has been submitted', async () => {
    const { round, entryId } = await createRound();
    await w.createCase({ roundId: round.id, catalogueEntryId: entryId });
    const res = await t.api.patch<Round>(`/rounds/${round.id}`, { minContract: '250000.00', clockLengths: { noticeWorkingDays: 7 } }, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ minContract: '250000.00', paramsVersion: 1, clockLengths: { ...defaultClockLengths, noticeWorkingDays: 7 } });
    expect((await t.api.get<{ items: unknown[] }>(`/rounds/${round.id}/changes`, w.tokens.admin)).body.items).toEqual([]);
  });

  it('records a reason given before any submission as a new version', async () => {
    const { round } = await createRound();
    const res = await t.api.patch<Round>(`/rounds/${round.id}`, { budget: '50000000.00', reason: '预算批复' }, w.tokens.admin);
    expect(res.body).toMatchObject({ budget: '50000000.00', paramsVersion: 2 });
    const changes = await t.api.get<{ items: unknown[] }>(`/rounds/${round.id}/changes`, w.tokens.admin);
    expect(changes.body.items).toEqual([expect.objectContaining({ reason: '预算批复', before: { budget: null }, after: { budget: '50000000.00' } })]);
  });

  it('refuses a rule change without a reason once an application is submitted, and changes nothing', async () => {
    await w.submittedCase();
    const res = await t.api.patch<Problem>(`/rounds/${w.round.id}`, { rateBp: 7000, name: 'renamed' }, w.tokens.admin);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ fields: ['rateBp'] });
    expect(res.body.detail).toContain('reason');
    const read = await t.api.get<Round>(`/rounds/${w.round.id}`, w.tokens.admin);
    expect(read.body).toMatchObject({ rateBp: 8000, name: w.round.name, paramsVersion: w.round.paramsVersion });
  });

  it('versions a rule change with a reason after submissions and records before and after', async () => {
    await w.submittedCase();
    const start = (await t.api.get<Round>(`/rounds/${w.round.id}`, w.tokens.admin)).body;
    const res = await t.api.patch<Round>(`/rounds/${w.round.id}`, { minContract: '300000.00', reason: '2027年起提高合同金额下限' }, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ minContract: '300000.00', paramsVersion: start.paramsVersion + 1 });
    const changes = await t.api.get<{ items: Record<string, unknown>[] }>(`/rounds/${w.round.id}/changes`, w.tokens.provincial);
    expect(changes.status).toBe(200);
    expect(changes.body.items.at(-1)).toMatchObject({
      paramsVersion: start.paramsVersion + 1,
      changedBy: { id: w.people.admin.id },
      reason: '2027年起提高合同金额下限',
      before: { minContract: start.minContract },
      after: { minContract: '300000.00' },
    });
  });

  it('renames a round with submissions without a reason or a new version', async () => {
    await w.submittedCase();
    const start = (await t.api.get<Round>(`/rounds/${w.round.id}`, w.tokens.admin)).body;
    const res = await t.api.patch<Round>(`/rounds/${w.round.id}`, { name: '2026年度第一批（更名）', rateBp: start.rateBp }, w.tokens.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '2026年度第一批（更名）', paramsVersion: start.paramsVersion });
  });

  it('refuses to move a round with applications to another edition', async () => {
    const { round, entryId } = await createRound();
    await w.createCase({ roundId: round.id, catalogueEntryId: entryId });
    const other = await makeEdition(t.app.db, [{ name: '超纯氨' }]);
    const res = await t.api.patch(`/rounds/${round.id}`, { editionId: other.edition.id }, w.tokens.admin);
    expect(res.status).toBe(409);
  });

  it('checks a partial change against the stored values, naming the field', async () => {
    const { round } = await createRound();
    const res = await t.api.patch(`/rounds/${round.id}`, { closesAt: '2027-01-01T00:00:00+08:00' }, w.tokens.admin);
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['closesAt']);
  });

  it('refuses a JSON number for money with 400 naming the field', async () => {
    const res = await t.api.patch(`/rounds/${w.round.id}`, { perFirmCap: 1000000 }, w.tokens.admin);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['perFirmCap']);
  });

  it('returns 404 for a round that does not exist', async () => {
    expect((await t.api.patch(`/rounds/${randomUUID()}`, { name: 'x' }, w.tokens.admin)).status).toBe(404);
  });
});

describe('reading rounds', () => {
  it('lists rounds and shows one to every signed-in role', async () => {
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const) {
      const list = await t.api.get<{ items: Round[] }>('/rounds', w.tokens[role]);
      expect(list.status).toBe(200);
      expect(list.body.items.map((r) => r.id)).toContain(w.round.id);
      const one = await t.api.get<Round>(`/rounds/${w.round.id}`, w.tokens[role]);
      expect(one.body).toMatchObject({ id: w.round.id, editionId: w.edition.id, minContract: expect.any(String) });
    }
  });

  it('returns 404 for an unknown round and 400 for a malformed id', async () => {
    expect((await t.api.get(`/rounds/${randomUUID()}`, w.tokens.firm)).status).toBe(404);
    expect((await t.api.get('/rounds/not-a-uuid', w.tokens.firm)).status).toBe(400);
  });

  it('documents the round routes in the OpenAPI document', async () => {
    const doc = await t.api.get<{ paths: Record<string, object> }>('/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/rounds', '/rounds/{id}', '/rounds/{id}/changes', '/insurers']));
  });
});

describe('insurers', () => {
  it('adds an insurer that signed-in users then see', async () => {
    const code = `PICC${randomUUID().slice(0, 6)}`;
    const res = await t.api.post('/insurers', { name: '中国人民财产保险股份有限公司', code }, w.tokens.admin);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), name: '中国人民财产保险股份有限公司', code });
    const list = await t.api.get<{ items: { code: string }[] }>('/insurers', w.tokens.firm);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.code)).toContain(code);
  });

  it('lets a user holding one allowed role among others add an insurer', async () => {
    const both = await makeUser(t.app.db, { roles: ['firm', 'admin'], enterpriseId: w.firm.id });
    const token = await t.api.login(both.email);
    const res = await t.api.post('/insurers', { name: '中国人寿财产保险股份有限公司', code: `CLPC${randomUUID().slice(0, 6)}` }, token);
    expect(res.status).toBe(201);
  });

  it('refuses a duplicate code with 409', async () => {
    const existing = await makeInsurer(t.app.db);
    const res = await t.api.post('/insurers', { name: '另一家', code: existing.code }, w.tokens.admin);
    expect(res.status).toBe(409);
  });

  it('refuses a code that differs from a known one only in letter case with 409 and the reason', async () => {
    const code = `Picc${randomUUID().slice(0, 6)}`;
    expect((await t.api.post('/insurers', { name: '中国人民财产保险股份有限公司', code }, w.tokens.admin)).status).toBe(201);
    for (const variant of [code.toUpperCase(), code.toLowerCase()]) {
      const res = await t.api.post<Problem & { errors: { code: string; messageZh: string }[] }>('/insurers', { name: '另一家', code: variant }, w.tokens.admin);
      expect(res.status, variant).toBe(409);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'code', code: 'insurer.code_taken', message: `an insurer with code ${code} already exists` })]);
      expect(res.body.errors[0]?.messageZh).toContain(code);
    }
  });

  it('lets one of two codes differing in case, added at the same instant, through and answers the other 409', async () => {
    const code = `ab${randomUUID().slice(0, 6)}`;
    const answers = await Promise.all([code, code.toUpperCase()].map((c) => t.api.post('/insurers', { name: '同时新增', code: c }, w.tokens.admin)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('refuses a malformed body with 400 naming the field', async () => {
    const res = await t.api.post('/insurers', { name: '', code: 'a b' }, w.tokens.admin);
    expect(res.status).toBe(400);
    expect(paths(res.body).sort()).toEqual(['code', 'name']);
  });
});

describe('security', () => {
  const nonAdmins = ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const;

  it.each(nonAdmins)('refuses %s with 403 on creating or changing rounds and insurers', async (role) => {
    expect((await t.api.post('/rounds', minimal(w.edition.id), w.tokens[role])).status).toBe(403);
    expect((await t.api.patch(`/rounds/${w.round.id}`, { name: 'hijacked' }, w.tokens[role])).status).toBe(403);
    expect((await t.api.post('/insurers', { name: '冒名保险', code: `X${randomUUID().slice(0, 6)}` }, w.tokens[role])).status).toBe(403);
  });

  it.each(['firm', 'municipal', 'expert', 'insurer', 'finance'] as const)('refuses %s with 403 on reading rule changes', async (role) => {
    expect((await t.api.get(`/rounds/${w.round.id}/changes`, w.tokens[role])).status).toBe(403);
  });

  it('answers 401 to anonymous callers on every round and insurer route', async () => {
    expect((await t.api.get('/rounds')).status).toBe(401);
    expect((await t.api.get(`/rounds/${w.round.id}`)).status).toBe(401);
    expect((await t.api.get(`/rounds/${w.round.id}/changes`)).status).toBe(401);
    expect((await t.api.post('/rounds', minimal(w.edition.id))).status).toBe(401);
    expect((await t.api.patch(`/rounds/${w.round.id}`, { name: 'x' })).status).toBe(401);
    expect((await t.api.get('/insurers')).status).toBe(401);
    expect((await t.api.post('/insurers', { name: 'x', code: 'XX' })).status).toBe(401);
  });
});
