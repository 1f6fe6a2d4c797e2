import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { cases, catalogueEntries, rounds } from '../../../db/schema';
import type { CaseRow } from '../../engine/scope';
import { DEAD_STATES, type ChainMember, type LinkedCase, type RenewalFacts } from './problem';

// A chain deeper than this is a data error (or a cycle), not a renewal; the walks stop there.
const MAX_CHAIN_DEPTH = 20;

/**
 * A product's chain is its root (follow `renewalOf` to the end) and every case linked to that
 * root directly or through others: firms link each year either to the first year's case or to the
 * previous year's (SPEC §1 says "linked to the first"), so walking back from the new case alone
 * would count 2 for every renewal of the first.
 */
export async function renewalChain(tx: Tx, row: CaseRow, previousId: string): Promise<RenewalFacts> {
  const previous = await linkedCase(tx, previousId);
  const root = await chainRoot(tx, row, previousId);
  // Two renewals of one product submitted at once would each miss the other: queue them on the root.
  if (root) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`renewal-chain:${root}`}))`);
  return { previous, entryName: await entryName(tx, row.catalogueEntryId), liveMembers: root ? await liveMembers(tx, row, root) : [] };
}

async function chainRoot(tx: Tx, row: CaseRow, previousId: string): Promise<string | null> {
  const found = (await tx.execute(sql`
    with recursive up(id, renewal_of, depth) as (
      select id, renewal_of, 1 from cases where id = ${previousId} and enterprise_id = ${row.enterpriseId}
      union all
      select c.id, c.renewal_of, up.depth + 1 from cases c join up on c.id = up.renewal_of
      where up.depth < ${MAX_CHAIN_DEPTH} and c.enterprise_id = ${row.enterpriseId} and c.id <> ${row.id}
    )
    select id from up order by depth desc limit 1`)) as unknown as { id: string }[];
  return found[0]?.id ?? null;
}

/**
 * The chain's other cases that hold a policy year: submitted and not ended without a subsidy.
 * Drafts hold nothing — two drafts would otherwise block each other; the later SUBMIT is refused.
 */
async function liveMembers(tx: Tx, row: CaseRow, root: string): Promise<ChainMember[]> {
  const dead = sql.join(DEAD_STATES.map((s) => sql`${s}`), sql`, `);
  const rows = (await tx.execute(sql`
    with recursive chain(id, depth) as (
      select id, 0 from cases where id = ${root}
      union
      select c.id, chain.depth + 1 from cases c join chain on c.renewal_of = chain.id
      where chain.depth < ${MAX_CHAIN_DEPTH} and c.enterprise_id = ${row.enterpriseId}
    )
    select distinct c.id, c.number, r.year as round_year
    from cases c join rounds r on r.id = c.round_id
    where c.id in (select id from chain) and c.id <> ${row.id}
      and c.submitted_at is not null and c.state not in (${dead})
    order by r.year, c.number`)) as unknown as { id: string; number: string; round_year: number }[];
  return rows.map((r) => ({ id: r.id, number: r.number, roundYear: Number(r.round_year) }));
}

async function entryName(tx: Tx, entryId: string): Promise<string | null> {
  const [entry] = await tx.select({ name: catalogueEntries.name }).from(catalogueEntries).where(eq(catalogueEntries.id, entryId));
  return entry?.name ?? null;
}

async function linkedCase(tx: Tx, id: string): Promise<LinkedCase | null> {
  const [found] = await tx
    .select({
      id: cases.id,
      number: cases.number,
      enterpriseId: cases.enterpriseId,
      catalogueEntryId: cases.catalogueEntryId,
      entryName: catalogueEntries.name,
      state: cases.state,
      submittedAt: cases.submittedAt,
      roundYear: rounds.year,
    })
    .from(cases)
    .innerJoin(rounds, eq(rounds.id, cases.roundId))
    .innerJoin(catalogueEntries, eq(catalogueEntries.id, cases.catalogueEntryId))
    .where(eq(cases.id, id));
  return found ?? null;
}
