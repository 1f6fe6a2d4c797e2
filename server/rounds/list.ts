import { asc, desc, eq } from 'drizzle-orm';
import { roundChanges, rounds, users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { forbidden, notFound } from '../errors';
import { roundView, type RoundFields } from './present';

// Rounds are a handful a year, so the list is not paginated.
export async function listRounds(ctx: ServiceContext) {
  const rows = await ctx.app.db.select().from(rounds).orderBy(desc(rounds.opensAt), asc(rounds.id));
  return { items: rows.map(roundView) };
}

export async function getRound(ctx: ServiceContext, id: string) {
  const [row] = await ctx.app.db.select().from(rounds).where(eq(rounds.id, id));
  if (!row) throw notFound('round');
  return roundView(row);
}

/** The recorded rule changes of a round, oldest first: for administrators and provincial reviewers. */
export async function listRoundChanges(ctx: ServiceContext, id: string) {
  if (!ctx.user.roles.some((r) => r === 'admin' || r === 'provincial')) throw forbidden('only administrators and provincial reviewers read rule changes');
  const [round] = await ctx.app.db.select({ id: rounds.id }).from(rounds).where(eq(rounds.id, id));
  if (!round) throw notFound('round');
  const rows = await ctx.app.db
    .select({ change: roundChanges, byName: users.name })
    .from(roundChanges)
    .leftJoin(users, eq(users.id, roundChanges.changedBy))
    .where(eq(roundChanges.roundId, id))
    .orderBy(asc(roundChanges.paramsVersion), asc(roundChanges.createdAt));
  return {
    items: rows.map(({ change, byName }) => ({
      id: change.id,
      paramsVersion: change.paramsVersion,
      changedBy: { id: change.changedBy, name: byName },
      reason: change.reason,
      // written by update.ts only: the changed keys of roundFields before and after
      before: change.before as Partial<RoundFields>,
      after: change.after as Partial<RoundFields>,
      at: change.createdAt.toISOString(),
    })),
  };
}
