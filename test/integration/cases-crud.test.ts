import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachRequiredDocuments, factoryDates, makeEdition, makeRound } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();
let foreignEntryId: string;

beforeAll(async () => {
  const { entries } = await makeEdition(t.app.db, [{ name: '钨丝金刚石切割线' }]);
  foreignEntryId = entries[0]?.id ?? '';
});

interface Problem {
  path: string;
  code?: string;
}
interface CaseView {
  id: string;
  state: string;
  version: number;
  renewalOf: string | null;
  allowedEvents: string[];
  contract: Record<string, string>;
  policy: Record<string, string>;
}
const paths = (body: { errors?: Problem[] }) => (body.errors ?? []).map((e) => e.path);
const nonFirms = ['municipal', 'provincial', 'expert', 'insurer', 'finance', 'admin'] as const;

async function otherFirmCase(submit = false) {
  const res = await t.api.post<{ id: string }>('/cases', w.caseBody(), w.tokens.otherFirm);
  if (submit) {
    await attachRequiredDocuments(t.app.db, res.body.id, w.people.otherFirm.id);
    expect((await t.api.post(`/cases/${res.body.id}/events`, { type: 'SUBMIT' }, w.tokens.otherFirm)).status).toBe(200);
  }
  return res.body.id;
}

describe('POST /cases', () => {
  it('opens a draft and answers 201 with money as yuan strings', async () => {
    const res = await t.api.post<CaseView>('/cases', w.caseBody({ contract: { amount: '200000.5', number: 'HT-1' } }), w.tokens.firm);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/cases/${res.body.id}`);
    expect(res.body).toMatchObject({ state: 'draft', version: 1, renewalOf: null, contract: { amount: '200000.50', number: 'HT-1' }, policy: { premium: '1500000.00' } });
    expect([...res.body.allowedEvents].sort()).toEqual(['SUBMIT', 'WITHDRAW']);
  });

  it('changes nothing for an empty PATCH, or one repeating what is stored: same case, same version, no history row', async () => {
    const id = await w.createCase();
    const before = await t.api.get<CaseView>(`/cases/${id}`, w.tokens.firm);
    const historyLength = async () => (await t.api.get<{ items: unknown[] }>(`/cases/${id}/history`, w.tokens.firm)).body.items.length;
    const rows = await historyLength();
    for (const patch of [{}, { material: {} }, { contract: { unit: '片', amount: '10000000.00' } }, { roundId: w.round.id }]) {
      const res = await t.api.patch<CaseView>(`/cases/${id}`, patch, w.tokens.firm, { 'If-Match': '1' });
      expect(res.status, JSON.stringify(patch)).toBe(200);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(res.body).toEqual(before.body);
    }
    expect(await historyLength()).toBe(rows);
  });

  it('refuses money sent as a JSON number with 400 naming the field', async () => {
    const res = await t.api.post('/cases', w.caseBody({ contract: { amount: 10000000 } }), w.tokens.firm);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['contract.amount']);
  });

  it('takes money in full-width digits and a user unit USCC in lower case as what they look like, and stores them so', async () => {
    const body = w.caseBody();
    const typed = { ...body, contract: { ...body.contract, amount: '２０００００．５', quantity: ' １２．５ ' }, policy: { ...body.policy, premium: ' １５０００００ ' }, userUnit: { ...body.userUnit, uscc: body.userUnit.uscc.toLowerCase() } };
    const res = await t.api.post<CaseView & { userUnit: { uscc: string } }>('/cases', typed, w.tokens.firm);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contract: { amount: '200000.50', quantity: '12.5' }, policy: { premium: '1500000.00' }, userUnit: { uscc: body.userUnit.uscc } });
    const [row] = await t.app.db.select({ fen: cases.contractAmountFen, unit: cases.userUnit }).from(cases).where(eq(cases.id, res.body.id));
    expect(row).toMatchObject({ fen: 20000050n, unit: { uscc: body.userUnit.uscc } });
  });

  it('still refuses, naming the field and the format, money that is no amount once normalised', async () => {
    const body = w.caseBody();
    for (const amount of ['２０万', '1，500．00', '１．２３４']) {
      const res = await t.api.post<{ errors: { path: string; message: string }[] }>('/cases', { ...body, contract: { ...body.contract, amount } }, w.tokens.firm);
      expect(res.status, amount).toBe(400);
      expect(res.body.errors, amount).toEqual([expect.objectContaining({ path: 'contract.amount', message: expect.stringContaining('money must be a string in yuan') })]);
    }
  });

  it('refuses a third decimal with 400 naming the field', async () => {
    const body = w.caseBody();
    const res = await t.api.post('/cases', { ...body, policy: { ...body.policy, premium: '1500000.005' } }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['policy.premium']);
  });

  it('refuses dates that are not real YYYY-MM-DD dates with 400', async () => {
    const body = w.caseBody();
    const res = await t.api.post('/cases', { ...body, policy: { ...body.policy, startsOn: '2026/04/01' }, contract: { signedOn: '2026-02-30' } }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect(paths(res.body).sort()).toEqual(['contract.signedOn', 'policy.startsOn']);
  });

  it('refuses unknown fields with 400', async () => {
    const res = await t.api.post('/cases', w.caseBody({ subsidy: '1.00' }), w.tokens.firm);
    expect(res.status).toBe(400);
  });

  it("refuses an entry outside the round's edition, and an unknown round, with 422", async () => {
    const entry = await t.api.post('/cases', w.caseBody({ catalogueEntryId: foreignEntryId }), w.tokens.firm);
    expect(entry.status).toBe(422);
    expect(paths(entry.body)).toEqual(['catalogueEntryId']);
    const round = await t.api.post('/cases', w.caseBody({ roundId: randomUUID() }), w.tokens.firm);
    expect(round.status).toBe(422);
    expect(paths(round.body)).toEqual(['roundId']);
  });

  it("links a renewal to the firm's previous-year application", async () => {
    const previousRound = await makeRound(t.app.db, { year: 2025, editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const previous = await w.createCase({ roundId: previousRound.id });
    const res = await t.api.post<CaseView>('/cases', w.caseBody({ renewalOf: previous }), w.tokens.firm);
    expect(res.status).toBe(201);
    expect(res.body.renewalOf).toBe(previous);
  });

  it("refuses a renewal of another firm's or of no application with 422 at renewalOf", async () => {
    for (const renewalOf of [await otherFirmCase(), randomUUID()]) {
      const res = await t.api.post('/cases', w.caseBody({ renewalOf }), w.tokens.firm);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'renewalOf', code: 'renewal.not_found' })]);
    }
  });

  it('refuses everyone but firm staff: 403 to other roles, 401 without a session', async () => {
    for (const who of nonFirms) expect((await t.api.post('/cases', w.caseBody(), w.tokens[who])).status, who).toBe(403);
    expect((await t.api.post('/cases', w.caseBody())).status).toBe(401);
  });
});

describe('PATCH /cases/:id', () => {
  it('changes only the fields sent and bumps the version', async () => {
    const id = await w.createCase();
    const res = await t.api.patch<CaseView>(`/cases/${id}`, { contract: { amount: '300000.00' } }, w.tokens.firm, { 'If-Match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body.version).toBe(2);
    expect(res.body.contract).toMatchObject({ amount: '300000.00', number: `HT-${factoryDates.year}-018`, unit: '片' });
    const history = await t.api.get<{ items: { eventType: string; payload: unknown }[] }>(`/cases/${id}/history`, w.tokens.firm);
    expect(history.body.items.at(-1)).toMatchObject({ eventType: 'EDIT', payload: { contract: { amount: '300000.00' } } });
  });

  it('refuses money sent as a JSON number with 400 naming the field', async () => {
    const res = await t.api.patch(`/cases/${await w.createCase()}`, { policy: { liabilityLimit: 60000000 } }, w.tokens.firm);
    expect(res.status).toBe(400);
    expect(paths(res.body)).toEqual(['policy.liabilityLimit']);
  });

  it("refuses an entry outside the round's edition with 422 at catalogueEntryId", async () => {
    const id = await w.createCase();
    const res = await t.api.patch(`/cases/${id}`, { catalogueEntryId: foreignEntryId }, w.tokens.firm);
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['catalogueEntryId']);
  });

  it("refuses a move to a round whose edition lacks the case's entry", async () => {
    const { edition } = await makeEdition(t.app.db, [{ name: '超纯氨' }]);
    const round = await makeRound(t.app.db, { editionId: edition.id });
    const res = await t.api.patch(`/cases/${await w.createCase()}`, { roundId: round.id }, w.tokens.firm);
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['catalogueEntryId']);
  });

  it("refuses renewalOf naming another firm's application or the case itself, and clears it with null", async () => {
    const previous = await w.createCase();
    const id = await w.createCase({ renewalOf: previous });
    const foreign = await t.api.patch(`/cases/${id}`, { renewalOf: await otherFirmCase() }, w.tokens.firm);
    expect(foreign.status).toBe(422);
    expect(paths(foreign.body)).toEqual(['renewalOf']);
    const self = await t.api.patch(`/cases/${id}`, { renewalOf: id }, w.tokens.firm);
    expect(self.body.errors).toEqual([expect.objectContaining({ path: 'renewalOf', code: 'renewal.self' })]);
    const cleared = await t.api.patch<CaseView>(`/cases/${id}`, { renewalOf: null }, w.tokens.firm);
    expect(cleared.body.renewalOf).toBeNull();
  });

  it('refuses a stale If-Match and an application under review with 409', async () => {
    const id = await w.createCase();
    expect((await t.api.patch(`/cases/${id}`, { material: { batchNo: 'B2' } }, w.tokens.firm, { 'If-Match': '7' })).status).toBe(409);
    // an empty change is still checked against the version the client saw
    expect((await t.api.patch(`/cases/${id}`, {}, w.tokens.firm, { 'If-Match': '7' })).status).toBe(409);
    const submitted = await w.submittedCase();
    expect((await t.api.patch(`/cases/${submitted}`, { material: { batchNo: 'B2' } }, w.tokens.firm)).status).toBe(409);
  });

  it("answers 404 to those who cannot see the case and 403 to a reviewer who can", async () => {
    const id = await w.submittedCase();
    expect((await t.api.post(`/cases/${id}/events`, { type: 'RETURN', reasons: [{ message: '补正' }] }, w.tokens.municipal)).status).toBe(200);
    for (const who of ['otherFirm', 'otherMunicipal', 'expert', 'finance', 'admin'] as const) {
      expect((await t.api.patch(`/cases/${id}`, { material: { batchNo: 'B2' } }, w.tokens[who])).status, who).toBe(404);
    }
    expect((await t.api.patch(`/cases/${id}`, { material: { batchNo: 'B2' } }, w.tokens.municipal)).status).toBe(403);
    expect((await t.api.patch(`/cases/${id}`, { material: { batchNo: 'B2' } })).status).toBe(401);
  });
});

describe('ids written in capitals', () => {
  it('reads the round, the catalogue entry and the insurer of a case body written in capitals as the same ids', async () => {
    const body = w.caseBody() as { roundId: string; catalogueEntryId: string; policy: Record<string, string> };
    const res = await t.api.post<CaseView & { roundId: string; catalogueEntryId: string; policy: { insurerId: string } }>(
      '/cases',
      { ...body, roundId: body.roundId.toUpperCase(), catalogueEntryId: body.catalogueEntryId.toUpperCase(), policy: { ...body.policy, insurerId: String(body.policy.insurerId).toUpperCase() } },
      w.tokens.firm,
    );
    expect(res.status).toBe(201);
    expect([res.body.roundId, res.body.catalogueEntryId, res.body.policy.insurerId]).toEqual([body.roundId, body.catalogueEntryId, body.policy.insurerId]);
  });
});

describe('GET /cases', () => {
  type Page = { items: { id: string; state: string; city: string; contractAmount: string | null }[]; nextCursor: string | null };
  const list = (query: string, token: string) => t.api.get<Page>(`/cases?${query}`, token);

  it('pages through all of a firm’s cases, newest first, without gaps or duplicates', async () => {
    const firm = await w.makeFirm();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await t.api.post<{ id: string }>('/cases', w.caseBody(), firm.token)).body.id);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof list>> = await list(`limit=3${cursor ? `&cursor=${cursor}` : ''}`, firm.token);
      expect(res.status).toBe(200);
      sizes.push(res.body.items.length);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...created].reverse());
  });

  it('sorts by number, contract amount and opening time, either way, and pages each order without gaps', async () => {
    const firm = await w.makeFirm();
    const body = w.caseBody() as { contract: Record<string, string> };
    // two equal amounts (the id breaks the tie) and a draft without one, which sorts as the smallest
    const amounts = ['250000.00', '9000000.50', '250000.00', '120.00', null];
    const made: { id: string; number: string; amount: string | null }[] = [];
    for (const amount of amounts) {
      const over = amount === null ? { contract: { ...body.contract, amount: undefined } } : { contract: { ...body.contract, amount } };
      const res = await t.api.post<{ id: string; number: string }>('/cases', w.caseBody(over), firm.token);
      expect(res.status).toBe(201);
      made.push({ id: res.body.id, number: res.body.number, amount });
    }
    const walk = async (sort: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Awaited<ReturnType<typeof list>> = await list(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, firm.token);
        expect(res.status, sort).toBe(200);
        seen.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const fen = (a: string | null) => (a === null ? -1 : Math.round(Number(a) * 100));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const byAmount = [...made].sort((a, b) => fen(a.amount) - fen(b.amount) || byId(a, b)).map((c) => c.id);
    const byNumber = [...made].sort((a, b) => (a.number < b.number ? -1 : 1)).map((c) => c.id);
    expect(await walk('amount')).toEqual(byAmount);
    expect(await walk('-amount')).toEqual([...byAmount].reverse());
    expect(await walk('number')).toEqual(byNumber);
    expect(await walk('-number')).toEqual([...byNumber].reverse());
    expect(await walk('created')).toEqual(made.map((c) => c.id));
    expect(await walk('-created')).toEqual(made.map((c) => c.id).reverse());
  });

  it("refuses an unknown order, and a cursor given out for another order or the other direction", async () => {
    const firm = await w.makeFirm();
    for (let i = 0; i < 3; i++) await t.api.post('/cases', w.caseBody(), firm.token);
    expect((await list('sort=colour', firm.token)).status).toBe(400);
    const cursorOf = async (sort: string) => (await list(`sort=${sort}&limit=1`, firm.token)).body.nextCursor ?? '';
    for (const [from, to] of [['amount', 'number'], ['amount', '-created'], ['-created', 'created'], ['created', '-created'], ['number', 'amount'], ['-number', 'number']] as const) {
      const res = await list(`sort=${to}&cursor=${await cursorOf(from)}`, firm.token);
      expect(res.status, `${from} → ${to}`).toBe(400);
      expect(paths(res.body as { errors?: Problem[] }), `${from} → ${to}`).toEqual(['query.cursor']);
    }
    // an amount cursor whose key is not a number of fen
    const forged = Buffer.from(JSON.stringify({ s: 'amount', k: '1 or 1=1', id: randomUUID() })).toString('base64url');
    expect((await list(`sort=amount&cursor=${forged}`, firm.token)).status).toBe(400);
  });

  it('shows a firm only its own cases', async () => {
    const own = await w.createCase();
    const foreign = await otherFirmCase(true);
    const ids = (await list(`roundId=${w.round.id}&limit=100`, w.tokens.firm)).body.items.map((c) => c.id);
    expect(ids).toContain(own);
    expect(ids).not.toContain(foreign);
  });

  it('filters by state and by round', async () => {
    const firm = await w.makeFirm();
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    const draft = (await t.api.post<{ id: string }>('/cases', w.caseBody(), firm.token)).body.id;
    const elsewhere = (await t.api.post<{ id: string }>('/cases', w.caseBody({ roundId: round.id }), firm.token)).body.id;
    const submitted = (await t.api.post<{ id: string }>('/cases', w.caseBody(), firm.token)).body.id;
    await attachRequiredDocuments(t.app.db, submitted, firm.user.id);
    expect((await t.api.post(`/cases/${submitted}/events`, { type: 'SUBMIT' }, firm.token)).status).toBe(200);
    const ids = async (q: string) => (await list(q, firm.token)).body.items.map((c) => c.id);
    expect(await ids('state=municipal')).toEqual([submitted]);
    expect(await ids('state=draft')).toEqual([elsewhere, draft]);
    expect(await ids(`roundId=${round.id}`)).toEqual([elsewhere]);
    expect(await ids(`roundId=${w.round.id}&state=draft`)).toEqual([draft]);
    // a state no case can be in is refused, naming the field, not answered with an empty list
    for (const state of ['nonsense', 'inReview', 'DRAFT']) {
      const refused = await list(`state=${state}`, firm.token);
      expect(refused.status, state).toBe(400);
      expect(JSON.stringify(refused.body), state).toContain('query.state');
    }
  });

  it('filters by city for provincial reviewers and shows municipal reviewers only their city’s submitted cases', async () => {
    const ningbo = await otherFirmCase(true);
    const hangzhou = await w.submittedCase();
    const hangzhouDraft = await w.createCase();
    const provincial = (await list(`roundId=${w.round.id}&city=330200&limit=100`, w.tokens.provincial)).body.items;
    expect(provincial.map((c) => c.id)).toContain(ningbo);
    expect(provincial.every((c) => c.city === '330200')).toBe(true);
    const municipal = (await list(`roundId=${w.round.id}&limit=100`, w.tokens.municipal)).body.items.map((c) => c.id);
    expect(municipal).toContain(hangzhou);
    expect(municipal).not.toContain(ningbo);
    expect(municipal).not.toContain(hangzhouDraft);
  });

  it('shows administrators and finance staff no case files', async () => {
    await w.submittedCase();
    for (const who of ['admin', 'finance'] as const) expect((await list(`roundId=${w.round.id}`, w.tokens[who])).body.items, who).toEqual([]);
  });

  it('refuses a cursor it did not give out, a limit above 100 and an unknown filter with 400', async () => {
    for (const q of ['cursor=bm90LWEtY3Vyc29y', `cursor=${Buffer.from(JSON.stringify({ t: '2026-01-01T00:00:00.000000Z', id: 'x' })).toString('base64url')}`, 'limit=101', 'limit=abc', 'colour=red']) {
      expect((await list(q, w.tokens.firm)).status, q).toBe(400);
    }
    expect((await t.api.get('/cases')).status).toBe(401);
  });
});
