import { unavailableExperts } from './unavailable-experts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { clocks, rounds } from '../../db/schema';
import { allowedEvents, canSee } from '../../workflows/case/permissions';
import type { ServiceContext } from '../context';
import { notFound } from '../errors';
import { machineOf } from '../engine/transition';
import { readCase } from './workflow';
import { caseMachines } from '../../workflows/case/registry';
import type { CaseMachine } from '../../workflows/case/machine';
import type { DbOrTx } from '../../db/client';
import { caseView } from './present';
import { contextOf } from '../../workflows/case/expert-guards';
import type { CaseRow } from '../engine/scope';

/** Loads a case the caller may see, or answers 404 — never 403, so ids cannot be probed. */
export async function loadVisibleCase(ctx: ServiceContext, id: string, db: DbOrTx = ctx.app.db, lock = false) {
  const { row, facts } = await readCase(db, id, lock);
  if (!canSee(ctx.user, facts)) throw notFound('case');
  return { row, facts };
}

export async function getCase(ctx: ServiceContext, id: string) {
  const { row, facts } = await loadVisibleCase(ctx, id);
  return presentCase(ctx, row, facts);
}

type VisibleFacts = Awaited<ReturnType<typeof loadVisibleCase>>['facts'];

export async function presentCase(ctx: ServiceContext, row: CaseRow, facts: VisibleFacts) {
  const db = ctx.app.db;
  const [round] = await db.select().from(rounds).where(eq(rounds.id, row.roundId));
  if (!round) throw new Error(`case ${row.id} has no round`);
  const clockRows = await db
    .select()
    .from(clocks)
    .where(and(eq(clocks.ownerId, row.id), inArray(clocks.status, ['running', 'paused', 'expired'])))
    .orderBy(asc(clocks.startedAt), asc(clocks.id));
  // the experts' own deadlines, started together, in the order the experts were assigned (a stable sort)
  const experts = (contextOf(row.snapshot).experts ?? []).map((a) => a.expertId);
  const place = (assigneeId: string | null) => (assigneeId === null ? -1 : experts.indexOf(assigneeId));
  clockRows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || place(a.assigneeId) - place(b.assigneeId));
  // who on the panel can no longer act: told to the provincial reviewer, who may replace them
  const unavailable = ctx.user.roles.includes('provincial') ? await unavailableExperts(db, contextOf(row.snapshot)) : new Set<string>();
  return caseView(row, round, eventsAllowed(ctx, row, facts), clockRows, ctx.user, unavailable);
}

/** The events the caller may send the case now, as its answer's `allowedEvents` lists them. */
export function eventsAllowed(ctx: ServiceContext, row: CaseRow, facts: VisibleFacts) {
  const machine = machineOf({ machines: caseMachines }, row) as CaseMachine;
  const snapshot = machine.resolveState(row.snapshot as Parameters<CaseMachine['resolveState']>[0]);
  return allowedEvents(snapshot, ctx.user, facts, ctx.app.clock.now().toISOString());
}
