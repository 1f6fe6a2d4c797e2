import { describe, expect, it } from 'vitest';
import { PageClient } from '../support/pages';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();

describe('the header navigation', () => {
  it('marks the section a page belongs to, a case under the list included, and only that one', async () => {
    const id = await w.caseIn('draft');
    const b = new PageClient(t.url);
    await b.signIn(w.people.firm.email);
    const current = (html: string) => [...html.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]);
    expect(current((await b.get('/')).text)).toEqual(['/']);
    expect(current((await b.get('/cases')).text)).toEqual(['/cases']);
    expect(current((await b.get(`/cases/${id}`)).text)).toEqual(['/cases']);
    expect(current((await b.get('/catalogue')).text)).toEqual(['/catalogue']);
    // a path that only begins with a section's letters is no page of it
    const stray = await b.get('/cases-archive');
    expect(stray.status).toBe(404);
    expect(current(stray.text)).toEqual([]);
  });
});
