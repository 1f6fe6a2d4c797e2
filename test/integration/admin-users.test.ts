import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema';
import { makeUser, randomUscc } from '../../seeds/factories';
import { startTestApp, type TestApp } from '../support/app';
import { makeWorld, type World } from '../support/world';
import { emailsTo, invitationTokensFor } from '../support/registration';

// A database of this file's own: one test counts every active administrator there is.
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ ownDatabase: true });
  w = await makeWorld(t.app.db, t.api, t.app);
});
afterAll(async () => t.close());

interface FieldProblem {
  path: string;
  code?: string;
  message: string;
  messageZh?: string;
}
interface Account {
  id: string;
  email: string;
  name: string;
  roles: string[];
  city: string | null;
  insurerId: string | null;
  organisationUscc: string | null;
  organisationName: string | null;
  affiliations: string[];
  active: boolean;
  status: 'invited' | 'active' | 'deactivated';
  errors?: FieldProblem[];
  detail?: string;
}
interface Detail extends Account {
  invitation: { sentAt: string; expiresAt: string; acceptedAt: string | null; revokedAt: string | null } | null;
  changes: { changedBy: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
}
interface Page {
  items: Account[];
  nextCursor: string | null;
  errors?: FieldProblem[];
}

const PASSWORD = 'Staff-2026-wafer';
const email = () => `${randomUUID()}@staff.test`;
const create = (body: Record<string, unknown>, token = w.tokens.admin) => t.api.post<Account>('/admin/users', { email: email(), name: '新同事', ...body }, token);
const patch = (id: string, body: Record<string, unknown>, token = w.tokens.admin) => t.api.patch<Account>(`/admin/users/${id}`, body, token);
const detail = (id: string) => t.api.get<Detail>(`/admin/users/${id}`, w.tokens.admin);
const codes = (res: { body: { errors?: FieldProblem[] } }) => (res.body.errors ?? []).map((e) => `${e.path}:${e.code}`).sort();

/** Every problem of a refusal is told in English and in Chinese. */
function expectBilingual(errors: FieldProblem[] | undefined) {
  expect(errors?.length).toBeGreaterThan(0);
  for (const e of errors ?? []) {
    expect(e.message, e.path).toMatch(/[a-z]/);
    expect(e.messageZh, e.path).toMatch(/[\u4e00-\u9fff]/);
  }
}

/** An account opened through the API whose holder has set a password from the invitation. */
async function activeStaff(body: Record<string, unknown>) {
  const res = await create(body);
  expect(res.status).toBe(201);
  const [token] = await invitationTokensFor(t.app.db, res.body.email);
  expect((await t.api.post(`/auth/invitations/${token}`, { password: PASSWORD })).status).toBe(200);
  return { account: res.body, token: await t.api.login(res.body.email, PASSWORD) };
}

describe('POST /admin/users', () => {
  it('opens a municipal reviewer for one city: invited, unable to sign in, the invitation queued and the creation recorded', async () => {
    const address = email();
    const res = await create({ email: address, name: '杭州初审员', roles: ['municipal'], city: '330100' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/admin/users/${res.body.id}`);
    expect(res.body).toMatchObject({ email: address, roles: ['municipal'], city: '330100', insurerId: null, organisationUscc: null, active: true, status: 'invited' });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(await emailsTo(t.app.db, address)).toEqual(['user.invitation']);
    expect((await t.api.post('/auth/login', { email: address, password: PASSWORD })).status).toBe(401);

    const shown = await detail(res.body.id);
    expect(shown.status).toBe(200);
    const ahead = Date.parse(shown.body.invitation?.expiresAt ?? '') - Date.now();
    expect(Math.abs(ahead - 72 * 3_600_000)).toBeLessThan(60_000);
    expect(shown.body.invitation).toMatchObject({ acceptedAt: null, revokedAt: null });
    expect(shown.body.changes).toEqual([
      expect.objectContaining({ changedBy: w.people.admin.id, before: {}, after: expect.objectContaining({ email: address, roles: ['municipal'], city: '330100', active: true }) }),
    ]);
  });

  it('opens insurer staff of a known insurer and an expert with an organisation', async () => {
    const insurer = await create({ roles: ['insurer'], insurerId: w.insurer.id });
    expect(insurer.status).toBe(201);
    expect(insurer.body).toMatchObject({ roles: ['insurer'], insurerId: w.insurer.id });
    const uscc = randomUscc('330100');
    const expert = await create({ roles: ['expert'], organisationUscc: uscc, organisationName: '浙江大学材料科学与工程学院', affiliations: [randomUscc('330200')] });
    expect(expert.status).toBe(201);
    expect(expert.body).toMatchObject({ roles: ['expert'], organisationUscc: uscc, organisationName: '浙江大学材料科学与工程学院' });
    for (const roles of [['provincial'], ['finance'], ['admin'], ['provincial', 'finance']]) {
      expect((await create({ roles })).status, roles.join()).toBe(201);
    }
  });

  it('refuses the firm role: firm accounts come only from self-registration', async () => {
    const res = await create({ roles: ['firm'] });
    expect(res.status).toBe(422);
    expect(codes(res)).toEqual(['roles:user.role_firm']);
    expectBilingual(res.body.errors);
  });

  it('refuses an administrator who also holds another role, who could then act on cases', async () => {
    for (const roles of [['admin', 'provincial'], ['admin', 'municipal']]) {
      const res = await create({ roles, ...(roles.includes('municipal') ? { city: '330100' } : {}) });
      expect(res.status, roles.join()).toBe(422);
      expect(codes(res)).toEqual(['roles:user.admin_exclusive']);
    }
    expect(codes(await create({ roles: ['provincial', 'provincial'] }))).toEqual(['roles:user.role_duplicate']);
  });

  it("requires each role's scope and refuses a scope the roles do not take, with reasons in English and Chinese", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ roles: ['municipal'] }, ['city:user.scope_required']],
      [{ roles: ['insurer'] }, ['insurerId:user.scope_required']],
      [{ roles: ['expert'] }, ['organisationName:user.scope_required', 'organisationUscc:user.scope_required']],
      [{ roles: ['expert'], organisationUscc: randomUscc() }, ['organisationName:user.scope_required']],
      [{ roles: ['provincial'], city: '330100' }, ['city:user.scope_refused']],
      [{ roles: ['finance'], insurerId: w.insurer.id }, ['insurerId:user.scope_refused']],
      [{ roles: ['municipal'], city: '330100', organisationUscc: randomUscc(), organisationName: '某单位' }, ['organisationName:user.scope_refused', 'organisationUscc:user.scope_refused']],
      [{ roles: ['municipal'], city: '110100' }, ['city:user.city_unknown']],
      [{ roles: ['insurer'], insurerId: randomUUID() }, ['insurerId:user.insurer_unknown']],
      [{ roles: ['expert'], organisationUscc: `${randomUscc().slice(0, 17)}!`, organisationName: '某单位' }, ['organisationUscc:uscc.forbidden_character']],
    ];
    for (const [body, expected] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(codes(res), JSON.stringify(body)).toEqual(expected);
      expectBilingual(res.body.errors);
    }
  });

  it('checks affiliations like a firm profile does: valid codes, each once', async () => {
    const code = randomUscc('330100');
    const wrongCheck = code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
    const res = await create({ roles: ['provincial'], affiliations: [code, code, wrongCheck] });
    expect(res.status).toBe(422);
    expect(codes(res)).toEqual(['affiliations.1:affiliation.duplicate', 'affiliations.2:uscc.check_character']);
  });

  it('answers 409 for an email address that has an account, whatever its letter case, and creates nothing', async () => {
    const before = await t.app.db.select({ n: sql<number>`count(*)::int` }).from(users);
    const res = await create({ email: w.people.provincial.email.toUpperCase(), roles: ['provincial'] });
    expect(res.status).toBe(409);
    expect(codes(res)).toEqual(['email:user.email_taken']);
    expectBilingual(res.body.errors);
    expect(await t.app.db.select({ n: sql<number>`count(*)::int` }).from(users)).toEqual(before);
  });

  it('answers 400 to a body of the wrong shape', async () => {
    for (const body of [
      { roles: ['boss'] },
      { roles: [] },
      { roles: ['provincial'], email: 'not-an-email' },
      { roles: ['provincial'], name: 42 },
      { roles: ['provincial'], password: 'Staff-2026-wafer' },
      { roles: ['insurer'], insurerId: 'PICC' },
      { roles: 'provincial' },
    ]) {
      expect((await create(body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('refuses a name or an organisation that shows nothing: zero-width, bidi marks, fillers', async () => {
    for (const name of ['\u200b', '\u200b\u200d\ufeff', '\u202e\u2066', '\u3164', '\u0301']) {
      const res = await create({ name, roles: ['provincial'] });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.errors?.find((e) => e.path === 'name')?.messageZh, JSON.stringify(name)).toMatch(/[\u4e00-\u9fff]/);
    }
    const org = await create({ roles: ['expert'], organisationUscc: randomUscc('330100'), organisationName: '\u200b\u200b' });
    expect(org.status).toBe(400);
    const fine = await create({ name: '\u200b李\u200d四', roles: ['provincial'] });
    expect(fine.status).toBe(201);
    expect((await patch(fine.body.id, { name: '\u2060' })).status).toBe(400);
  });
});

describe('GET /admin/users', () => {
  it('filters by role and by a piece of name or email, and walks pages newest first without repeats', async () => {
    const marker = randomUUID().slice(0, 8);
    const made: string[] = [];
    for (const [i, roles] of [['provincial'], ['finance'], ['provincial'], ['finance'], ['provincial']].entries()) {
      const res = await create({ email: `${marker}-${i}@Staff.test`, name: `列表测试${i}`, roles });
      made.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof t.api.get<Page>>> = await t.api.get<Page>(`/admin/users?q=${marker.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, w.tokens.admin);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());

    const finance = await t.api.get<Page>(`/admin/users?q=${marker}&role=finance`, w.tokens.admin);
    expect(finance.body.items.map((u) => u.id)).toEqual([made[3], made[1]]);
    const byName = await t.api.get<Page>(`/admin/users?q=${encodeURIComponent('列表测试4')}&role=provincial`, w.tokens.admin);
    expect(byName.body.items.map((u) => u.id)).toContain(made[4]);
    expect(byName.body.items.map((u) => u.id)).not.toContain(made[3]);
  });

  it('matches % and _ in q as text, and filters by active', async () => {
    const marker = randomUUID().slice(0, 8);
    const plain = await create({ email: `${marker}-ab@staff.test`, roles: ['provincial'] });
    const res = await t.api.get<Page>(`/admin/users?q=${marker}-a_`, w.tokens.admin);
    expect(res.body.items).toEqual([]);
    expect((await t.api.get<Page>(`/admin/users?q=${encodeURIComponent(`${marker}%`)}`, w.tokens.admin)).body.items).toEqual([]);
    expect(await patch(plain.body.id, { active: false })).toMatchObject({ status: 200 });
    expect((await t.api.get<Page>(`/admin/users?q=${marker}&active=false`, w.tokens.admin)).body.items.map((u) => u.id)).toEqual([plain.body.id]);
    expect((await t.api.get<Page>(`/admin/users?q=${marker}&active=true`, w.tokens.admin)).body.items).toEqual([]);
  });

  it('answers 400 to a cursor it did not give out, a limit above 100 and an unknown role or filter', async () => {
    for (const q of ['cursor=bm90LWEtY3Vyc29y', 'limit=101', 'role=boss', 'active=yes', 'colour=red']) {
      expect((await t.api.get(`/admin/users?${q}`, w.tokens.admin)).status, q).toBe(400);
    }
  });

  it('calls a cursor with a date no calendar has (30 February, hour 24) one it did not give out', async () => {
    const id = randomUUID();
    for (const at of ['2026-02-30T00:00:00.000000Z', '2026-02-29T12:00:00.000000Z', '2026-01-01T24:00:00.000000Z', '0000-01-01T00:00:00.000000Z']) {
      const cursor = Buffer.from(JSON.stringify({ t: at, id })).toString('base64url');
      const res = await t.api.get<{ detail: string; errors: { path: string }[] }>(`/admin/users?cursor=${cursor}`, w.tokens.admin);
      expect(res.status, at).toBe(400);
      expect(res.body, at).toMatchObject({ detail: 'the cursor is not one this server gave out', errors: [{ path: 'query.cursor' }] });
    }
  });
});

describe('PATCH /admin/users/:id', () => {
  it('moves a municipal reviewer to the province, removing the city, and records before and after', async () => {
    const { body } = await create({ roles: ['municipal'], city: '330200' });
    const res = await patch(body.id, { roles: ['provincial'], city: null, name: '省级复审员' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ roles: ['provincial'], city: null, name: '省级复审员' });
    const shown = await detail(body.id);
    expect(shown.body.changes[0]).toMatchObject({
      changedBy: w.people.admin.id,
      before: { roles: ['municipal'], city: '330200', name: '新同事' },
      after: { roles: ['provincial'], city: null, name: '省级复审员' },
    });
    expect(shown.body.changes).toHaveLength(2);
  });

  it('judges the scope of the account as it would be after the change', async () => {
    const { body } = await create({ roles: ['municipal'], city: '330200' });
    const kept = await patch(body.id, { roles: ['provincial'] });
    expect(kept.status).toBe(422);
    expect(codes(kept)).toEqual(['city:user.scope_refused']);
    expect(codes(await patch(body.id, { city: null }))).toEqual(['city:user.scope_required']);
    expect(codes(await patch(body.id, { roles: ['firm'] }))).toEqual(['city:user.scope_refused', 'roles:user.role_firm']);
    expect(codes(await patch(body.id, { roles: ['admin', 'municipal'] }))).toEqual(['roles:user.admin_exclusive']);
    expect((await detail(body.id)).body).toMatchObject({ roles: ['municipal'], city: '330200' });
  });

  it("edits affiliations and an expert's organisation (four-eyes input), refusing invalid codes", async () => {
    const { body } = await create({ roles: ['expert'], organisationUscc: randomUscc(), organisationName: '甲研究院' });
    const [firmCode, orgCode] = [randomUscc('330100'), randomUscc('330300')];
    const res = await patch(body.id, { affiliations: [firmCode], organisationUscc: orgCode, organisationName: '乙研究院' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ affiliations: [firmCode], organisationUscc: orgCode, organisationName: '乙研究院' });
    const bad = await patch(body.id, { affiliations: [firmCode.slice(0, 17) + (firmCode.endsWith('0') ? '1' : '0')], organisationUscc: '123' });
    expect(bad.status).toBe(422);
    expect(codes(bad)).toEqual(['affiliations.0:uscc.check_character', 'organisationUscc:uscc.length']);
    expect((await detail(body.id)).body.changes[0]).toMatchObject({ after: { affiliations: [firmCode], organisationUscc: orgCode, organisationName: '乙研究院' } });
    // typed in lower case, the same codes
    const typed = await patch(body.id, { affiliations: [firmCode.toLowerCase()], organisationUscc: ` ${orgCode.toLowerCase()}` });
    expect(typed.status).toBe(200);
    expect(typed.body).toMatchObject({ affiliations: [firmCode], organisationUscc: orgCode });
  });

  it('records nothing for a change that changes nothing', async () => {
    const { body } = await create({ roles: ['finance'] });
    expect((await patch(body.id, { roles: ['finance'], name: '新同事' })).status).toBe(200);
    expect((await detail(body.id)).body.changes).toHaveLength(1);
  });

  it('ends every session of a deactivated user at once; reactivated, they sign in again', async () => {
    const person = await makeUser(t.app.db, { roles: ['provincial'] });
    const [first, second] = [await t.api.login(person.email), await t.api.login(person.email)];
    expect((await t.api.get('/me', first)).status).toBe(200);
    const res = await patch(person.id, { active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, status: 'deactivated' });
    expect((await t.api.get('/me', first)).status).toBe(401);
    expect((await t.api.get('/me', second)).status).toBe(401);
    const live = await t.app.db.select().from(sessions).where(and(eq(sessions.userId, person.id), isNull(sessions.revokedAt)));
    expect(live).toEqual([]);
    expect((await t.api.post('/auth/login', { email: person.email, password: 'Test-password-1' })).status).toBe(401);
    expect((await patch(person.id, { active: true })).body).toMatchObject({ status: 'active' });
    expect((await t.api.get('/me', first)).status).toBe(401);
    expect((await t.api.get('/me', await t.api.login(person.email))).status).toBe(200);
  });

  it('lets no administrator deactivate themselves or drop their own administrator role', async () => {
    const me = w.people.admin.id;
    const off = await patch(me, { active: false });
    expect(off.status).toBe(422);
    expect(codes(off)).toEqual(['active:user.self_deactivate']);
    expectBilingual(off.body.errors);
    const demoted = await patch(me, { roles: ['provincial'] });
    expect(codes(demoted)).toEqual(['roles:user.self_admin']);
    expect((await t.api.get('/me', w.tokens.admin)).body).toMatchObject({ roles: ['admin'] });
  });

  it('answers 409 for an email address another account has, whatever its letter case, and accepts a change of case of its own', async () => {
    const { body } = await create({ roles: ['finance'] });
    const taken = await patch(body.id, { email: w.people.finance.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(codes(taken)).toEqual(['email:user.email_taken']);
    const own = await patch(body.id, { email: body.email.toUpperCase() });
    expect(own.status).toBe(200);
    expect(own.body.email).toBe(body.email.toUpperCase());
  });

  it('sends the invitation of an account not yet activated to its corrected address, and the link sent to the old one dies', async () => {
    const { body } = await create({ roles: ['finance'] });
    const [old] = await invitationTokensFor(t.app.db, body.email);
    const corrected = email();
    expect((await patch(body.id, { email: corrected })).status).toBe(200);
    expect((await t.api.post(`/auth/invitations/${old}`, { password: PASSWORD })).status).toBe(410);
    const [fresh] = await invitationTokensFor(t.app.db, corrected);
    expect((await t.api.post(`/auth/invitations/${fresh}`, { password: PASSWORD })).status).toBe(200);
    expect((await t.api.post('/auth/login', { email: corrected, password: PASSWORD })).status).toBe(200);
  });

  it('sends no invitation when the address of an account that already has a password changes', async () => {
    const { account } = await activeStaff({ roles: ['finance'] });
    const moved = email();
    expect((await patch(account.id, { email: moved })).status).toBe(200);
    expect(await invitationTokensFor(t.app.db, moved)).toEqual([]);
    expect((await detail(account.id)).body.invitation).toMatchObject({ acceptedAt: expect.any(String), revokedAt: null });
    expect((await t.api.post('/auth/login', { email: moved, password: PASSWORD })).status).toBe(200);
  });

  it("withdraws only the edited account's invitation, not another's waiting to be used", async () => {
    const { body: waiting } = await create({ roles: ['finance'] });
    const [token] = await invitationTokensFor(t.app.db, waiting.email);
    const { body: edited } = await create({ roles: ['finance'] });
    expect((await patch(edited.id, { email: email() })).status).toBe(200);
    expect((await patch(edited.id, { active: false })).status).toBe(200);
    expect((await detail(waiting.id)).body.invitation).toMatchObject({ revokedAt: null });
    expect((await t.api.post(`/auth/invitations/${token}`, { password: PASSWORD })).status).toBe(200);
  });

  it("changes a firm user's name or active flag, never their role or scope", async () => {
    const { user } = await w.makeFirm();
    const res = await patch(user.id, { roles: ['provincial'], affiliations: [] });
    expect(res.status).toBe(422);
    expect(codes(res)).toEqual(['affiliations:user.firm_account', 'roles:user.firm_account']);
    expect((await patch(user.id, { name: '企业新联系人', active: false })).body).toMatchObject({ roles: ['firm'], name: '企业新联系人', status: 'deactivated' });
  });

  it('answers 404 for an unknown account and 400 for an id that is not one', async () => {
    expect((await patch(randomUUID(), { name: 'x' })).status).toBe(404);
    expect((await detail(randomUUID())).status).toBe(404);
    expect((await patch('42', { name: 'x' })).status).toBe(400);
    expect((await t.api.post(`/admin/users/${randomUUID()}/invitation`, {}, w.tokens.admin)).status).toBe(404);
  });

  it('keeps the last active administrator one when two administrators remove each other at once', async () => {
    const [a, b] = [await makeUser(t.app.db, { roles: ['admin'] }), await makeUser(t.app.db, { roles: ['admin'] })];
    const [tokenA, tokenB] = [await t.api.login(a.email), await t.api.login(b.email)];
    // only these two are active administrators while the test runs
    const others = await t.app.db
      .update(users)
      .set({ active: false })
      .where(and(sql`'admin' = any(${users.roles})`, eq(users.active, true), ne(users.id, a.id), ne(users.id, b.id)))
      .returning({ id: users.id });
    try {
      const [ab, ba] = await Promise.all([patch(b.id, { active: false }, tokenA), patch(a.id, { roles: ['finance'] }, tokenB)]);
      expect([ab.status, ba.status].sort()).toEqual([200, 409]);
      expect(codes(ab.status === 409 ? ab : ba)).toEqual(['id:user.last_admin']);
      const admins = await t.app.db.select().from(users).where(and(inArray(users.id, [a.id, b.id]), eq(users.active, true), sql`'admin' = any(${users.roles})`));
      expect(admins).toHaveLength(1);
    } finally {
      if (others.length > 0) await t.app.db.update(users).set({ active: true }).where(inArray(users.id, others.map((o) => o.id)));
    }
  });
});

describe('who may manage accounts', () => {
  const routes = (id: string) =>
    [
      ['GET', '/admin/users', undefined],
      ['POST', '/admin/users', { email: email(), name: 'x', roles: ['provincial'] }],
      ['GET', `/admin/users/${id}`, undefined],
      ['PATCH', `/admin/users/${id}`, { active: false }],
      ['POST', `/admin/users/${id}/invitation`, {}],
    ] as const;

  it('refuses every role but administrators with 403, and anonymous callers with 401', async () => {
    const target = w.people.municipal2.id;
    for (const role of ['firm', 'municipal', 'provincial', 'expert', 'insurer', 'finance'] as const) {
      for (const [method, path, body] of routes(target)) {
        const res = await t.api.request(method, path, { token: w.tokens[role], body });
        expect(res.status, `${role} ${method} ${path}`).toBe(403);
      }
    }
    for (const [method, path, body] of routes(target)) {
      expect((await t.api.request(method, path, { body })).status, `${method} ${path}`).toBe(401);
    }
    expect((await detail(target)).body).toMatchObject({ active: true });
  });

  it('lets an administrator opened through these routes sign in, and still act on no case', async () => {
    const caseId = await w.caseIn('municipal');
    const { account, token } = await activeStaff({ roles: ['admin'] });
    expect((await t.api.get('/me', token)).body).toMatchObject({ id: account.id, roles: ['admin'] });
    expect((await t.api.get(`/cases/${caseId}`, token)).status).toBe(404);
    expect((await t.api.post(`/cases/${caseId}/events`, { type: 'APPROVE' }, token, { 'If-Match': '1' })).status).toBe(404);
    expect((await t.api.post('/cases', w.caseBody(), token)).status).toBe(403);
    expect((await t.api.get<Page>('/cases', token)).body.items).toEqual([]);
    expect((await t.api.get('/admin/users?limit=1', token)).status).toBe(200);
  });
});
