import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { enterprises, recoveries } from '../../db/schema';
import { deliverEvent } from '../../server/engine/deliver';
import { shanghaiDate } from '../../server/calendar/dates';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// A firm barred by a recovery (SPEC §1), as its readers meet it elsewhere than on the recovered case.
// The world's firm is barred here: a file of its own, so no other file's cases are refused.
const { t, w } = useTestApp({ ownDatabase: true });

const signedIn = async (email: string) => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  return b;
};

/** A paid case of the world's firm, recovered by the provincial reviewer: the firm is barred. */
async function recovered(): Promise<{ id: string; number: string; until: string }> {
  const id = await w.caseIn('approved');
  const batchId = randomUUID();
  for (const event of [{ type: 'BATCHED', batchId }, { type: 'BATCH_APPROVED', batchId }, { type: 'PAID', batchId, paymentId: `P-${id.slice(0, 8)}`, reference: 'REF', paidOn: shanghaiDate(t.app.clock.now()) }]) {
    expect(await deliverEvent(t.app, { eventId: randomUUID(), from: { kind: 'batch', id: batchId }, to: { kind: 'case', ids: [id] }, event })).toEqual({ applied: 1, refused: 0 });
  }
  expect((await t.api.post(`/cases/${id}/events`, { type: 'START_RECOVERY', reason: '伪造保费发票<b>' }, w.tokens.provincial)).status).toBe(200);
  const [row] = await t.app.db.select().from(recoveries).where(eq(recoveries.caseId, id));
  const number = (await t.api.get<{ number: string }>(`/cases/${id}`, w.tokens.provincial)).body.number;
  return { id, number, until: row?.bannedUntil ?? '' };
}

const zhDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

describe("a firm's ban, where its readers meet the firm", () => {
  // each test bars the firm afresh: a ban left by one would refuse the next one's applications
  afterEach(async () => {
    await t.app.db.update(enterprises).set({ bannedUntil: null }).where(eq(enterprises.id, w.firm.id));
  });

  it('is said on its profile, in the firms list and on its other cases, to the firm, its reviewers and finance, with the recovery that set it', async () => {
    // a case approved before the recovery: finance still meets the firm on it
    const other = await w.caseIn('approved');
    const { id, number, until } = await recovered();
    expect(until).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // the API's list gives the end of the ban
    const listed = await t.api.get<{ items: { id: string; bannedUntil: string | null }[] }>(`/enterprises?q=${encodeURIComponent(w.firm.uscc)}`, w.tokens.provincial);
    expect(listed.body.items.find((f) => f.id === w.firm.id)?.bannedUntil).toBe(until);
    expect((await t.api.get<{ items: { id: string; bannedUntil: string | null }[] }>('/enterprises?limit=100', w.tokens.provincial)).body.items.find((f) => f.id === w.otherFirm.id)?.bannedUntil).toBeNull();

    for (const who of [w.people.municipal.email, w.people.provincial.email]) {
      const b = await signedIn(who);
      const firms = (await b.get(`/firms?q=${encodeURIComponent(w.firm.uscc)}`)).text;
      expect(firms, who).toContain(`<span class="badge banned">禁止申报至 ${zhDate(until)}</span>`);
      const profile = (await b.get(`/firm/${w.firm.id}`)).text;
      expect(profile, who).toContain(`该企业被禁止参与本项目至 ${zhDate(until)}（含）`);
      expect(profile, who).toContain(`<a href="/cases/${id}">申请 ${number} 于 `);
      // the reason as text
      expect(profile, who).toContain('伪造保费发票&lt;b>');
    }
    const own = await signedIn(w.people.firm.email);
    expect((await own.get(`/firm/${w.firm.id}`)).text).toContain(`本企业被禁止参与本项目至 ${zhDate(until)}（含）`);
    expect((await own.get(`/cases/${other}`)).text).toContain(`本企业被禁止参与本项目至 ${zhDate(until)}（含）`);
    for (const who of [w.people.provincial.email, w.people.finance.email]) {
      expect((await (await signedIn(who)).get(`/cases/${other}`)).text, who).toContain(`该企业被禁止参与本项目至 ${zhDate(until)}（含）`);
    }
    const english = new PageClient(t.url);
    english.cookies.set('fb_lang', 'en');
    await english.signIn(w.people.provincial.email);
    expect((await english.get(`/firm/${w.firm.id}`)).text).toContain('This firm is barred from the programme until');
    // the insurer has no part in the firm's standing
    const insurer = (await (await signedIn(w.people.insurer.email)).get(`/cases/${other}`)).text;
    expect(insurer).not.toContain('id="firm-ban"');
  });

  it('is said no more once it has ended', async () => {
    // a firm free to apply, then barred here (the test before may have barred it)
    await t.app.db.update(enterprises).set({ bannedUntil: null }).where(eq(enterprises.id, w.firm.id));
    await recovered();
    const b0 = await signedIn(w.people.provincial.email);
    expect((await b0.get(`/firm/${w.firm.id}`)).text).toContain('id="firm-ban"');
    await t.app.db.update(enterprises).set({ bannedUntil: '2020-01-01' }).where(eq(enterprises.id, w.firm.id));
    const b = await signedIn(w.people.provincial.email);
    expect((await b.get(`/firm/${w.firm.id}`)).text).not.toContain('id="firm-ban"');
    expect((await b.get(`/firms?q=${encodeURIComponent(w.firm.uscc)}`)).text).not.toContain('badge banned');
    const listed = await t.api.get<{ items: { id: string; bannedUntil: string | null }[] }>(`/enterprises?q=${encodeURIComponent(w.firm.uscc)}`, w.tokens.provincial);
    expect(listed.body.items.find((f) => f.id === w.firm.id)?.bannedUntil).toBeNull();
  });

  it('is said on its last day, which is still barred', async () => {
    await recovered();
    const today = shanghaiDate(t.app.clock.now());
    await t.app.db.update(enterprises).set({ bannedUntil: today }).where(eq(enterprises.id, w.firm.id));
    const b = await signedIn(w.people.provincial.email);
    const profile = (await b.get(`/firm/${w.firm.id}`)).text;
    expect(profile).toContain('id="firm-ban"');
    expect(profile).toContain(`该企业被禁止参与本项目至 ${zhDate(today)}（含）`);
    expect((await b.get(`/firms?q=${encodeURIComponent(w.firm.uscc)}`)).text).toContain(`<span class="badge banned">禁止申报至 ${zhDate(today)}</span>`);
    const listed = await t.api.get<{ items: { id: string; bannedUntil: string | null }[] }>(`/enterprises?q=${encodeURIComponent(w.firm.uscc)}`, w.tokens.provincial);
    expect(listed.body.items.find((f) => f.id === w.firm.id)?.bannedUntil).toBe(today);
  });
});
