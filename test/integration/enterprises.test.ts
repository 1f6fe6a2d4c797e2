import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enterpriseRegistrations, enterprises, users } from '../../db/schema';
import { makeUscc } from '../../server/domain/uscc';
import { makeEnterprise, makeUser, randomUscc } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { confirmationTokensFor, emailsTo } from '../support/registration';

const { t, w } = useTestApp();

interface Problem {
  status: number;
  errors?: { path: string; code?: string; message: string; messageZh?: string }[];
}
interface Profile {
  id: string;
  uscc: string;
  city: string;
  address: string;
  bankAccount: string;
  affiliations: string[];
  bannedUntil: string | null;
  profileComplete: boolean;
  missing: string[];
}

// A fresh code with letters in it, so that lower-casing it changes it (the database outlives a run).
const LETTERED = makeUscc(`91330100MA${randomUscc().slice(10, 17)}`);
const PASSWORD = 'Sicheng-2026-wafer';

function registration(over: { enterprise?: Record<string, unknown>; user?: Record<string, unknown> } = {}) {
  return {
    enterprise: {
      name: '浙江芯晶新材料有限公司',
      uscc: randomUscc('330100'),
      city: '330100',
      address: '杭州市滨江区江南大道 1 号',
      contactName: '王工',
      contactPhone: '0571-87654321',
      contactEmail: 'contact@firm.test',
      bankName: '中国工商银行杭州高新支行',
      bankAccount: '1202021209900012345',
      affiliations: [],
      ...over.enterprise,
    },
    user: { email: `${randomUUID()}@firm.test`, password: PASSWORD, name: '王经理', ...over.user },
  };
}

const register = (body: unknown) => t.api.post<Problem & Record<string, unknown>>('/enterprises/register', body);
const confirm = (token: string | undefined) =>
  t.api.post<Problem & { enterprise: Profile; user: { id: string; roles: string[]; enterpriseId: string; email: string } }>('/enterprises/register/confirm', { token });
const withoutRequestId = ({ requestId: _id, ...rest }: Record<string, unknown>) => rest;
const firmsWith = (uscc: string) => t.app.db.select().from(enterprises).where(eq(enterprises.uscc, uscc));
const accountsWith = (email: string) => t.app.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);

const fullWidth = (s: string) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A check character other than the right one. */
function withWrongCheck(code: string): string {
  return code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
}

describe('POST /enterprises/register', () => {
  it('creates nothing until the emailed link is used; then the firm and its first user, who can sign in and read the firm', async () => {
    const body = registration({ enterprise: { uscc: LETTERED, affiliations: [randomUscc('330200')] } });
    const accepted = await register(body);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ email: body.user.email, confirmBy: expect.any(String) });
    expect(await firmsWith(LETTERED)).toEqual([]);
    expect(await accountsWith(body.user.email)).toEqual([]);
    expect((await t.api.post('/auth/login', { email: body.user.email, password: PASSWORD })).status).toBe(401);

    const [token] = await confirmationTokensFor(t.app.db, body.user.email);
    const res = await confirm(token);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/enterprises/${res.body.enterprise.id}`);
    expect(res.body.enterprise).toMatchObject({ uscc: LETTERED, city: '330100', affiliations: body.enterprise.affiliations, bannedUntil: null, profileComplete: true, missing: [] });
    expect(res.body.user).toMatchObject({ email: body.user.email, roles: ['firm'], enterpriseId: res.body.enterprise.id });
    expect(res.body.user).not.toHaveProperty('passwordHash');

    const me = await t.api.get('/me', await t.api.login(body.user.email.toUpperCase(), PASSWORD));
    expect(me.body).toMatchObject({ id: res.body.user.id, roles: ['firm'], enterpriseId: res.body.enterprise.id });
    const own = await t.api.get<Profile>(`/enterprises/${res.body.enterprise.id}`, await t.api.login(body.user.email, PASSWORD));
    expect(own.status).toBe(200);
    expect(own.body.uscc).toBe(LETTERED);
  });

  it('accepts a confirmation link once only, and not a made-up one', async () => {
    const body = registration();
    expect((await register(body)).status).toBe(202);
    const [token] = await confirmationTokensFor(t.app.db, body.user.email);
    expect((await confirm(token)).status).toBe(201);
    expect((await confirm(token)).status).toBe(404);
    expect((await confirm('made-up-token')).status).toBe(404);
    expect((await t.api.post('/enterprises/register/confirm', {})).status).toBe(400);
  });

  it('gives 72 hours to confirm, and refuses a link whose time has run out', async () => {
    const body = registration();
    const accepted = await register(body);
    expect(accepted.status).toBe(202);
    const ahead = Date.parse(String(accepted.body.confirmBy)) - Date.now();
    expect(Math.abs(ahead - 72 * 3_600_000)).toBeLessThan(60_000);
    const [token] = await confirmationTokensFor(t.app.db, body.user.email);
    await t.app.db
      .update(enterpriseRegistrations)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(enterpriseRegistrations.email, body.user.email));
    expect((await confirm(token)).status).toBe(404);
    expect(await accountsWith(body.user.email)).toEqual([]);
  });

  it('accepts a firm without bank details and reports its profile incomplete', async () => {
    const { enterprise, user } = registration();
    const { bankName: _n, bankAccount: _a, ...rest } = enterprise;
    expect((await register({ enterprise: rest, user })).status).toBe(202);
    const [token] = await confirmationTokensFor(t.app.db, user.email);
    const res = await confirm(token);
    expect(res.status).toBe(201);
    expect(res.body.enterprise).toMatchObject({ profileComplete: false, missing: ['bankName', 'bankAccount'] });
  });

  it('refuses a USCC with a wrong check character, in English and Chinese', async () => {
    const res = await register(registration({ enterprise: { uscc: withWrongCheck(randomUscc()) } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'enterprise.uscc', code: 'uscc.check_character', message: expect.stringContaining('check character'), messageZh: expect.stringContaining('校验位') },
    ]);
  });

  it('takes a USCC typed in lower case or full width, and a bank account in groups, as the code and digits they are', async () => {
    const uscc = makeUscc(`91330100MA${randomUscc().slice(10, 17)}`);
    const affiliate = makeUscc(`91330200MA${randomUscc().slice(10, 17)}`);
    const body = registration({ enterprise: { uscc: ` ${fullWidth(uscc.slice(0, 9))}${uscc.slice(9).toLowerCase()} `, affiliations: [affiliate.toLowerCase()], bankAccount: '１２０２ 0212-0990 0012　345' } });
    expect((await register(body)).status).toBe(202);
    const [token] = await confirmationTokensFor(t.app.db, body.user.email);
    const res = await confirm(token);
    expect(res.status).toBe(201);
    expect(res.body.enterprise).toMatchObject({ uscc, affiliations: [affiliate], bankAccount: '1202021209900012345' });
    expect(await firmsWith(uscc)).toHaveLength(1);
    // the same code in lower case is the firm already registered
    expect((await register(registration({ enterprise: { uscc: uscc.toLowerCase() } }))).status).toBe(409);
  });

  it('still refuses, with the reason, a USCC with a letter the code never uses once upper-cased', async () => {
    const res = await register(registration({ enterprise: { uscc: `${LETTERED.slice(0, 10)}i${LETTERED.slice(11)}` } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'enterprise.uscc', code: 'uscc.forbidden_character', message: expect.stringContaining('"I"'), messageZh: expect.stringContaining('“I”') },
    ]);
  });

  it.each([
    ['17', (c: string) => c.slice(0, 17)],
    ['19', (c: string) => `${c}0`],
  ])('refuses a USCC of %s characters', async (n, cut) => {
    const res = await register(registration({ enterprise: { uscc: cut(randomUscc()) } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'enterprise.uscc', code: 'uscc.length', message: expect.stringContaining(n), messageZh: expect.stringContaining(n) }]);
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses a USCC containing the letter %s', async (letter) => {
    const code = `${randomUscc().slice(0, 10)}${letter}${randomUscc().slice(11)}`;
    const res = await register(registration({ enterprise: { uscc: code } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'enterprise.uscc', code: 'uscc.forbidden_character', message: expect.stringContaining(`"${letter}"`), messageZh: expect.stringContaining(letter) },
    ]);
  });

  it('names the affiliation that is not a valid USCC by its index', async () => {
    const affiliations = [randomUscc(), randomUscc(), withWrongCheck(randomUscc())];
    const res = await register(registration({ enterprise: { affiliations } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'enterprise.affiliations.2', code: 'uscc.check_character', messageZh: expect.any(String) })]);
  });

  it("refuses the firm's own code, or one code twice, among its affiliations", async () => {
    const uscc = randomUscc();
    const other = randomUscc();
    const res = await register(registration({ enterprise: { uscc, affiliations: [other, uscc, other] } }));
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.path, e.code])).toEqual([
      ['enterprise.affiliations.1', 'affiliation.self'],
      ['enterprise.affiliations.2', 'affiliation.duplicate'],
    ]);
  });

  it('lists every content problem at once', async () => {
    const res = await register(registration({ enterprise: { uscc: withWrongCheck(LETTERED).toLowerCase() }, user: { password: 'short' } }));
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['enterprise.uscc', 'user.password', 'user.password']);
  });

  it('lists the check character and the password policy with the missing fields, in one 400', async () => {
    const res = await register(registration({ enterprise: { uscc: withWrongCheck(randomUscc()), name: '', contactPhone: '' }, user: { password: 'short' } }));
    expect(res.status).toBe(400);
    const paths = res.body.errors?.map((e) => `${e.path} ${e.code ?? ''}`);
    expect(paths).toEqual(
      expect.arrayContaining(['enterprise.name custom', 'enterprise.contactPhone custom', 'enterprise.uscc uscc.check_character', 'user.password password.too_short', 'user.password password.one_class']),
    );
    // a field the schema already refused is not judged by the rules too
    const long = await register(registration({ enterprise: { uscc: 'X'.repeat(70), name: '' } }));
    expect(long.status).toBe(400);
    expect(long.body.errors?.filter((e) => e.path === 'enterprise.uscc')).toHaveLength(1);
  });

  it.each([
    ['too short', 'Abc-12345', 'password.too_short'],
    ['all lower-case letters', 'abcdefghijklmn', 'password.one_class'],
    ['all digits', '12345678901234', 'password.one_class'],
    ['longer than sign-in accepts', `Aa1${'x'.repeat(200)}`, 'password.too_long'],
  ])('refuses a password that is %s, with the reason', async (_what, password, code) => {
    const res = await register(registration({ user: { password } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'user.password', code, message: expect.any(String), messageZh: expect.any(String) }]);
  });

  // Woaini1314: "I love you for a lifetime", among the commonest passwords in leaks of Chinese sites
  it.each(['Password12', 'Qwerty1234', 'iloveyou12', 'QWERTYUIOP1', 'Woaini1314', 'P@ssw0rd123'])('refuses the common password %s, with the reason', async (password) => {
    const res = await register(registration({ user: { password } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'user.password', code: 'password.common', message: expect.any(String), messageZh: expect.any(String) }]);
  });

  it.each(['January2026', 'Hangzhou2026', '2026-06-30Ab'])('refuses the easily guessed password %s, with the reason in both languages', async (password) => {
    const res = await register(registration({ user: { password } }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'user.password', code: 'password.guessable', message: expect.stringContaining('guess'), messageZh: expect.stringContaining('猜') }]);
  });

  it('refuses a password built from the email address', async () => {
    const res = await register(registration({ user: { email: 'wangjingli@firm.test', password: 'Wangjingli-2026' } }));
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => e.code)).toEqual(['password.contains_email']);
  });

  it('answers 409 naming enterprise.uscc when the firm is already registered, and creates no user', async () => {
    const body = registration({ enterprise: { uscc: w.firm.uscc } });
    const res = await register(body);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'enterprise.uscc', code: 'enterprise.uscc_taken', messageZh: expect.any(String) })]);
    expect(await accountsWith(body.user.email)).toEqual([]);
    expect(await emailsTo(t.app.db, body.user.email)).toEqual([]);
  });

  it("answers a registered firm's USCC the same whether the email is a staff member's or free", async () => {
    const staff = await makeUser(t.app.db, { roles: ['provincial'] });
    const probe = await register(registration({ enterprise: { uscc: w.firm.uscc }, user: { email: staff.email } }));
    const free = await register(registration({ enterprise: { uscc: w.firm.uscc } }));
    expect(probe.status).toBe(409);
    expect(withoutRequestId(probe.body)).toEqual(withoutRequestId(free.body));
  });

  it('answers an email that already has an account exactly like a free one, creates nothing, and tells its owner by email', async () => {
    const staff = await makeUser(t.app.db, { roles: ['admin'] });
    const taken = registration({ user: { email: staff.email.toUpperCase() } });
    const free = registration();
    const [takenRes, freeRes] = [await register(taken), await register(free)];
    expect([takenRes.status, freeRes.status]).toEqual([202, 202]);
    expect(Object.keys(takenRes.body).sort()).toEqual(Object.keys(freeRes.body).sort());
    expect(takenRes.body.email).toBe(taken.user.email);
    expect(await firmsWith(taken.enterprise.uscc)).toEqual([]);
    expect(await accountsWith(staff.email)).toHaveLength(1);
    // the owner gets a notice, and no link that could create a second account
    expect(await emailsTo(t.app.db, staff.email)).toEqual(['registration.emailTaken']);
    expect(await emailsTo(t.app.db, taken.user.email)).toEqual([]);
    expect(await confirmationTokensFor(t.app.db, free.user.email)).toHaveLength(1);
    // the registrant's password does not sign in to the owner's account
    expect((await t.api.post('/auth/login', { email: staff.email, password: PASSWORD })).status).toBe(401);
  });

  it('keeps no firm of a confirmation that loses a race for the same email, and names the email only then', async () => {
    const email = `${randomUUID()}@firm.test`;
    const bodies = [registration({ user: { email } }), registration({ user: { email: email.toUpperCase() } })];
    for (const body of bodies) expect((await register(body)).status).toBe(202);
    const tokens = [...(await confirmationTokensFor(t.app.db, email)), ...(await confirmationTokensFor(t.app.db, email.toUpperCase()))];
    expect(tokens).toHaveLength(2);
    const results = await Promise.all(tokens.map((token) => confirm(token)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.body.errors).toEqual([expect.objectContaining({ path: 'user.email', code: 'user.email_taken' })]);
    const firms = await Promise.all(bodies.map((b) => firmsWith(b.enterprise.uscc)));
    expect(firms.map((f) => f.length).sort()).toEqual([0, 1]);
    expect(await accountsWith(email)).toHaveLength(1);
  });

  it('answers 409 to a confirmation whose firm was registered meanwhile', async () => {
    const uscc = randomUscc();
    const [first, second] = [registration({ enterprise: { uscc } }), registration({ enterprise: { uscc } })];
    for (const body of [first, second]) expect((await register(body)).status).toBe(202);
    const [a] = await confirmationTokensFor(t.app.db, first.user.email);
    const [b] = await confirmationTokensFor(t.app.db, second.user.email);
    expect((await confirm(a)).status).toBe(201);
    const late = await confirm(b);
    expect(late.status).toBe(409);
    expect(late.body.errors).toEqual([expect.objectContaining({ path: 'enterprise.uscc', code: 'enterprise.uscc_taken' })]);
    expect(await accountsWith(second.user.email)).toEqual([]);
  });

  it.each(['330000', '110100', '3301', ''])('refuses the city code "%s" with 400 naming enterprise.city', async (city) => {
    const res = await register(registration({ enterprise: { city } }));
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['enterprise.city']);
  });

  it.each([
    ['enterprise.name', { enterprise: { name: 12345 } }],
    ['enterprise.contactPhone', { enterprise: { contactPhone: 13800000000 } }],
    ['enterprise.bankAccount', { enterprise: { bankAccount: 1202021209900012 } }],
    ['enterprise.uscc', { enterprise: { uscc: 123456789012345 } }],
    ['user.password', { user: { password: 12345678901234 } }],
  ])('refuses a JSON number for the text field %s with 400', async (path, over) => {
    const res = await register(registration(over));
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual([path]);
  });

  it('refuses a body missing required fields, naming each', async () => {
    const res = await register({ enterprise: { uscc: randomUscc(), city: '330100' }, user: { email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(
      ['enterprise.address', 'enterprise.contactEmail', 'enterprise.contactName', 'enterprise.contactPhone', 'enterprise.name', 'user.email', 'user.name', 'user.password'].sort(),
    );
  });

  it.each([
    ['an array', []],
    ['a string', 'register me'],
    ['a null enterprise', { enterprise: null, user: {} }],
    ['affiliations as a string', registration({ enterprise: { affiliations: '91330100MA2CKQ8T1X' } })],
  ])('answers 400, never 500, to a body that is %s', async (_what, body) => {
    expect((await register(body)).status).toBe(400);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await t.api.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
    expect(Object.keys(doc.body.paths['/enterprises/register'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.body.paths['/enterprises/register/confirm'] ?? {})).toEqual(['post']);
    expect(JSON.stringify(doc.body.paths['/enterprises/register'])).toContain('never tells whether the email address already has an account');
    expect(Object.keys(doc.body.paths['/enterprises/{id}'] ?? {}).sort()).toEqual(['get', 'patch']);
  });

  it('refuses a registration that tries to choose roles, a ban date or a jurisdiction', async () => {
    for (const over of [{ user: { roles: ['provincial'] } }, { user: { city: '330100' } }, { enterprise: { bannedUntil: null } }]) {
      const body = registration(over);
      const res = await register(body);
      expect(res.status).toBe(400);
      expect(await accountsWith(body.user.email)).toEqual([]);
    }
  });
});

const OUTSIDERS = ['expert', 'insurer', 'finance', 'admin', 'otherFirm'] as const;

describe('GET /enterprises/:id', () => {
  it("shows a firm's own staff its profile, complete when USCC, city and bank account are there", async () => {
    const res = await t.api.get<Profile>(`/enterprises/${w.firm.id}`, w.tokens.firm);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: w.firm.id, uscc: w.firm.uscc, city: '330100', cityName: '杭州市', affiliations: [], bannedUntil: null, profileComplete: true, missing: [] });
  });

  it('lists what is missing from an incomplete profile, and shows the ban date', async () => {
    const firm = await makeEnterprise(t.app.db, { uscc: withWrongCheck(randomUscc()), bankName: '', bankAccount: '', bannedUntil: '2029-06-30', affiliations: [randomUscc()] });
    const res = await t.api.get<Profile>(`/enterprises/${firm.id}`, w.tokens.provincial);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ profileComplete: false, missing: ['uscc', 'bankName', 'bankAccount'], bannedUntil: '2029-06-30', affiliations: firm.affiliations });
  });

  it('shows provincial reviewers firms of every city', async () => {
    for (const id of [w.firm.id, w.otherFirm.id]) expect((await t.api.get(`/enterprises/${id}`, w.tokens.provincial)).status).toBe(200);
  });

  it("shows a municipal reviewer the firms of the reviewer's city", async () => {
    expect((await t.api.get(`/enterprises/${w.firm.id}`, w.tokens.municipal)).status).toBe(200);
    expect((await t.api.get(`/enterprises/${w.otherFirm.id}`, w.tokens.otherMunicipal)).status).toBe(200);
  });

  it('returns 404 to a Ningbo reviewer reading a Hangzhou firm', async () => {
    expect((await t.api.get(`/enterprises/${w.firm.id}`, w.tokens.otherMunicipal)).status).toBe(404);
  });

  it.each(OUTSIDERS)('returns 404 to %s reading a firm that is not theirs', async (who) => {
    const res = await t.api.get(`/enterprises/${w.firm.id}`, w.tokens[who]);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(w.firm.uscc);
  });

  it('answers an unknown firm exactly like a hidden one', async () => {
    const unknown = await t.api.get<{ detail: string }>(`/enterprises/${randomUUID()}`, w.tokens.otherFirm);
    const hidden = await t.api.get<{ detail: string }>(`/enterprises/${w.firm.id}`, w.tokens.otherFirm);
    expect([unknown.status, unknown.body.detail]).toEqual([hidden.status, hidden.body.detail]);
  });

  it('returns 400 for an id that is not a UUID, and 401 without a session', async () => {
    expect((await t.api.get('/enterprises/42', w.tokens.provincial)).status).toBe(400);
    expect((await t.api.get(`/enterprises/${w.firm.id}`)).status).toBe(401);
  });
});

describe('PATCH /enterprises/:id', () => {
  /** A firm of its own with one signed-in user, so that edits do not leak into other tests. */
  async function ownFirm(city = '330100') {
    const firm = await makeEnterprise(t.app.db, { city });
    const user = await makeUser(t.app.db, { roles: ['firm'], enterpriseId: firm.id });
    return { firm, token: await t.api.login(user.email) };
  }
  const stored = async (id: string) => (await t.app.db.select().from(enterprises).where(eq(enterprises.id, id)))[0];

  it('lets the firm change its name, address, contact, bank account and affiliations', async () => {
    const { firm, token } = await ownFirm();
    const change = {
      name: '浙江芯晶新材料股份有限公司',
      address: '杭州市余杭区文一西路 969 号',
      contactName: '李工',
      contactPhone: '13900001111',
      contactEmail: 'li@firm.test',
      bankName: '中国建设银行杭州分行',
      bankAccount: '33050161673509000001',
      affiliations: [randomUscc('330200')],
    };
    const res = await t.api.patch<Profile>(`/enterprises/${firm.id}`, change, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...change, uscc: firm.uscc, city: firm.city, profileComplete: true });
    expect((await t.api.get(`/enterprises/${firm.id}`, token)).body).toMatchObject(change);
  });

  it('keeps who changed the bank account, when, and what it was before', async () => {
    const { firm, token } = await ownFirm();
    await t.api.patch(`/enterprises/${firm.id}`, { bankAccount: '6222000000000000001', address: firm.address }, token, { 'X-Request-Id': 'bank-change-0001' });
    const res = await t.api.get<{ items: { before: object; after: object; requestId: string }[] }>(`/enterprises/${firm.id}/changes`, token);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ before: { bankAccount: firm.bankAccount }, after: { bankAccount: '6222000000000000001' }, requestId: 'bank-change-0001' }),
    ]);
    expect((await t.api.get(`/enterprises/${firm.id}/changes`, w.tokens.provincial)).status).toBe(200);
    for (const role of ['otherFirm', 'otherMunicipal', 'expert', 'insurer', 'finance', 'admin'] as const) {
      expect((await t.api.get(`/enterprises/${firm.id}/changes`, w.tokens[role])).status, role).toBe(404);
    }
    expect((await t.api.get(`/enterprises/${firm.id}/changes`)).status).toBe(401);
  });

  it.each([
    ['uscc', () => randomUscc()],
    ['city', () => '330200'],
  ])('refuses to change the %s with 400 naming it, and keeps the old value', async (field, value) => {
    const { firm, token } = await ownFirm();
    const res = await t.api.patch<Problem>(`/enterprises/${firm.id}`, { [field]: value(), address: '新地址' }, token);
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual([field]);
    expect(await stored(firm.id)).toMatchObject({ uscc: firm.uscc, city: firm.city, address: firm.address });
  });

  it('refuses to let the firm lift its own ban', async () => {
    const { firm, token } = await ownFirm();
    const res = await t.api.patch(`/enterprises/${firm.id}`, { bannedUntil: null }, token);
    expect(res.status).toBe(400);
  });

  it('validates affiliations like registration does', async () => {
    const { firm, token } = await ownFirm();
    const res = await t.api.patch<Problem>(`/enterprises/${firm.id}`, { affiliations: [randomUscc(), firm.uscc.toLowerCase(), withWrongCheck(LETTERED)] }, token);
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.path, e.code])).toEqual([
      ['affiliations.1', 'affiliation.self'],
      ['affiliations.2', 'uscc.check_character'],
    ]);
    expect((await stored(firm.id))?.affiliations).toEqual([]);
  });

  it.each([
    ['bankAccount', 1202021209900012],
    ['bankAccount', '6222 0212 099A'],
    ['bankAccount', '6222/0212/0990'],
    ['name', ''],
    ['contactEmail', 'nobody'],
    ['contactPhone', 'call me'],
  ])('refuses a malformed %s (%j) with 400', async (field, value) => {
    const { firm, token } = await ownFirm();
    const res = await t.api.patch<Problem>(`/enterprises/${firm.id}`, { [field]: value }, token);
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual([field]);
  });

  it('stores a bank account typed in groups, with full-width digits, as its digits', async () => {
    const { firm, token } = await ownFirm();
    const res = await t.api.patch<Profile & { bankAccount: string }>(`/enterprises/${firm.id}`, { bankAccount: '６２２２ ０２１２-0990 1234 567' }, token);
    expect(res.status).toBe(200);
    expect(res.body.bankAccount).toBe('6222021209901234567');
    expect((await stored(firm.id))?.bankAccount).toBe('6222021209901234567');
  });

  it('returns 403 to a provincial reviewer, who may read but not edit', async () => {
    const res = await t.api.patch(`/enterprises/${w.firm.id}`, { bankAccount: '9999999999999' }, w.tokens.provincial);
    expect(res.status).toBe(403);
    expect((await stored(w.firm.id))?.bankAccount).toBe(w.firm.bankAccount);
  });

  it("returns 403 to a reviewer of the firm's city", async () => {
    expect((await t.api.patch(`/enterprises/${w.firm.id}`, { address: '改' }, w.tokens.municipal)).status).toBe(403);
  });

  it.each([...OUTSIDERS, 'otherMunicipal'] as const)('returns 404 to %s and changes nothing', async (who) => {
    const res = await t.api.patch(`/enterprises/${w.firm.id}`, { bankAccount: '9999999999999' }, w.tokens[who]);
    expect(res.status).toBe(404);
    expect((await stored(w.firm.id))?.bankAccount).toBe(w.firm.bankAccount);
  });

  it('returns 401 without a session', async () => {
    expect((await t.api.patch(`/enterprises/${w.firm.id}`, { address: '改' })).status).toBe(401);
  });
});
