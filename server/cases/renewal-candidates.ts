import { and, asc, desc, eq, isNotNull, lt, ne, notInArray, or } from 'drizzle-orm';
import { cases, rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import { DEAD_STATES } from '../../workflows/case/chart';
import { visibleAs } from './visibility';

// The applications a firm's new one may renew (the "renewal of" choice of the application form):
// those the renewal rules (rules/renewal.ts) would accept as the previous year's — the firm's own,
// submitted, not ended without a subsidy, of a round of an earlier year. Whether the material is
// the same and the chain has room is checked at submission, once the entry is chosen.

/** More than a firm's products times the years a round subsidises: the list is never cut in practice. */
const MOST = 200;

/**
 * `before`: the year of the application's round; `except`: the application itself; `kept`: the one
 * it already renews, listed whatever it has become, so that saving the form does not drop the link.
 */
export async function renewalCandidates(ctx: ServiceContext, input: { before: number | null; except: string | null; kept?: string | null }) {
  const own = visibleAs('firm', ctx.user);
  if (!own) return [];
  const accepted = input.before === null ? undefined : and(isNotNull(cases.submittedAt), notInArray(cases.state, [...DEAD_STATES]), lt(rounds.year, input.before));
  const wanted = or(accepted, input.kept ? eq(cases.id, input.kept) : undefined);
  if (!wanted) return [];
  const rows = await ctx.app.db
    .select({ id: cases.id, number: cases.number, material: cases.material, year: rounds.year })
    .from(cases)
    .innerJoin(rounds, eq(rounds.id, cases.roundId))
    .where(
      and(own, wanted, input.except ? ne(cases.id, input.except) : undefined),
    )
    .orderBy(desc(rounds.year), asc(cases.number))
    .limit(MOST);
  return rows.map((r) => ({ id: r.id, number: r.number, materialName: r.material.name ?? null, year: r.year }));
}
