import type postgres from 'postgres';
import type { BenchWorld } from './world';

export interface SweepSeed {
  pending: number;
  done: number;
  /** a case in municipal review and one returned for revision, copied for each burst */
  templates: { municipal: string; revision: string };
}

export interface Burst {
  tag: string;
  timerIds: string[];
  /** timers on clocks whose expiry sends the owner an event (DEADLINE_EXPIRED: the case lapses, with a history entry) */
  lapsing: number;
}

/**
 * A timers table as after a year of work: two template cases made through the API (one in
 * municipal review, one returned to its firm for revision); `pending` armed timers due over the
 * next 30 days and as many already fired or cancelled (which the sweep's partial index must skip),
 * on the clocks of the first burst (`seedBurst`).
 */
export async function seedTimers(world: BenchWorld, sql: postgres.Sql, pending: number): Promise<SweepSeed> {
  const firm = await world.firmIn('330100');
  // the people the reminders (municipal) and escalations (provincial) go to
  const reviewer = await world.reviewerIn('330100');
  await world.person(['provincial']);
  const { id: municipal } = await world.draftCase(firm.user);
  await world.send(municipal, firm.user.token, { type: 'SUBMIT' });
  const { id: revision } = await world.draftCase(firm.user);
  await world.send(revision, firm.user.token, { type: 'SUBMIT' });
  await world.send(revision, reviewer.token, { type: 'RETURN', reasons: [{ message: '请补充检测报告' }] });
  return { pending, done: pending, templates: { municipal, revision } };
}

/** The background timers (see seedTimers), spread over the clocks of `burst`. */
export async function seedBackground(sql: postgres.Sql, burst: Burst, pending: number): Promise<void> {
  const clocksOf = sql`(select c.id, c.owner_id, row_number() over (order by c.id) as r from clocks c join timers t on t.clock_id = c.id where t.id = any(${burst.timerIds}::uuid[])) k`;
  const n = burst.timerIds.length;
  await sql`
    insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data)
    select k.id, 'case', k.owner_id, case when s % 2 = 0 then 'reminder' else 'expiry' end,
      now() + make_interval(secs => 600 + abs(hashint4(s)) % (30 * 86400)), '{}'
    from generate_series(1, ${pending}::int) s
    join ${clocksOf} on k.r = 1 + s % ${n}`;
  await sql`
    insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data, fired_at, cancelled_at)
    select k.id, 'case', k.owner_id, 'reminder', now() - make_interval(secs => abs(hashint4(s)) % (300 * 86400)), '{}',
      case when s % 2 = 0 then now() - interval '1 day' end, case when s % 2 = 1 then now() - interval '1 day' end
    from generate_series(1, ${pending}::int) s
    join ${clocksOf} on k.r = 1 + s % ${n}`;
  await sql`analyze timers`;
}

/**
 * A burst of `due` timers due at once (within the last hour), each on a clock of its own case,
 * copies of the templates: two thirds in municipal review with a running review clock and a
 * reminder or an expiry (overdue: an escalation email), one third in revision with a running
 * revision clock and its expiry (the case lapses: a transition, its history entry and emails).
 */
export async function seedBurst(sql: postgres.Sql, seed: SweepSeed, due: number, tag: string): Promise<Burst> {
  const lapsing = Math.floor(due / 3);
  const copies = [
    { template: seed.templates.municipal, n: due - lapsing, kind: 'municipalReview', from: 0 },
    { template: seed.templates.revision, n: lapsing, kind: 'revision', from: due - lapsing },
  ];
  const timerIds: string[] = [];
  for (const c of copies) {
    if (c.n === 0) continue;
    const rows = await sql<{ id: string }[]>`
      with c as (
        insert into cases (id, number, round_id, enterprise_id, city, catalogue_entry_id, material, user_unit, contract,
          contract_amount_fen, policy, insurer_id, liability_limit_fen, premium_fen, state, machine_version, snapshot, version,
          created_by, created_at, updated_at, submitted_at)
        select g.id, 'ZJ2026-' || ${tag} || lpad(g.n::text, 6, '0'), t.round_id, t.enterprise_id, t.city, t.catalogue_entry_id, t.material,
          t.user_unit, t.contract, t.contract_amount_fen, jsonb_set(t.policy, '{number}', to_jsonb('PICC-2026-' || ${tag} || g.n)), t.insurer_id, t.liability_limit_fen, t.premium_fen, t.state,
          t.machine_version, jsonb_set(t.snapshot, '{context,caseId}', to_jsonb(g.id::text)), t.version, t.created_by,
          now() - interval '20 days', now() - interval '20 days', now() - interval '20 days'
        from (select gen_random_uuid() as id, s as n from generate_series(${c.from + 1}::int, ${c.from + c.n}::int) s) g
        join cases t on t.id = ${c.template}
        returning id
      ), k as (
        insert into clocks (owner_kind, owner_id, kind, status, length_working_days, started_at, due_on, due_at)
        select 'case', id, ${c.kind}, 'running', 10, now() - interval '20 days', (now() + interval '2 days')::date, now() + interval '2 days'
        from c
        returning id, owner_id
      )
      insert into timers (clock_id, owner_kind, owner_id, purpose, fire_at, data)
      select k.id, 'case', k.owner_id, case when ${c.kind} = 'municipalReview' and row_number() over () % 2 = 0 then 'reminder' else 'expiry' end,
        now() - make_interval(secs => 1 + abs(hashtext(k.id::text)) % 3600), '{}'
      from k
      returning id`;
    timerIds.push(...rows.map((r) => r.id));
  }
  await sql`analyze timers`;
  return { tag, timerIds, lapsing };
}

export interface BurstCheck {
  timers: number;
  fired: number;
  /** timers whose firing left more than one trace: clock events, history entries or emails twice */
  firedTwice: number;
  notFired: number;
  historyEntries: number;
  deliveries: number;
}

/** What the burst left behind, counted per timer: every timer fired, none twice. */
export async function checkBurst(sql: postgres.Sql, burst: Burst): Promise<BurstCheck> {
  const [row] = await sql<{ timers: number; fired: number; twice: number; history: number; deliveries: number }[]>`
    with b as (select id, clock_id, owner_id, fired_at from timers where id = any(${burst.timerIds}::uuid[])),
    per as (
      select b.id, b.fired_at,
        (select count(*) from clock_events e where e.clock_id = b.clock_id and e.kind in ('remind', 'expire')) as clock_events,
        (select count(*) from history h where h.owner_id = b.owner_id and h.event_type = 'DEADLINE_EXPIRED') as history,
        (select coalesce(max(n), 0) from (select count(*) as n from email_deliveries d where d.owner_id = b.owner_id group by d.template, d.to_address) x) as same_mail
      from b
    )
    select count(*)::int as timers, count(fired_at)::int as fired,
      count(*) filter (where clock_events > 1 or history > 1 or same_mail > 1)::int as twice,
      coalesce(sum(history), 0)::int as history,
      (select count(*) from email_deliveries d where d.owner_id in (select owner_id from b))::int as deliveries
    from per`;
  if (!row) throw new Error('no burst');
  return { timers: row.timers, fired: row.fired, firedTwice: row.twice, notFired: row.timers - row.fired, historyEntries: row.history, deliveries: row.deliveries };
}
