import { describe, expect, it } from 'vitest';
import { makeRound } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

// Over a hundred cases awaiting the notice, the publishing page's page size: its own database, so
// that no other file's cases awaiting a notice come between.
const { t, w } = useTestApp({ ownDatabase: true });

/** `n` copies of an awaiting case in a round, one statement (their numbers and policy numbers their own). */
async function copiesAwaiting(of: string, roundId: string, n: number): Promise<void> {
  await t.app.database.sql`
    insert into cases (number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract, contract_amount_fen,
      policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, created_by, submitted_at)
    select 'PAGE-' || ${roundId.slice(0, 8)} || '-' || s, ${roundId}, c.enterprise_id, c.city, c.catalogue_entry_id, c.material, c.user_unit,
      c.contract, c.contract_amount_fen, jsonb_set(c.policy, '{number}', to_jsonb('PAGE-' || gen_random_uuid())), c.insurer_id,
      c.liability_limit_fen, c.premium_fen, c.state, c.machine_version, c.snapshot, c.created_by, c.submitted_at
    from cases c, generate_series(1, ${n}) s where c.id = ${of}`;
}

const boxes = (html: string) => [...html.matchAll(/name="caseIds" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
const nextLink = (html: string) => /<a href="([^"]+)" rel="next"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

describe('the notice publishing page, more than a page of cases awaiting', () => {
  it("keeps the round chosen on the link to the next page, and the next page lists the rest of that round's cases only", async () => {
    const own = await w.caseIn('awaitingNotice');
    const other = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id] });
    await copiesAwaiting(own, other.id, 101);
    const b = new PageClient(t.url);
    await b.signIn(w.people.provincial.email);

    const first = await b.get(`/review/notices?roundId=${other.id}`);
    expect(first.status).toBe(200);
    expect(boxes(first.text)).toHaveLength(100);
    expect(boxes(first.text)).not.toContain(own);
    const link = nextLink(first.text);
    expect(new URL(link ?? '', t.url).searchParams.get('roundId')).toBe(other.id);
    const second = await b.get(link ?? '');
    expect(second.status).toBe(200);
    const rest = boxes(second.text);
    expect(rest).toHaveLength(1);
    expect(rest).not.toContain(own);
    expect(new Set([...boxes(first.text), ...rest]).size).toBe(101);
    expect(nextLink(second.text)).toBeNull();

    // every round: 102 cases over two pages, the link naming no round
    const all = await b.get('/review/notices');
    expect(boxes(all.text)).toHaveLength(100);
    const allLink = nextLink(all.text);
    expect(new URL(allLink ?? '', t.url).searchParams.has('roundId')).toBe(false);
    expect(boxes((await b.get(allLink ?? '')).text)).toHaveLength(2);
  });
});
