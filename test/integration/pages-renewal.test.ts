import { beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { cases } from '../../db/schema';
import { makeRound } from '../../seeds/factories';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// The "renewal of" choice of the application form (SPEC §1, §5): only what the renewal rules
// (server/cases/rules/renewal.ts) would accept as the previous year's application — the firm's own,
// submitted, not withdrawn, rejected or lapsed, of an earlier year's round — each by its number,
// material and year.
// Which rounds are open is global, and decides the year the choice is for: a database of its own.
const { t, w } = useTestApp({ ownDatabase: true });

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};
/** The options of the form's renewal select: value and label. */
function renewalOptions(html: string): { value: string; label: string }[] {
  const select = /<select id="f-renewalOf"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({ value: m[1] ?? '', label: m[2] ?? '' })).filter((o) => o.value !== '');
}

let earlier: { id: string; year: number };
const numberOf = async (id: string) => (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.firm)).body.number;
const act = async (id: string, event: Record<string, unknown>, token: string) => expect((await t.api.post(`/cases/${id}/events`, event, token)).status).toBe(200);
/** Cases moved to last year's round once they are where the test wants them. */
const lastYear = (ids: string[]) => t.app.db.update(cases).set({ roundId: earlier.id }).where(inArray(cases.id, ids));

beforeAll(async () => {
  const round = await makeRound(t.app.db, {
    editionId: w.edition.id,
    year: w.round.year - 1,
    opensAt: new Date(`${w.round.year - 1}-01-01T00:00:00+08:00`),
    closesAt: new Date(`${w.round.year - 1}-06-30T23:59:59+08:00`),
    insurerIds: [w.insurer.id],
  });
  earlier = { id: round.id, year: round.year };
});

describe('the renewal choice of the application form', () => {
  it("offers only the firm's live, submitted applications of an earlier year, by number, material and year", async () => {
    const accepted = await w.caseIn('provincial');
    const approved = await w.caseIn('approved');
    const withdrawn = await w.submittedCase();
    await act(withdrawn, { type: 'WITHDRAW', reason: '产品停产，撤回申请' }, w.tokens.firm);
    const rejected = await w.submittedCase();
    await act(rejected, { type: 'REJECT', reason: '不属于目录所列材料' }, w.tokens.municipal);
    const draft = await w.caseIn('draft');
    await lastYear([accepted, approved, withdrawn, rejected, draft]);
    // this year's own application is no previous year's
    const sameYear = await w.submittedCase();

    const page = await (await signedIn(w.people.firm.email)).get('/cases/new');
    expect(page.status).toBe(200);
    const options = renewalOptions(page.text);
    const offered = options.map((o) => o.value);
    expect(offered).toEqual(expect.arrayContaining([accepted, approved]));
    for (const id of [withdrawn, rejected, draft, sameYear]) expect(offered, id).not.toContain(id);
    const material = w.entry.name;
    expect(options.find((o) => o.value === accepted)?.label).toBe(`${await numberOf(accepted)} · ${material} · ${earlier.year} 年度`);
  });

  it("starts a new application in the latest year's round when rounds of several years are open, and offers that year's earlier applications", async () => {
    // the later year's opened first: the year decides, not the opening
    const older = await makeRound(t.app.db, { editionId: w.edition.id, year: w.round.year - 1, opensAt: new Date(`${w.round.year}-06-01T00:00:00+08:00`), insurerIds: [w.insurer.id] });
    const later = await makeRound(t.app.db, { editionId: w.edition.id, year: w.round.year + 1, opensAt: new Date(`${w.round.year - 1}-12-01T00:00:00+08:00`), insurerIds: [w.insurer.id] });
    const thisYear = await w.submittedCase();
    const page = await (await signedIn(w.people.firm.email)).get('/cases/new');
    expect(page.status).toBe(200);
    const selected = /<select id="f-roundId"[^>]*>[\s\S]*?<option value="([^"]*)"[^>]*selected/.exec(page.text)?.[1];
    expect(selected).toBe(later.id);
    expect(selected).not.toBe(older.id);
    expect(renewalOptions(page.text).map((o) => o.value)).toContain(thisYear);
  });

  it("offers no other firm's application", async () => {
    const theirs = await w.caseIn('provincial');
    await lastYear([theirs]);
    const page = await (await signedIn(w.people.otherFirm.email)).get('/cases/new');
    expect(page.status).toBe(200);
    expect(renewalOptions(page.text).map((o) => o.value)).not.toContain(theirs);
    expect(page.text).not.toContain(await numberOf(theirs));
  });

  it('leaves a draft out of its own choices, and keeps the application it already renews', async () => {
    const previous = await w.caseIn('provincial');
    await lastYear([previous]);
    const draft = await w.createCase({ renewalOf: previous });
    // the earlier application is withdrawn since: still shown as what the draft renews, and selected
    await act(previous, { type: 'WITHDRAW', reason: '产品停产，撤回申请' }, w.tokens.firm);
    const form = await (await signedIn(w.people.firm.email)).get(`/cases/${draft}/edit`);
    expect(form.status).toBe(200);
    const options = renewalOptions(form.text);
    expect(options.map((o) => o.value)).not.toContain(draft);
    expect(options.map((o) => o.value)).toContain(previous);
    expect(form.text).toMatch(new RegExp(`<option value="${previous}" selected`));
  });

  it('is refused to every role but the firm, and answers 404 for a draft of another firm', async () => {
    const draft = await w.caseIn('draft');
    for (const who of [w.people.municipal.email, w.people.provincial.email, w.people.insurer.email, w.people.finance.email, w.people.admin.email]) {
      const b = await signedIn(who);
      expect((await b.get('/cases/new')).status, who).toBe(403);
      expect((await b.get(`/cases/${draft}/edit`)).status, who).toBe(403);
    }
    expect((await (await signedIn(w.people.otherFirm.email)).get(`/cases/${draft}/edit`)).status).toBe(404);
  });
});
