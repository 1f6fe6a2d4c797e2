import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { cases, catalogueEntries, enterprises, rounds } from '../../db/schema';
import type { Rubric } from '../../db/schema/rounds';
import type { ServiceContext } from '../context';
import { forbidden } from '../errors';
import { formatYuan } from '../domain/money';
import { afterCursor, cursorTime, encodeCursor } from '../domain/keyset';
import { visibleCases } from '../cases/visibility';
import { meanOf } from '../../workflows/case/scoring';
import type { Assignment } from '../../workflows/case/types';
import { NOTICE_PUBLISHERS } from './publish';
import { proposedFen } from './get-public';

// The cases a provincial reviewer may put on a notice (the notice publishing page), with what the
// choice rests on: the firm and its city, the catalogue entry, the experts' mean score and the
// subsidy the case would be granted — in one statement, whatever the page's length.

export const awaitingQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  /** only the cases of this round: a notice is of one round's cases (publish.ts) */
  roundId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

/** The experts' mean over the panel that scored (a replaced or declined expert counts for nothing). */
function panelMean(experts: Assignment[] | null, review: { rubric: Rubric } | null): number | null {
  const scored = (experts ?? []).filter((a) => a.status === 'scored' && a.scores !== null).map((a) => a.scores ?? {});
  return review && scored.length > 0 ? meanOf(review.rubric, scored) : null;
}

export async function listAwaitingNotice(ctx: ServiceContext, q: z.output<typeof awaitingQuerySchema>) {
  if (!ctx.user.roles.some((r) => NOTICE_PUBLISHERS.includes(r))) throw forbidden('only provincial reviewers publish notices');
  const rows = await ctx.app.db
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      city: cases.city,
      material: cases.material,
      firmName: enterprises.name,
      entrySeq: catalogueEntries.seq,
      entryName: catalogueEntries.name,
      contractFen: cases.contractAmountFen,
      limitFen: cases.liabilityLimitFen,
      premiumFen: cases.premiumFen,
      subsidyFen: cases.subsidyFen,
      experts: sql<Assignment[] | null>`${cases.snapshot}->'context'->'experts'`,
      review: sql<{ rubric: Rubric } | null>`${cases.snapshot}->'context'->'expertReview'`,
      round: rounds,
      cursorKey: cursorTime(cases.createdAt),
    })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .innerJoin(rounds, eq(rounds.id, cases.roundId))
    .leftJoin(catalogueEntries, eq(catalogueEntries.id, cases.catalogueEntryId))
    .where(and(visibleCases(ctx.user), eq(cases.state, 'awaitingNotice'), q.roundId ? eq(cases.roundId, q.roundId) : undefined, q.cursor ? afterCursor(q.cursor, cases.createdAt, cases.id) : undefined))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const text = (fen: bigint | null) => (fen === null ? null : fen.toString());
  return {
    items: page.map((r) => {
      const proposed = proposedFen({ subsidy_fen: text(r.subsidyFen), state: r.state, contract_fen: text(r.contractFen), limit_fen: text(r.limitFen), premium_fen: text(r.premiumFen) }, r.round);
      return {
        id: r.id,
        number: r.number,
        firmName: r.firmName,
        city: r.city,
        materialName: r.material.name ?? null,
        catalogueEntry: r.entrySeq === null || r.entryName === null ? null : { seq: r.entrySeq, name: r.entryName },
        meanScore: panelMean(r.experts, r.review),
        passMark: r.review?.rubric.passMark ?? null,
        proposedSubsidy: proposed === null ? null : formatYuan(proposed),
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorKey, id: last.id }) : null,
  };
}
