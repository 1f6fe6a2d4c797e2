import { and, asc, eq, getTableColumns, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { clockEvents, clocks, timers, users } from '../../db/schema';
import type { AppContext } from '../context';
import type { Tx } from '../../db/client';
import { AppError } from '../errors';
import { notify } from './notify';
import { DELAYED_JOB_HORIZON_MS } from './clocks';
import { applyEvent } from './transition';
import { bullJob } from '../jobs/registry';
import { workflowFor } from '../workflows';
import type { Loaded, WorkflowRow } from './workflow';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';

/** The deadline's name in each language, for the reminder's and the overdue notice's two texts, with whose it is when told. */
const deadlineOf = (spec: ClockKindSpec, whose: string | null = null) =>
  whose ? { deadlineZh: `${spec.label.zh}（${whose}）`, deadlineEn: `${spec.label.en} (${whose})` } : { deadlineZh: spec.label.zh, deadlineEn: spec.label.en };

const nameOf = async (tx: Tx, userId: string) => (await tx.select({ name: users.name }).from(users).where(eq(users.id, userId)))[0]?.name ?? null;

/**
 * How many timers one sweep fires at once, each in its own transaction on its own pooled
 * connection. Well under the pool (10 by default): the API, the relay and the queue workers of the
 * same process keep connections to work with. Nothing inside a firing asks for a second one.
 */
export const SWEEP_LANES = 4;

const armedAndDue = (now: Date) => and(isNull(timers.firedAt), isNull(timers.cancelledAt), lte(timers.fireAt, now));

/** fired: this call fired it; gone: fired, cancelled or not due (nothing to do); busy: another sweep is firing its owner's timers */
type Outcome = 'fired' | 'gone' | 'busy';

/**
 * Fires one timer if it is due and still armed, for whatever owns it. Safe to call any number of
 * times from any process: under the owner's row lock, the row lock on the timer (SKIP LOCKED) and
 * `fired_at` make the second call a no-op.
 */
export async function fireTimer(app: AppContext, timerId: string): Promise<boolean> {
  return (await fire(app, timerId, false)) === 'fired';
}

/**
 * One timer, one short transaction. With `claim`, the owner is first claimed with a try-lock
 * (a transaction-scoped advisory lock, never waited on): sweepers running at once do not queue
 * behind each other's owner locks, they leave an owner being fired to its sweeper and come back
 * to it last. The claim only spreads the work; firing once rests on the owner lock and `fired_at`.
 */
async function fire(app: AppContext, timerId: string, claim: boolean): Promise<Outcome> {
  return app.db.transaction(async (tx) => {
    const now = app.clock.now();
    // a timer already fired or cancelled costs no owner lock
    const [armed] = await tx
      .select({
        ownerKind: timers.ownerKind,
        ownerId: timers.ownerId,
        claimed: claim ? sql<boolean>`pg_try_advisory_xact_lock(hashtextextended('timer-owner:' || ${timers.ownerId}::text, 0))` : sql<boolean>`true`,
      })
      .from(timers)
      .where(and(eq(timers.id, timerId), armedAndDue(now)));
    if (!armed) return 'gone';
    if (!armed.claimed) return 'busy';
    const workflow = workflowFor(app, armed.ownerKind);
    // Owner first, then timer: the order a transition takes them in, so the two never deadlock.
    const loaded = await workflow.load(tx, armed.ownerId, true);
    // Again under the owner's lock: a transition (cancelling or pausing) or another firer may have
    // got there first. The update is the claim of the timer, and reads its clock as the lock left it.
    const [hit] = await tx
      .update(timers)
      .set({ firedAt: now })
      .from(clocks)
      .where(
        and(
          eq(clocks.id, timers.clockId),
          inArray(
            timers.id,
            tx
              .select({ id: timers.id })
              .from(timers)
              .where(and(eq(timers.id, timerId), armedAndDue(now)))
              .for('update', { skipLocked: true }),
          ),
        ),
      )
      .returning({ purpose: timers.purpose, data: timers.data, clock: getTableColumns(clocks) });
    if (!hit) return 'gone';
    const { clock, purpose, data } = hit;
    if (clock.status !== 'running') return 'fired';
    const spec = Object.hasOwn(workflow.clocks, clock.kind) ? workflow.clocks[clock.kind] : undefined;
    if (!spec) throw new Error(`clock ${clock.id} is of kind ${clock.kind}, which its ${armed.ownerKind} workflow does not declare`);
    if (purpose === 'reminder') {
      // reached only once its deadline has passed (a sweep catching up, a worker that was down, a
      // clock moved on): it would ask for what can no longer be done in time; the expiry speaks instead
      if (clock.dueAt.getTime() <= now.getTime()) return 'fired';
      await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'remind', at: now, data });
      const scope = await workflow.effectScope(tx, loaded, now, null);
      await notify(scope, { template: spec.mail?.reminder ?? 'clock.reminder', to: spec.remind, assigneeId: clock.assigneeId, vars: deadlineOf(spec), dueOn: clock.dueOn });
      return 'fired';
    }
    await tx.update(clocks).set({ status: 'expired', overdue: true }).where(eq(clocks.id, clock.id));
    await tx.insert(clockEvents).values({ clockId: clock.id, kind: 'expire', at: now, data: {} });
    if (spec.onExpiry === 'overdue') {
      const scope = await workflow.effectScope(tx, loaded, now, null);
      // one assignee's deadline (an expert's) is named by whose it is: the escalation of each is told apart
      const whose = clock.assigneeId && !spec.escalate.includes('firm') ? await nameOf(tx, clock.assigneeId) : null;
      await notify(scope, { template: spec.mail?.overdue ?? 'clock.overdue', to: spec.escalate, assigneeId: clock.assigneeId, vars: deadlineOf(spec, whose), dueOn: clock.dueOn });
      return 'fired';
    }
    // the event's own preparation builds what its effects need
    await expire(app, tx, armed.ownerKind, loaded, clock.kind, now);
    return 'fired';
  });
}

async function expire(app: AppContext, tx: Tx, ownerKind: Parameters<typeof workflowFor>[1], locked: Loaded<WorkflowRow, unknown>, kind: string, now: Date) {
  const workflow = workflowFor(app, ownerKind);
  try {
    // a savepoint: an owner that has moved on refuses the event without spoiling the timer's transaction
    await tx.transaction((sp) =>
      applyEvent(sp, app, workflow, {
        id: locked.row.id,
        locked,
        user: null,
        requestId: null,
        event: workflow.expiryEvent(kind, { at: now.toISOString(), actorId: null, role: 'system' }),
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    app.log.info({ ownerKind, ownerId: locked.row.id, kind, reason: err.message }, 'expired clock no longer applies to its owner');
  }
}

/**
 * The net under BullMQ (SPEC §8): fires every due timer, whatever happened to its delayed job.
 * The due timers are grouped by owner; an owner's timers fire one after another in due order (a
 * reminder before its expiry), owners `lanes` at a time, in an order of this sweep's own, so that
 * sweeps of several workers at once mostly meet different owners. An owner another sweep holds is
 * left until the rest is done, then fired waiting for its lock: every timer selected here is tried
 * by this sweep, and what the other fired meanwhile is a no-op. One firing failing does not stop
 * the others; the first failure is thrown once they are done (the sweep job then retries).
 */
export async function sweepDue(app: AppContext, limit = 500, lanes = SWEEP_LANES): Promise<number> {
  const due = await app.db
    .select({ id: timers.id, ownerId: timers.ownerId })
    .from(timers)
    .where(armedAndDue(app.clock.now()))
    .orderBy(asc(timers.fireAt))
    .limit(limit);
  const byOwner = new Map<string, string[]>();
  for (const t of due) {
    const group = byOwner.get(t.ownerId);
    if (group) group.push(t.id);
    else byOwner.set(t.ownerId, [t.id]);
  }
  let fired = 0;
  const failures: unknown[] = [];
  const run = async (groups: string[][], claim: boolean, left: string[][]) => {
    const lane = async () => {
      for (let group = groups.pop(); group; group = groups.pop()) {
        for (const [i, id] of group.entries()) {
          let outcome: Outcome;
          try {
            outcome = await fire(app, id, claim);
          } catch (err) {
            // the owner's later timers wait for the next sweep: they must not overtake this one
            failures.push(err);
            app.log.warn({ err, timerId: id }, 'a due timer failed to fire');
            break;
          }
          if (outcome === 'busy') {
            left.push(group.slice(i));
            break;
          }
          if (outcome === 'fired') fired++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, groups.length)) }, lane));
  };
  const busy: string[][] = [];
  await run(shuffled([...byOwner.values()]), true, busy);
  await run(busy, false, []);
  if (failures.length > 0) throw failures[0];
  return fired;
}

function shuffled<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}

/**
 * Adds the delayed jobs of the armed timers due within the horizon: a timer armed further ahead
 * gets its job here, in its last hour (armTimers), and after a Redis flush the jobs come back.
 * BullMQ ignores a job id it already holds.
 */
export async function rearmSoon(app: AppContext, horizonMs = DELAYED_JOB_HORIZON_MS): Promise<number> {
  const now = app.clock.now();
  const soon = await app.db
    .select({ id: timers.id, fireAt: timers.fireAt })
    .from(timers)
    .where(and(isNull(timers.firedAt), isNull(timers.cancelledAt), gt(timers.fireAt, now), lte(timers.fireAt, new Date(now.getTime() + horizonMs))));
  if (soon.length === 0) return 0;
  await app.queues.deadlines.addBulk(soon.map((t) => bullJob('timer', { timerId: t.id, fireAt: t.fireAt.toISOString() }, now)));
  return soon.length;
}
