import type postgres from 'postgres';
import type { BenchWorld } from './world';

export interface SweepSeed {
  due: number;
  pending: number;
  done: number;
}

/**
 * A timers table as after a year of work: `due` cases (copies of one submitted through the API)
 * in municipal review, each with a running clock and one timer already due — reminders and
 * expiries in turn; `pending` armed timers due over the next 30 days on the same clocks; and as
 * many timers already fired or cancelled, which the sweep's partial index must skip.
 */
export async function seedTimers(world: BenchWorld, sql: postgres.Sql, due: number, pending: number): Promise<SweepSeed> {
  const firm = await world.firmIn('330100');
  // the people the reminders (municipal) and escalations (provincial) go to
  await world.reviewerIn('330100');
  await world.person(['provincial']);
  const { id: template } = await world.draftCase(firm.user);
  await world.send(template, firm.user.token, { type: 'SUBMIT' });

  await sql`
    with c as (
      insert into cases (id, number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract,
        contract_amount_fen, policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, version,
        created_by, created_at, updated_at, submitted_at)
      select g.id, 'ZJ2026-S' || lpad(g.n::text, 7, '0'), t.round_id, t.enterprise_id, t.city, t.catalogue_entry_id, t.material,
        t.user_unit, t.contract, t.contract_amount_fen, jsonb_set(t.policy, '{number}', to_jsonb('PICC-2026-S' || g.n)), t.insurer_id, t.liability_limit_fen, t.premium_fen, t.state,
        t.machine_version, jsonb_set(t.snapshot, '{context,caseId}', to_jsonb(g.id::text)), t.version, t.created_by,
        now() - interval '20 days', now() - interval '20 days', now() - interval '20 days'
      from (select gen_random_uuid() as id, s as n from generate_series(1, ${due}::int) s) g
      join cases t on t.id = ${template}
      returning id, number
    ), k as (
      insert into clocks (owner_kind, owner_id, kind, status, length_working_days, started_at, due_on, due_at)
      select 'case', id, 'municipalReview', 'running', 10, now() - interval '20 days', (now() + interval '2 days')::date, now() + interval '2 days'
      from c
      returning id, owner_id
    )
    insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data)
    select k.id, 'case', k.owner_id, case when row_number() over () % 2 = 0 then 'reminder' else 'expiry' end,
      now() - make_interval(secs => 1 + abs(hashtext(k.id::text)) % 3600), '{}'
    from k`;
  const clocksOf = sql`(select id, owner_id, row_number() over (order by id) as r from clocks where owner_id <> ${template}) k`;
  await sql`
    insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data)
    select k.id, 'case', k.owner_id, case when s % 2 = 0 then 'reminder' else 'expiry' end,
      now() + make_interval(secs => 600 + abs(hashint4(s)) % (30 * 86400)), '{}'
    from generate_series(1, ${pending}::int) s
    join ${clocksOf} on k.r = 1 + s % ${due}`;
  await sql`
    insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data, fired_at, cancelled_at)
    select k.id, 'case', k.owner_id, 'reminder', now() - make_interval(secs => abs(hashint4(s)) % (300 * 86400)), '{}',
      case when s % 2 = 0 then now() - interval '1 day' end, case when s % 2 = 1 then now() - interval '1 day' end
    from generate_series(1, ${pending}::int) s
    join ${clocksOf} on k.r = 1 + s % ${due}`;
  await sql`analyze timers`;
  return { due, pending, done: pending };
}
