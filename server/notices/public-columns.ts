import { sql } from 'drizzle-orm';

// What anyone may read of a notice (SPEC §2, "public"): the firm, the material, the catalogue
// entry, the proposed subsidy and the period — never a person's name, email, phone or bank account.
// Each query names its columns, so that a new personal column cannot leak by being added.

// the deadline is the notice's clock (a calendar correction recounts it), else as announced
export const endsOn = sql`coalesce((select due_on::text from clocks k where k.owner_kind = 'notice' and k.owner_id = n.id and k.kind = 'noticePeriod' order by k.started_at desc limit 1), n.closes_on::text)`;

export interface NoticeRowOut extends Record<string, unknown> {
  id: string;
  number: string;
  state: 'open' | 'closed';
  opened_at: Date | string;
  starts_on: string;
  ends_on: string;
  case_count: number;
}

export const summary = (r: NoticeRowOut) => ({
  id: r.id,
  number: r.number,
  state: r.state,
  publishedAt: new Date(r.opened_at).toISOString(),
  startsOn: r.starts_on,
  endsOn: r.ends_on,
});
