import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import { setup, type StateValue } from 'xstate';
import type { DbOrTx } from '../../db/client';
import { clocks, emailDeliveries, history, timers, users } from '../../db/schema';
import { fireTimer } from '../../server/engine/timers';
import { registerWorkflow, type AnyWorkflow } from '../../server/workflows';
import { defaultClockLengths } from '../../server/engine/clock-kinds';
import { applyEvent, initialState } from '../../server/engine/transition';
import { verifyChain } from '../../server/engine/history';
import type { WorkflowDefinition } from '../../server/engine/workflow';
import type { TemplateName } from '../../server/mail/templates';
import type { ClockKind, EventMeta, RecipientGroup } from '../../workflows/case/types';
import { caseClocks } from '../../workflows/case/clocks';
import { notFound } from '../../server/errors';
import { useTestApp } from '../support/use-app';

// A workflow of the tests' own — two steps, one clock, one email — run by the engine from nothing
// but its definition: the kernel needs no code of its own for a new aggregate (ADR 0003).
type DemoEvent = { type: 'OPEN' | 'CLOSE'; meta: EventMeta };
const demoMachine = setup({
  types: { context: {} as { id: string }, events: {} as DemoEvent, input: {} as { id: string } },
  actions: {
    startClock: (_: unknown, _p: { kind: ClockKind }) => undefined,
    stopClock: (_: unknown, _p: { kind: ClockKind }) => undefined,
    notify: (_: unknown, _p: { template: TemplateName; to: RecipientGroup[] }) => undefined,
  },
}).createMachine({
  id: 'demo',
  initial: 'pending',
  context: ({ input }) => ({ id: input.id }),
  states: {
    pending: {
      on: {
        OPEN: {
          target: 'open',
          // the email is listed first and still quotes the deadline the clock gets
          actions: [
            { type: 'notify', params: { template: 'case.submitted', to: ['firm'] } },
            { type: 'startClock', params: { kind: 'revision' } },
          ],
        },
      },
    },
    open: { on: { CLOSE: { target: 'closed', actions: [{ type: 'stopClock', params: { kind: 'revision' } }] } } },
    closed: { type: 'final' },
  },
});

interface DemoRow {
  id: string;
  version: number;
  machineVersion: string;
  state: string;
  snapshot: unknown;
}

const { t, w } = useTestApp({ ownDatabase: true });
let unregister: () => void;
beforeAll(async () => {
  unregister = registerWorkflow('notice', () => demo() as unknown as AnyWorkflow);
  await t.app.db.execute(sql`create table demo_items (id uuid primary key, version int not null, machine_version text not null, state text not null, snapshot jsonb not null)`);
});
afterAll(() => unregister());

async function load(db: DbOrTx, id: string, lock: boolean) {
  const rows = (await db.execute(sql`select id, version, machine_version, state, snapshot from demo_items where id = ${id} ${lock ? sql`for update` : sql``}`)) as unknown as {
    id: string;
    version: number;
    machine_version: string;
    state: string;
    snapshot: unknown;
  }[];
  const r = rows[0];
  if (!r) throw notFound('notice');
  return { row: { id: r.id, version: r.version, machineVersion: r.machine_version, state: r.state, snapshot: r.snapshot }, facts: {} };
}

const demo = (): WorkflowDefinition<DemoRow, Record<string, never>, DemoEvent> => ({
  kind: 'notice',
  noun: 'notice',
  machines: { 'demo@1': demoMachine },
  clocks: { revision: caseClocks.revision },
  load,
  canSee: (user) => user.roles.includes('provincial'),
  authorise: (_snapshot, user) =>
    user.roles.includes('provincial') ? { ok: true, role: 'provincial' } : { ok: false, kind: 'forbidden', reason: { zh: '仅省级', en: 'provincial only' } },
  // its deadline closes it
  systemMay: (_snapshot, type) => type === 'CLOSE',
  guardReasons: {},
  primaryState: (value: StateValue) => String(value),
  expiryEvent: (_kind, meta) => ({ type: 'CLOSE', meta: { ...meta, role: 'system' } }),
  effectScope: async (tx, loaded, now, actorId) => (await demo().prepare(tx, loaded, { type: 'OPEN', meta: { at: now.toISOString(), actorId, role: 'system' } }, now)).scope,
  prepare: async (tx, { row }, event, now) => ({
    scope: {
      tx,
      app: t.app,
      owner: { kind: 'notice', id: row.id },
      now,
      calendar: await t.app.calendar.get(tx),
      actorId: event.meta.actorId,
      clockLengths: defaultClockLengths,
      clocks: { revision: caseClocks.revision },
      // the demo's one recipient: the provincial reviewer of this world
      recipients: (group) => (group === 'firm' ? eq(users.id, w.people.provincial.id) : sql`false`),
      mailVars: { caseNumber: 'GS-DEMO-1', firmName: '', materialName: '公示', link: '' },
    },
  }),
  persist: async (tx, row, next) => {
    await tx.execute(sql`update demo_items set snapshot = ${JSON.stringify({ value: next.value, context: next.context })}::jsonb, state = ${next.state}, version = ${row.version + 1} where id = ${row.id}`);
    return { ...row, version: row.version + 1, state: next.state, snapshot: { value: next.value, context: next.context } };
  },
});

async function newItem(): Promise<string> {
  const id = crypto.randomUUID();
  const first = initialState(demo(), 'demo@1', { id });
  await t.app.db.execute(sql`insert into demo_items values (${id}, 1, ${first.machineVersion}, ${first.state}, ${JSON.stringify(first.snapshot)}::jsonb)`);
  return id;
}

const send = (id: string, type: DemoEvent['type'], who: 'provincial' | 'firm' = 'provincial') =>
  t.app.db.transaction((tx) =>
    applyEvent(tx, t.app, demo(), {
      id,
      user: { ...w.people[who], affiliations: [] },
      requestId: null,
      event: { type, meta: { at: t.app.clock.now().toISOString(), actorId: w.people[who].id, role: 'provincial' } },
    }),
  );

describe('a new workflow given only as a definition', () => {
  it('moves, keeps its own clock, email and hash-chained history, and refuses what its definition refuses', async () => {
    const id = await newItem();
    expect((await send(id, 'OPEN')).row).toMatchObject({ state: 'open', version: 2 });
    const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, id));
    expect(clock).toMatchObject({ ownerKind: 'notice', kind: 'revision', status: 'running' });
    const mails = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerKind, 'notice'), eq(emailDeliveries.ownerId, id)));
    expect(mails.map((m) => m.toAddress)).toEqual([w.people.provincial.email]);
    expect(mails[0]?.data.dueOn).toBe(clock?.dueOn);

    await expect(send(id, 'CLOSE', 'firm')).rejects.toMatchObject({ kind: 'not_found' });
    expect((await send(id, 'CLOSE')).row).toMatchObject({ state: 'closed', version: 3 });
    const [stopped] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, id));
    expect(stopped?.status).toBe('stopped');
    await expect(send(id, 'CLOSE')).rejects.toMatchObject({ kind: 'conflict' });

    expect(await verifyChain(t.app.db, 'notice', id)).toEqual({ valid: true, entries: 2, firstBrokenSeq: null, problem: null });
    expect(await verifyChain(t.app.db, 'case', id)).toMatchObject({ entries: 0 });
  });

  it('is closed by its own deadline through the same sweep as a case', async () => {
    const id = await newItem();
    await send(id, 'OPEN');
    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, id), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry timer armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
    expect(await fireTimer(t.app, expiry.id)).toBe(true);
    const [last] = await t.app.db.select().from(history).where(eq(history.ownerId, id)).orderBy(desc(history.seq)).limit(1);
    expect(last).toMatchObject({ ownerKind: 'notice', eventType: 'CLOSE', actorRole: 'system', stateAfter: 'closed' });
    expect(await fireTimer(t.app, expiry.id)).toBe(false);
  });
});
