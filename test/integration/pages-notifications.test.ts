import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications } from '../../db/schema';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

// The notifications page and the header's count: each person's own notifications, newest first and
// paged, linked to what they are about, the unread marked and marked read from the page or the API.
const { t, w } = useTestApp();

const signedIn = async (email: string, lang: 'zh' | 'en' = 'zh') => {
  const b = new PageClient(t.url);
  await b.signIn(email);
  if (lang === 'en') b.cookies.set('fb_lang', 'en');
  return b;
};

const notesOf = (userId: string, caseId: string) => t.app.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.ownerId, caseId)));

/** The header's link to the notifications, as the page has it. */
const headerLink = (html: string) => {
  const start = html.indexOf('<a href="/notifications"');
  return start < 0 ? '' : html.slice(start, html.indexOf('</a>', start) + 4);
};

describe('the notifications page', () => {
  it("shows the city reviewer the submission, linked to the case and marked unread, and the header's unread count, in both languages", async () => {
    const id = await w.submittedCase();
    const [note] = await notesOf(w.people.municipal.id, id);
    if (!note) throw new Error('no notification');
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get('/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>通知</h1>');
    expect(page.text).toContain(`<a href="/cases/${id}"><strong>${note.title}</strong></a>`);
    expect(page.text).toContain('<span class="badge state-unread">未读</span>');
    expect(page.text).toContain(`action="/notifications/${note.id}/read"`);
    const unread = (await t.api.get<{ unread: number }>('/notifications', w.tokens.municipal)).body.unread;
    expect(unread).toBeGreaterThan(0);
    // every page's header links here with the count
    const home = await b.get('/');
    expect(headerLink(home.text)).toContain(`aria-label="通知，${unread} 条未读"`);
    expect(headerLink(home.text)).toContain(`<span class="count">${unread}</span>`);
    const en = await (await signedIn(w.people.municipal.email, 'en')).get('/notifications');
    expect(en.text).toContain('<h1>Notifications</h1>');
    expect(en.text).toContain('Mark all read');
    expect(headerLink(en.text)).toContain(`aria-label="Notifications, ${unread} unread"`);
  });

  it("shows the firm its own notification of the submission, and the insurer only the policy's check", async () => {
    const id = await w.submittedCase();
    const firmNotes = await notesOf(w.people.firm.id, id);
    expect(firmNotes.length).toBeGreaterThan(0);
    const firm = (await (await signedIn(w.people.firm.email)).get('/notifications')).text;
    for (const n of firmNotes) expect(firm).toContain(n.title);
    const insurerNotes = await notesOf(w.people.insurer.id, id);
    expect(insurerNotes.map((n) => n.template)).toEqual(['case.policyToVerify']);
    const insurer = (await (await signedIn(w.people.insurer.email)).get('/notifications')).text;
    expect(insurer).toContain(`<a href="/cases/${id}">`);
    for (const n of [...firmNotes, ...(await notesOf(w.people.municipal.id, id))]) expect(insurer).not.toContain(`/notifications/${n.id}/read`);
  });

  it("never shows another person's notifications, nor lets anyone mark them read", async () => {
    const id = await w.submittedCase();
    const [note] = await notesOf(w.people.municipal.id, id);
    if (!note) throw new Error('no notification');
    for (const who of ['otherMunicipal', 'otherFirm', 'otherInsurer', 'finance', 'admin'] as const) {
      const b = await signedIn(w.people[who].email);
      const page = await b.get('/notifications');
      expect(page.text, who).not.toContain(`/cases/${id}"`);
      expect(page.text, who).not.toContain(note.id);
      expect((await b.post(`/notifications/${note.id}/read`, { _csrf: PageClient.csrfOf(page.text) })).status, who).toBe(404);
      expect((await t.api.post(`/notifications/${note.id}/read`, {}, w.tokens[who])).status, who).toBe(404);
    }
    const [after] = await t.app.db.select().from(notifications).where(eq(notifications.id, note.id));
    expect(after?.readAt).toBeNull();
  });

  it('marks one notification read on the page, then all of them, and the header count follows', async () => {
    await w.submittedCase();
    await w.submittedCase();
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get('/notifications');
    const before = (await t.api.get<{ unread: number; items: { id: string; readAt: string | null }[] }>('/notifications', w.tokens.municipal)).body;
    expect(before.unread).toBeGreaterThan(1);
    const first = before.items.find((n) => n.readAt === null);
    if (!first) throw new Error('no unread notification');
    const one = await b.post(`/notifications/${first.id}/read`, { _csrf: PageClient.csrfOf(page.text) });
    expect(one.status).toBe(303);
    expect(one.headers.get('location')).toBe('/notifications?done=one');
    const after = await b.get('/notifications?done=one');
    expect(after.text).toContain('已标为已读。');
    expect(after.text).not.toContain(`action="/notifications/${first.id}/read"`);
    expect(headerLink(after.text)).toContain(`<span class="count">${before.unread - 1}</span>`);
    const all = await b.post('/notifications/read', { _csrf: PageClient.csrfOf(after.text) });
    expect(all.status).toBe(303);
    const done = await b.get('/notifications?done=all');
    expect(done.text).toContain('没有未读通知。');
    expect(done.text).not.toContain('state-unread');
    expect(headerLink(done.text)).not.toContain('class="count"');
    expect((await t.api.get<{ unread: number }>('/notifications', w.tokens.municipal)).body.unread).toBe(0);
  });

  it('marks read through the API, one (keeping the first time) or all', async () => {
    await w.submittedCase();
    const list = (await t.api.get<{ items: { id: string; readAt: string | null }[] }>('/notifications', w.tokens.firm)).body;
    const first = list.items.find((n) => n.readAt === null);
    if (!first) throw new Error('no unread notification');
    const read = await t.api.post<{ id: string; readAt: string }>(`/notifications/${first.id}/read`, {}, w.tokens.firm);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(first.id);
    const again = await t.api.post<{ readAt: string }>(`/notifications/${first.id}/read`, {}, w.tokens.firm);
    expect(again.body.readAt).toBe(read.body.readAt);
    const othersUnread = (await t.api.get<{ unread: number }>('/notifications', w.tokens.municipal)).body.unread;
    expect(othersUnread).toBeGreaterThan(0);
    const all = await t.api.post<{ marked: number }>('/notifications/read', {}, w.tokens.firm);
    expect(all.status).toBe(200);
    expect((await t.api.get<{ unread: number }>('/notifications', w.tokens.firm)).body.unread).toBe(0);
    // only the caller's own: the city reviewer's notifications of the same submission stay unread
    expect((await t.api.get<{ unread: number }>('/notifications', w.tokens.municipal)).body.unread).toBe(othersUnread);
    expect((await t.api.post('/notifications/read', {})).status).toBe(401);
  });

  it('pages the list newest first, without repeating or skipping one', async () => {
    for (let i = 0; i < 4; i++) await w.submittedCase();
    const all = (await t.api.get<{ items: { id: string }[] }>('/notifications', w.tokens.municipal)).body.items.map((n) => n.id);
    const first = await t.api.get<{ items: { id: string }[]; nextCursor: string | null }>('/notifications?limit=2', w.tokens.municipal);
    expect(first.body.items.map((n) => n.id)).toEqual(all.slice(0, 2));
    const second = await t.api.get<{ items: { id: string }[] }>(`/notifications?limit=2&cursor=${first.body.nextCursor ?? ''}`, w.tokens.municipal);
    expect(second.body.items.map((n) => n.id)).toEqual(all.slice(2, 4));
    expect((await t.api.get('/notifications?cursor=nonsense', w.tokens.municipal)).status).toBe(400);
    // the page's link to the older ones
    const b = await signedIn(w.people.municipal.email);
    const page = await b.get('/notifications?limit=2');
    const next = /<a href="(\/notifications\?[^"]+)" rel="next">更早的通知<\/a>/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    if (!next) throw new Error('no link to the next page');
    const older = await b.get(next);
    for (const n of all.slice(2, 4)) expect(older.text).toContain(`/notifications/${n}/read`);
    for (const n of all.slice(0, 2)) expect(older.text).not.toContain(`/notifications/${n}/read`);
  });

  it('sends a visitor to sign in', async () => {
    const res = await new PageClient(t.url).get('/notifications');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fnotifications');
  });
});
