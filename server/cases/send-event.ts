import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema';
import { allowedEvents, canSee } from '../../workflows/case/permissions';
import type { CaseEvent, CaseEventType } from '../../workflows/case/types';
import type { ServiceContext } from '../context';
import { AppError, notFound, unprocessable } from '../errors';
import { applyEvent } from '../engine/transition';
import { caseWorkflow, readCase } from './workflow';
import type { EventBody } from './body';
import { duplicateRace } from './duplicate';

export interface EventOptions {
  ifMatch?: number;
  idempotencyKey?: string;
}

export interface EventResult {
  status: number;
  body: { id: string; state: string; version: number; allowedEvents: CaseEventType[] };
  replayed: boolean;
}

/**
 * POST /cases/:id/events. With an Idempotency-Key the first answer is stored in the same
 * transaction as the event, so a retry replays it instead of acting twice.
 */
export async function sendCaseEvent(ctx: ServiceContext, caseId: string, body: EventBody, opts: EventOptions): Promise<EventResult> {
  const requestHash = createHash('sha256').update(canonicalize({ caseId, body }) ?? '').digest('hex');
  try {
    const result = await inTransaction(ctx, caseId, body, opts, requestHash).catch(duplicateRace);
    ctx.app.metrics.transitions.inc({ event: body.type, outcome: result.replayed ? 'replayed' : 'accepted' });
    return result;
  } catch (err) {
    ctx.app.metrics.transitions.inc({ event: body.type, outcome: err instanceof AppError ? err.kind : 'error' });
    throw err;
  }
}

function inTransaction(ctx: ServiceContext, caseId: string, body: EventBody, opts: EventOptions, requestHash: string): Promise<EventResult> {
  return ctx.app.db.transaction(async (tx) => {
    const locked = await readCase(tx, caseId, true);
    // before anything else answers: a case the caller may not see must look like no case at all
    if (!canSee(ctx.user, locked.facts)) throw notFound('case');
    if (opts.idempotencyKey) {
      // one key, one request at a time, even when a client reuses it on two cases at once
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`idempotency:${ctx.user.id}:${opts.idempotencyKey}`}))`);
      const [seen] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, ctx.user.id), eq(idempotencyKeys.key, opts.idempotencyKey)));
      if (seen) {
        if (seen.requestHash !== requestHash) {
          throw unprocessable('this Idempotency-Key was already used for a different request', [
            { path: 'header.Idempotency-Key', message: 'use a new key for a new request' },
          ]);
        }
        return { status: seen.status, body: seen.body as EventResult['body'], replayed: true };
      }
    }
    const now = ctx.app.clock.now();
    // the facts the event needs are read by the workflow once the sender is authorised
    const event = { ...body, meta: { at: now.toISOString(), actorId: ctx.user.id, role: 'firm' } } as CaseEvent;
    const { row, snapshot, facts: caseFacts } = await applyEvent(tx, ctx.app, caseWorkflow(ctx.app), { id: caseId, locked, event, user: ctx.user, requestId: ctx.requestId, ifMatch: opts.ifMatch });
    const result = {
      id: row.id,
      state: row.state,
      version: row.version,
      allowedEvents: allowedEvents(snapshot, ctx.user, caseFacts, now.toISOString()),
    };
    if (opts.idempotencyKey) {
      await tx.insert(idempotencyKeys).values({ userId: ctx.user.id, key: opts.idempotencyKey, requestHash, status: 200, body: result, createdAt: now });
    }
    return { status: 200, body: result, replayed: false };
  });
}
