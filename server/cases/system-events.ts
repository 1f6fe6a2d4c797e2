import { and, inArray, notInArray, or } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { rounds, taskClaims } from '../../db/schema';
import { activePaths } from '../../workflows/case/chart';
import { conditionalHoldEnded } from '../tasks/only-while';
import type { CaseEvent } from '../../workflows/case/types';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { applyEvent } from '../engine/transition';
import { uuidIn, withBatchedWrites } from '../engine/batched-writes';
import { caseWorkflow, readCasesLocked } from './workflow';

// cases moved between two turns of the event loop
const YIELD_EVERY = 250;

export interface ToldCase {
  caseId: string;
  event: CaseEvent;
  /** the case's new subsidy, decided by the caller (a reduction's share): written with the case's step */
  subsidyFen?: bigint;
}

/**
 * Events from the system (a disbursement batch, an approved pro-rata reduction) to many cases, in
 * the caller's transaction: each case still goes through applyEvent — its machine, effects,
 * snapshot and hash-chained history entry — but what is the same for all of them is done once:
 * the cases and their firms are read and locked in one statement, in id order (the order every
 * multi-row lock takes), their rounds read once FOR SHARE, the task claims of the states they
 * leave given back in one statement at the end, and their history entries, emails and in-app
 * notifications written a thousand to a statement once all have moved (engine/batched-writes.ts),
 * each recipient group asked once. Each case is told in id order. `causedBy` is the person whose act
 * on the batch moved them, recorded in their history.
 */
export async function tellCases(tx: Tx, app: AppContext, requestId: string | null, told: readonly ToldCase[], causedBy?: { id: string; role: string }): Promise<void> {
  if (told.length === 0) return;
  const ordered = [...told].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  // each case once: its step is computed from the row as locked here
  const twice = ordered.find((t, i) => i > 0 && ordered[i - 1]?.caseId === t.caseId);
  if (twice) throw new Error(`case ${twice.caseId} told twice in one call`);
  const loaded = await readCasesLocked(tx, ordered.map((t) => t.caseId));
  const roundIds = [...new Set([...loaded.values()].map((l) => l.row.roundId))];
  const roundRows = await tx.select().from(rounds).where(inArray(rounds.id, roundIds)).orderBy(rounds.id).for('share');
  const def = caseWorkflow(app, { rounds: new Map(roundRows.map((r) => [r.id, r])), claimsGivenBack: true,
    calendar: await app.calendar.get(tx),
    amounts: new Map(ordered.flatMap((t) => (t.subsidyFen === undefined ? [] : [[t.caseId, t.subsidyFen] as const]))),
  });
  // cases by the states they are in afterwards: claims of any other task are given back
  const after = new Map<string, { paths: string[]; ids: string[] }>();
  // their history entries, emails and notifications written together once all have moved
  await withBatchedWrites(
    tx,
    'case',
    ordered.map((t) => t.caseId),
    async () => {
      for (const [i, { caseId, event }] of ordered.entries()) {
        // now and then a turn of the event loop: the statements the unit has sent go out and are answered
        if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const locked = loaded.get(caseId);
        if (!locked) throw notFound('case');
        // held no longer than its step: ten thousand rows kept alive make every collection slower
        loaded.delete(caseId);
        const applied = await applyEvent(tx, app, def, { id: caseId, locked, user: null, causedBy, requestId, event });
        const paths = activePaths(applied.snapshot.value);
        const key = paths.join('\n');
        const group = after.get(key) ?? { paths, ids: [] };
        group.ids.push(caseId);
        after.set(key, group);
      }
    },
  );
  for (const { paths, ids } of after.values()) {
    await tx.delete(taskClaims).where(and(uuidIn(taskClaims.caseId, ids), or(notInArray(taskClaims.task, paths), conditionalHoldEnded)));
  }
}

