import { and, asc, eq, notInArray, or, sql } from 'drizzle-orm';
import type { AnyMachineSnapshot } from 'xstate';
import type { DbOrTx, Tx } from '../../db/client';
import { p, shaped } from '../../db/shapes';
import { cases, enterprises, rounds, taskClaims } from '../../db/schema';
import { activePaths } from '../../workflows/case/chart';
import { conditionalHoldEnded } from '../tasks/only-while';
import { caseMachines } from '../../workflows/case/registry';
import { authorise, canSee, permitsOf, type CaseFacts } from '../../workflows/case/permissions';
import { guardReasons } from '../../workflows/case/setup';
import { primaryState } from '../../workflows/case/state';
import { caseEvents, reasonOf, wordsOf } from '../../workflows/case/events';
import type { CaseEvent, ClockKind } from '../../workflows/case/types';
import { contextOf, SEEING } from '../../workflows/case/expert-guards';
import { scoreProblems } from '../../workflows/case/scoring';
import { caseClocks } from '../../workflows/case/clocks';
import type { CaseMachine } from '../../workflows/case/machine';
import { notFound } from '../errors';
import type { AppContext } from '../context';
import type { CaseRow, RoundRow } from '../engine/scope';
import type { Loaded, WorkflowDefinition } from '../engine/workflow';
import { batchedWritesOf, uuidIn } from '../engine/batched-writes';
import type { CalendarData } from '../calendar/workdays';
import { caseScope } from './scope';
import { submissionProblems } from './rules';
import { eventFacts } from './event-facts';
import { isApproved, recordRecovery, recoveredProblems, subsidyOnApproval } from './subsidy';
import { objectionsFollow } from '../notices/resolve-objection';

export interface CaseFactsWithName extends CaseFacts {
  /** read with the case lock, for the email texts */
  firmName: string;
}
export type LoadedCase = Loaded<CaseRow, CaseFactsWithName>;

type CaseSnapshot = ReturnType<CaseMachine['resolveState']>;

const caseWithFirm = { row: cases, uscc: enterprises.uscc, affiliations: enterprises.affiliations, firmName: enterprises.name };
type CaseWithFirm = { row: CaseRow; uscc: string; affiliations: string[]; firmName: string };

/** Reads the case and its firm in one statement; `lock` takes the case row FOR UPDATE. */
export async function readCase(db: DbOrTx, caseId: string, lock: boolean): Promise<LoadedCase> {
  const [found] = await (lock ? caseLocked : caseRead)(db, { id: caseId });
  if (!found) throw notFound('case');
  return loadedCase(found);
}

const caseRead = shaped<{ id: string }, CaseWithFirm[]>('case', (b) =>
  b.select(caseWithFirm).from(cases).innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId)).where(eq(cases.id, p('id'))),
);
const caseLocked = shaped<{ id: string }, CaseWithFirm[]>('case for update', (b) =>
  b
    .select(caseWithFirm)
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(eq(cases.id, p('id')))
    .for('update', { of: cases }),
);
const roundRead = shaped<{ id: string }, RoundRow[]>('round', (b) => b.select().from(rounds).where(eq(rounds.id, p('id'))));
const roundShared = shaped<{ id: string }, RoundRow[]>('round for share', (b) => b.select().from(rounds).where(eq(rounds.id, p('id'))).for('share'));
// the row after a transition that sets nothing else (most do): state, snapshot, version, time
const caseMoved = shaped<{ id: string; state: string; snapshot: unknown; version: number; updatedAt: Date }, CaseRow[]>('case moved', (b) =>
  b
    .update(cases)
    .set({ state: p('state') as never, snapshot: p('snapshot') as never, version: p('version') as never, updatedAt: p('updatedAt') as never })
    .where(eq(cases.id, p('id')))
    .returning(),
);
// the task claims of tasks the case is no longer at (or whose task ended with the condition it waited
// on, only-while.ts), by how many tasks it is at
const claimsLeft = new Map<number, (db: DbOrTx, values: Record<string, string>) => Promise<unknown>>();
function giveBackClaims(tx: Tx, caseId: string, paths: readonly string[]): Promise<unknown> {
  let run = claimsLeft.get(paths.length);
  if (!run) {
    const names = paths.map((_, i) => `path${i}`);
    run = shaped<Record<string, string>, unknown>(`give back claims ${paths.length}`, (b) =>
      b.delete(taskClaims).where(and(eq(taskClaims.caseId, p('id')), names.length > 0 ? or(notInArray(taskClaims.task, names.map(p)), conditionalHoldEnded) : undefined)),
    );
    claimsLeft.set(paths.length, run);
  }
  return run(tx, { id: caseId, ...Object.fromEntries(paths.map((path, i) => [`path${i}`, path])) });
}

/**
 * Many cases and their firms in one statement, locked in id order (the order every multi-row lock
 * takes), as readCase reads one: what a batch or a reduction hands the engine as `locked`.
 */
export async function readCasesLocked(tx: Tx, caseIds: readonly string[]): Promise<Map<string, LoadedCase>> {
  const out = new Map<string, LoadedCase>();
  // in id order across the chunks too, each well under the parameter limit
  const ids = [...caseIds].sort();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await tx
      .select(caseWithFirm)
      .from(cases)
      .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
      .where(uuidIn(cases.id, ids.slice(i, i + 5000)))
      .orderBy(asc(cases.id))
      .for('update', { of: cases });
    for (const found of rows) out.set(found.row.id, loadedCase(found));
  }
  return out;
}

/** Many cases and their firms in one statement, unlocked: what a list page reads of its rows. */
export async function readCases(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, LoadedCase>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.select(caseWithFirm).from(cases).innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId)).where(uuidIn(cases.id, caseIds));
  return new Map(rows.map((found) => [found.row.id, loadedCase(found)]));
}

function loadedCase(found: CaseWithFirm): LoadedCase {
  const row = found.row;
  return {
    row,
    facts: {
      enterpriseId: row.enterpriseId,
      enterpriseUscc: found.uscc,
      enterpriseAffiliations: found.affiliations,
      city: row.city,
      insurerId: row.insurerId,
      submitted: row.submittedAt !== null,
      assignedExpertIds: assignedExperts(row.snapshot),
      approved: row.approvedAt !== null,
      firmName: found.firmName,
    },
  };
}

/** Experts who hold an assignment on the case: they see it (a declined or replaced one no longer does). */
export function assignedExperts(snapshot: unknown): string[] {
  return (contextOf(snapshot).experts ?? []).filter((a) => SEEING.includes(a.status)).map((a) => a.expertId);
}

/**
 * What a caller moving many cases in one transaction has already done for all of them: read (and
 * locked FOR SHARE) their round, and taken on giving back the task claims of the cases it moves,
 * in one statement once they have all moved (server/cases/system-events.ts).
 */
export interface SharedReads {
  rounds: ReadonlyMap<string, RoundRow>;
  claimsGivenBack: true;
  /** the working-day calendar, one copy for every case of the transaction */
  calendar?: CalendarData;
  /** new subsidies the caller decided for some of the cases (a reduction's shares), written with their step */
  amounts?: ReadonlyMap<string, bigint>;
}

/** The case workflow as the engine runs it (SPEC §4); `shared` for many cases of one round in one transaction. */
export function caseWorkflow(app: AppContext, shared?: SharedReads): WorkflowDefinition<CaseRow, CaseFactsWithName, CaseEvent> {
  const sharedRound = (row: CaseRow) => shared?.rounds.get(row.roundId);
  return {
    kind: 'case',
    noun: 'case',
    machines: caseMachines,
    clocks: caseClocks,
    load: readCase,
    canSee,
    authorise: (snapshot, user, facts, type) => authorise(snapshot as CaseSnapshot, user, facts, type),
    systemMay: (snapshot: AnyMachineSnapshot, type) => permitsOf(snapshot as CaseSnapshot)[type]?.includes('system') ?? false,
    guardReasons,
    primaryState,
    effectScope: async (tx, { row, facts }, now, actorId) => {
      const [round] = await roundRead(tx, { id: row.roundId });
      if (!round) throw new Error(`case ${row.id} points at a missing round`);
      return caseScope({ tx, app, row, round, now, calendar: await app.calendar.get(tx), actorId, firmName: facts.firmName });
    },
    expiryEvent: (kind, meta) => ({ type: 'DEADLINE_EXPIRED', clock: kind as ClockKind, meta: { ...meta, role: 'system' } }),
    prepare: async (tx, { row, facts }, event, now) => {
      // FOR SHARE: a round edit committing meanwhile cannot miss that this case is being submitted
      const given = sharedRound(row);
      const roundRead = given
        ? Promise.resolve(given)
        : roundShared(tx, { id: row.roundId }).then(([found]) => {
            if (!found) throw new Error(`case ${row.id} points at a missing round`);
            return found;
          });
      const submission = 'submission' in caseEvents[event.type];
      // the round, what the event carries and what a submission is checked against, read together
      // (sent in this order, so the reads after the round's lock see what it lets through)
      const [round, carried, problems] = await Promise.all([roundRead, eventFacts(tx, row, event), submission ? submissionProblems(now)(tx, row, roundRead) : null]);
      return {
        facts: carried,
        scope: withWords(
          {
            ...caseScope({ tx, app, row, round, now, calendar: shared?.calendar ?? (await app.calendar.get(tx)), actorId: event.meta.actorId, firmName: facts.firmName }),
            reason: reasonOf(event.type, event),
          },
          wordsOf(event.type, event),
        ),
        ...(problems ? { validate: async () => problems } : {}),
        // a score is checked against the rubric frozen at assignment, every criterion named
        ...(event.type === 'SCORE' ? { validate: async () => scoreCheck(row.snapshot, event.scores), invalid: 'the scores do not fit the rubric' } : {}),
        ...(event.type === 'RECOVERED' ? { validate: async () => recoveredProblems(row, event.amount), invalid: 'the recovered amount is not acceptable' } : {}),
        // which version of the round's rules a submission was checked against, for auditors
        ...(submission ? { historyExtra: { roundParamsVersion: round.paramsVersion } } : {}),
      };
    },
    persist: async (tx, row, next, event, now) => {
      // the money stage's figures and rows are written with the transition that decided them
      const entersApproval = isApproved(next.value) && !isApproved(row.snapshot.value);
      const money = entersApproval || event.type === 'START_RECOVERY' || event.type === 'RECOVERED' ? (sharedRound(row) ?? (await roundOf(tx, row))) : null;
      const amount = shared?.amounts?.get(row.id);
      const subsidy = entersApproval && money ? await subsidyOnApproval(tx, row, money, now) : amount === undefined ? {} : { subsidyFen: amount };
      if (money) await recordRecovery(tx, row, money, event, now);
      // many cases moved in one transaction (a batch, a reduction): a step that writes nothing but the
      // case's own workflow columns leaves with the others' when all have moved (batched-writes.ts)
      const unit = batchedWritesOf(tx);
      if (unit?.covers('case', row.id) && shared?.claimsGivenBack && !money && event.type !== 'SUBMIT') {
        const moved: CaseRow = { ...row, snapshot: { value: next.value, context: next.context }, state: next.state, version: row.version + 1, updatedAt: now, ...subsidy };
        unit.updateLater(writeCaseSteps, row.id, {
          id: row.id,
          snapshot: moved.snapshot,
          state: moved.state,
          version: moved.version,
          updated_at: now.toISOString(),
          subsidy_fen: amount === undefined ? null : String(amount),
        });
        await objectionsFollow(tx, row.state, moved, event, now);
        return moved;
      }
      // a task taken from a shared inbox is given back when the case leaves the task's state; sent
      // with the update, in one round trip (many cases moved at once give theirs back together)
      const moved = { snapshot: { value: next.value, context: next.context }, state: next.state, version: row.version + 1, updatedAt: now };
      const more = { ...(event.type === 'SUBMIT' ? { submittedAt: now } : {}), ...subsidy };
      const [[updated]] = await Promise.all([
        Object.keys(more).length === 0
          ? caseMoved(tx, { id: row.id, ...moved })
          : tx
              .update(cases)
              .set({ ...moved, ...more })
              .where(eq(cases.id, row.id))
              .returning(),
        shared?.claimsGivenBack ? null : giveBackClaims(tx, row.id, activePaths(next.value)),
      ]);
      if (!updated) throw new Error('case row vanished under its lock');
      // the objection rows follow what the machine decided, in the same transaction
      await objectionsFollow(tx, row.state, updated, event, now);
      return updated;
    },
  };
}

// rows to a statement: the snapshots make each a few kilobytes
const STEP_CHUNK = 1000;

/**
 * The case rows a unit of work gathered (persist above): snapshot, state, version and updated_at,
 * and the subsidy where the caller decided a new one, as the single UPDATE writes them, a thousand
 * to a statement. Each row must still be at the version its lock read, or the transaction fails.
 */
async function writeCaseSteps(tx: Tx, rows: { id: string; snapshot: unknown; state: string; version: number; updated_at: string; subsidy_fen: string | null }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += STEP_CHUNK) {
    const chunk = rows.slice(i, i + STEP_CHUNK);
    const updated = await tx.execute<{ id: string }>(sql`
      update cases set snapshot = v.snapshot, state = v.state, version = v.version, updated_at = v.updated_at,
        subsidy_fen = coalesce(v.subsidy_fen, cases.subsidy_fen)
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as v(id uuid, snapshot jsonb, state text, version int, updated_at timestamptz, subsidy_fen bigint)
      where cases.id = v.id and cases.version = v.version - 1
      returning cases.id`);
    if (updated.length !== chunk.length) {
      const done = new Set(updated.map((r) => r.id));
      throw new Error(`case ${chunk.find((r) => !done.has(r.id))?.id ?? '?'} changed under its lock`);
    }
  }
}

async function roundOf(tx: Tx, row: CaseRow) {
  const [round] = await roundRead(tx, { id: row.roundId });
  if (!round) throw new Error(`case ${row.id} points at a missing round`);
  return round;
}

function scoreCheck(snapshot: unknown, scores: Record<string, number>) {
  const review = contextOf(snapshot).expertReview;
  return review ? scoreProblems(review.rubric, scores) : [];
}

/** The scope with the event's own words beside the case's, for its emails. */
function withWords<S extends { mailVars: Record<string, string> }>(scope: S, words: Record<string, string>): S {
  return Object.keys(words).length === 0 ? scope : { ...scope, mailVars: { ...scope.mailVars, ...words } };
}
