import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { transition } from 'xstate';
import { cases, clockEvents, clocks, emailDeliveries, history } from '../../db/schema';
import { tellCases } from '../../server/cases/system-events';
import { verifyChain } from '../../server/engine/history';
import { caseMachines } from '../../workflows/case/registry';
import type { CaseEvent } from '../../workflows/case/types';
import { useTestApp } from '../support/use-app';

const { t, w } = useTestApp();

// Many cases told in one transaction (a batch, a reduction) move in memory and land together: their
// open clocks read once for all, their rows written by one statement at the end
// (server/engine/batched-writes.ts). Each must end exactly where its own transition put it.
describe('cases told in one unit of work', () => {
  it('leaves each case at its own next version, state and snapshot, with the clock changes its transition made', async () => {
    const lapsing = await w.caseIn('revision');
    const noticed = [await w.caseIn('awaitingNotice'), await w.caseIn('awaitingNotice')];
    const ids = [lapsing, ...noticed];
    const rowsOf = async () => new Map((await t.app.db.select().from(cases).where(inArray(cases.id, ids))).map((r) => [r.id, r]));
    const before = await rowsOf();
    const entriesBefore = await t.app.db.select().from(history).where(inArray(history.ownerId, ids));
    // the firm's review clock paused while the case is back with it: the lapse stops it
    const [paused] = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, lapsing), eq(clocks.kind, 'municipalReview')));
    expect(paused?.status).toBe('paused');

    const at = new Date(Math.floor(t.app.clock.now().getTime() / 1000) * 1000);
    const meta = { at: at.toISOString(), actorId: null, role: 'system' } as const;
    const noticeId = randomUUID();
    const told: { caseId: string; event: CaseEvent }[] = [
      { caseId: lapsing, event: { type: 'DEADLINE_EXPIRED', clock: 'revision', meta } },
      ...noticed.map((caseId) => ({ caseId, event: { type: 'NOTICE_OPENED', noticeId, meta } as CaseEvent })),
    ];
    await t.app.db.transaction((tx) => tellCases(tx, t.app, 'req-tell', told));

    const after = await rowsOf();
    for (const { caseId, event } of told) {
      const was = before.get(caseId);
      const now = after.get(caseId);
      if (!was || !now) throw new Error('case missing');
      // the snapshot XState's own transition gives for this case's row and event
      const machine = caseMachines[was.machineVersion];
      if (!machine) throw new Error('no machine');
      const [next] = transition(machine, machine.resolveState(was.snapshot as never), { ...event, meta: { ...event.meta, role: 'system' } } as never);
      expect(now.snapshot).toEqual(JSON.parse(JSON.stringify({ value: next.value, context: next.context })));
      expect(now).toMatchObject({ version: was.version + 1, state: caseId === lapsing ? 'lapsed' : 'notice', updatedAt: at, subsidyFen: was.subsidyFen });
      expect(await verifyChain(t.app.db, 'case', caseId)).toMatchObject({ valid: true, entries: entriesBefore.filter((e) => e.ownerId === caseId).length + 1 });
      const [last] = await t.app.db.select().from(history).where(eq(history.ownerId, caseId)).orderBy(asc(history.seq)).then((h) => h.slice(-1));
      expect(last).toMatchObject({ eventType: event.type, actorRole: 'system', requestId: 'req-tell', stateBefore: was.state, stateAfter: now.state });
    }
    for (const id of noticed) expect((after.get(id)?.snapshot as { context: { notice?: { id: string } } }).context.notice?.id).toBe(noticeId);

    // the lapse stopped the clock that was open when the unit began, once, and told the firm
    const [stopped] = await t.app.db.select().from(clocks).where(eq(clocks.id, paused?.id ?? ''));
    expect(stopped?.status).toBe('stopped');
    expect((await t.app.db.select().from(clockEvents).where(and(eq(clockEvents.clockId, paused?.id ?? ''), eq(clockEvents.kind, 'stop')))).length).toBe(1);
    const mail = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerId, lapsing), eq(emailDeliveries.template, 'case.lapsed')));
    expect(mail.map((m) => m.toAddress)).toEqual([w.people.firm.email]);
  });

  it('refuses a case told twice in one call, and moves none', async () => {
    const id = await w.caseIn('awaitingNotice');
    const [row] = await t.app.db.select().from(cases).where(eq(cases.id, id));
    const meta = { at: t.app.clock.now().toISOString(), actorId: null, role: 'system' } as const;
    const event: CaseEvent = { type: 'NOTICE_OPENED', noticeId: randomUUID(), meta };
    await expect(t.app.db.transaction((tx) => tellCases(tx, t.app, null, [{ caseId: id, event }, { caseId: id, event }]))).rejects.toThrow(/told twice/);
    const [same] = await t.app.db.select().from(cases).where(eq(cases.id, id));
    expect(same?.version).toBe(row?.version);
  });
});
