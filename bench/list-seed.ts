import type postgres from 'postgres';
import { cities } from '../server/domain/cities';
import { step } from './support';
import type { BenchWorld } from './world';

// Share of each state among the bulk cases, in twentieths: most applications are waiting on a
// reviewer, fewer are drafts, returned, further on, or rejected.
const MIX: [state: string, twentieths: number][] = [
  ['draft', 4],
  ['municipal', 8],
  ['revision', 3],
  ['provincial', 3],
  ['rejected', 2],
];

/** One real case per state, moved there through the API, whose rows the bulk cases copy. */
async function templateCases(world: BenchWorld): Promise<Record<string, string>> {
  const firm = await world.firmIn('330100');
  const reviewer = await world.reviewerIn('330100');
  const submitted = async () => {
    const { id } = await world.draftCase(firm.user);
    await world.send(id, firm.user.token, { type: 'SUBMIT' });
    return id;
  };
  const revision = await submitted();
  await world.send(revision, reviewer.token, { type: 'RETURN', reasons: [{ path: 'contract.amount', message: '合同金额与发票不一致' }] });
  const provincial = await submitted();
  await world.send(provincial, reviewer.token, { type: 'APPROVE' });
  const rejected = await submitted();
  await world.send(rejected, reviewer.token, { type: 'REJECT', reason: '不属于目录所列材料' });
  return { draft: (await world.draftCase(firm.user)).id, municipal: await submitted(), revision, provincial, rejected };
}

/**
 * `n` cases inserted with one generate_series statement: copies of the template rows (own policy numbers, valid
 * snapshots whose context names the new id), spread over two firms in each of the 11 cities and
 * over a year of creation times, in the states of MIX.
 */
export async function seedListCases(world: BenchWorld, sql: postgres.Sql, n: number): Promise<void> {
  const templates = await templateCases(world);
  const slots = MIX.flatMap(([state, k]) => Array.from({ length: k }, () => templates[state] ?? ''));
  const firms = [];
  for (const city of cities) for (let i = 0; i < 2; i++) firms.push(await world.firmIn(city.code));
  step(`list: inserting ${n} cases`);
  await sql`
    insert into cases (id, number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract,
      contract_amount_fen, policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, version,
      created_by, created_at, updated_at, submitted_at)
    select g.id, 'ZJ2026-B' || lpad(g.n::text, 7, '0'), t.round_id, f.enterprise_id, f.city, t.catalogue_entry_id, t.material,
      t.user_unit, t.contract, t.contract_amount_fen, jsonb_set(t.policy, '{number}', to_jsonb('PICC-2026-B' || g.n)), t.insurer_id, t.liability_limit_fen, t.premium_fen, t.state,
      t.machine_version, jsonb_set(t.snapshot, '{context,caseId}', to_jsonb(g.id::text)), t.version, f.user_id,
      g.at, g.at, case when t.submitted_at is null then null else g.at + interval '1 minute' end
    from (
      select gen_random_uuid() as id, s as n,
        now() - make_interval(secs => s * 300 + abs(hashint4(s)) % 300) as at,
        1 + abs(hashint4(s)) % ${slots.length} as slot,
        1 + abs(hashint4(s + 7919)) % ${firms.length} as firm
      from generate_series(1, ${n}::int) s
    ) g
    join cases t on t.id = (${slots}::uuid[])[g.slot]
    join (
      select * from unnest(${firms.map((f) => f.enterprise.id)}::uuid[], ${firms.map((f) => f.enterprise.city)}::text[], ${firms.map((f) => f.user.id)}::uuid[])
        with ordinality as x(enterprise_id, city, user_id, k)
    ) f on f.k = g.firm`;
  await sql`analyze cases`;
}
