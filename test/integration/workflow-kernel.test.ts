import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { setup, type StateValue } from 'xstate';
import { Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import type { DbOrTx, Tx } from '../../db/client';
import { calendarDays, clockEvents, clocks, emailDeliveries, eventReceipts, history, notifications as notificationsTable, outbox, timers, users } from '../../db/schema';
import { deliverEvent, deliveryPayload } from '../../server/engine/deliver';
import { executeEffects } from '../../server/engine/effects';
import { PendingWrites } from '../../server/engine/pending';
import { readOpenClocks } from '../../server/engine/clocks';
import { recomputeClocks } from '../../server/engine/recompute';
import { fireTimer, rearmSoon } from '../../server/engine/timers';
import { bullJob, dispatcher } from '../../server/jobs/registry';
import { QUEUE_NAMES, workerConnection } from '../../server/jobs/queues';
import { registerWorkflow, type AnyWorkflow } from '../../server/workflows';
import { defaultClockLengths } from '../../server/engine/clock-kinds';
import { applyEvent, initialState } from '../../server/engine/transition';
import { appendHistory, verifyChain } from '../../server/engine/history';
import type { WorkflowDefinition } from '../../server/engine/workflow';
import { render, type TemplateName } from '../../server/mail/templates';
import type { EventMeta, RecipientGroup } from '../../workflows/case/types';
import type { ClockKindSpec } from '../../workflows/kernel/clock-spec';
import { caseClocks } from '../../workflows/case/clocks';
import { notFound } from '../../server/errors';
import { addCalendarDays, endOfShanghaiDay, shanghaiDate } from '../../server/calendar/workdays';
import { useTestApp } from '../support/use-app';
import { aClockRow } from '../support/clock-rows';

// A workflow of the tests' own — two steps, one clock, one email — run by the engine from nothing
// but its definition: the kernel needs no code of its own for a new aggregate (ADR 0003).
type DemoEvent = { type: 'OPEN'; assignees?: string[]; meta: EventMeta } | { type: 'CLOSE' | 'PEER_CLOSED'; meta: EventMeta };
type DemoClock = 'revision' | 'perAssignee';
const demoSetup = setup({
  types: { context: {} as { id: string; peers: string[] }, events: {} as DemoEvent, input: {} as { id: string; peers?: string[] } },
  actions: {
    startClock: (_: unknown, _p: { kind: DemoClock; assignee?: string }) => undefined,
    stopClock: (_: unknown, _p: { kind: DemoClock }) => undefined,
    notify: (_: unknown, _p: { template: TemplateName; to: RecipientGroup[] }) => undefined,
    emit: (_: unknown, _p: { kind: 'round'; ids: string[]; event: { type: string; note: string } }) => undefined,
  },
});
const demoMachine = demoSetup.createMachine({
  id: 'demo',
  initial: 'pending',
  context: ({ input }) => ({ id: input.id, peers: input.peers ?? [] }),
  states: {
    pending: {
      on: {
        OPEN: {
          target: 'open',
          // the email is listed first and still quotes the deadline the clock gets
          actions: [
            { type: 'notify', params: { template: 'case.submitted', to: ['firm'] } },
            { type: 'startClock', params: { kind: 'revision' } },
            // one clock per assignee, from the event
            demoSetup.enqueueActions(({ event, enqueue }) => {
              if (event.type !== 'OPEN') return;
              for (const assignee of event.assignees ?? []) enqueue({ type: 'startClock', params: { kind: 'perAssignee', assignee } });
            }),
          ],
        },
      },
    },
    open: {
      on: {
        CLOSE: {
          target: 'closed',
          actions: [
            { type: 'stopClock', params: { kind: 'revision' } },
            { type: 'stopClock', params: { kind: 'perAssignee' } },
            demoSetup.enqueueActions(({ context, enqueue }) => {
              if (context.peers.length > 0) enqueue({ type: 'emit', params: { kind: 'round', ids: context.peers, event: { type: 'PEER_CLOSED', note: 'closed' } } });
            }),
          ],
        },
        PEER_CLOSED: { target: 'closedByPeer' },
      },
    },
    closed: { type: 'final' },
    closedByPeer: { type: 'final' },
  },
});

const perAssignee: ClockKindSpec<RecipientGroup> = {
  label: { zh: '个人期限', en: 'own deadline' },
  unit: 'workingDays',
  length: () => 3,
  perAssignee: true,
  reminders: [1],
  remind: ['assignee'],
  onExpiry: 'overdue',
  escalate: ['firm'],
};
// kinds no transition of the demo starts, for the engine's own rules: counted in calendar days, or to a date named when started
const calendar: ClockKindSpec<RecipientGroup> = {
  label: { zh: '公示期', en: 'publicity period' },
  unit: 'calendarDays',
  length: () => 10,
  reminders: [2],
  remind: ['firm'],
  onExpiry: 'event',
  escalate: [],
};
const fixed: ClockKindSpec<RecipientGroup> = { ...calendar, label: { zh: '截止日', en: 'closing day' }, unit: 'fixedDate', length: () => 0 };
// marked overdue when it runs out, and escalated to nobody (as a case's policy end)
const quiet: ClockKindSpec<RecipientGroup> = { ...calendar, label: { zh: '到期', en: 'end' }, reminders: [], onExpiry: 'overdue', escalate: [] };
const demoClocks = { revision: caseClocks.revision, perAssignee, calendar, fixed, quiet };

interface DemoRow {
  id: string;
  version: number;
  machineVersion: string;
  state: string;
  snapshot: unknown;
}

const { t, w } = useTestApp({ ownDatabase: true });
let unregister: () => void;
// registered under the round owner kind, which no workflow of the product runs (rounds have clocks
// and emails of their own but no chart), so the demo takes no real workflow's place
beforeAll(async () => {
  unregister = registerWorkflow('round', () => demo() as unknown as AnyWorkflow);
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
  if (!r) throw notFound('demo item');
  return { row: { id: r.id, version: r.version, machineVersion: r.machine_version, state: r.state, snapshot: r.snapshot }, facts: {} };
}

const demo = (): WorkflowDefinition<DemoRow, Record<string, never>, DemoEvent> => ({
  kind: 'round',
  noun: 'demo item',
  machines: { 'demo@1': demoMachine },
  clocks: demoClocks,
  load,
  canSee: (user) => user.roles.includes('provincial'),
  authorise: (_snapshot, user) =>
    user.roles.includes('provincial') ? { ok: true, role: 'provincial' } : { ok: false, kind: 'forbidden', reason: { zh: '仅省级', en: 'provincial only' } },
  // its deadline closes it
  systemMay: (_snapshot, type) => type === 'CLOSE' || type === 'PEER_CLOSED',
  guardReasons: {},
  primaryState: (value: StateValue) => String(value),
  expiryEvent: (_kind, meta) => ({ type: 'CLOSE', meta: { ...meta, role: 'system' } }),
  effectScope: async (tx, loaded, now, actorId) => (await demo().prepare(tx, loaded, { type: 'OPEN', meta: { at: now.toISOString(), actorId, role: 'system' } }, now)).scope,
  prepare: async (tx, { row }, event, now) => ({
    scope: {
      tx,
      app: t.app,
      owner: { kind: 'round', id: row.id },
      now,
      calendar: await t.app.calendar.get(tx),
      actorId: event.meta.actorId,
      clockLengths: defaultClockLengths,
      clocks: demoClocks,
      groups: ['firm', 'assignee'],
      // the demo's one recipient: the provincial reviewer of this world; and an assignee, themself
      recipients: (group, about) =>
        group === 'firm' ? eq(users.id, w.people.provincial.id) : group === 'assignee' && about?.assigneeId ? eq(users.id, about.assigneeId) : sql`false`,
      mailVars: { caseNumber: 'GS-DEMO-1', firmName: '', materialName: '公示', link: '' },
    },
  }),
  persist: async (tx, row, next) => {
    await tx.execute(sql`update demo_items set snapshot = ${JSON.stringify({ value: next.value, context: next.context })}::jsonb, state = ${next.state}, version = ${row.version + 1} where id = ${row.id}`);
    return { ...row, version: row.version + 1, state: next.state, snapshot: { value: next.value, context: next.context } };
  },
});

/** Runs effects in a transition's scope on the demo item, at `later` ms past now. */
async function runEffects(tx: Tx, id: string, actions: { type: string; params?: unknown }[], later = 0) {
  const now = new Date(t.app.clock.now().getTime() + later);
  const { scope } = await demo().prepare(tx, await load(tx, id, true), { type: 'OPEN', meta: { at: now.toISOString(), actorId: null, role: 'system' } }, now);
  await executeEffects(scope, actions);
}
const clocksOf = (id: string, kind: string) => t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, kind))).orderBy(asc(clocks.startedAt));

async function newItem(peers: string[] = [], id = crypto.randomUUID()): Promise<string> {
  const first = initialState(demo(), 'demo@1', { id, peers });
  await t.app.db.execute(sql`insert into demo_items values (${id}, 1, ${first.machineVersion}, ${first.state}, ${JSON.stringify(first.snapshot)}::jsonb)`);
  return id;
}

const send = (id: string, type: DemoEvent['type'], who: 'provincial' | 'firm' = 'provincial', extra: { assignees?: string[] } = {}) =>
  t.app.db.transaction((tx) =>
    applyEvent(tx, t.app, demo(), {
      id,
      user: { ...w.people[who], affiliations: [] },
      requestId: null,
      event: { type, ...extra, meta: { at: t.app.clock.now().toISOString(), actorId: w.people[who].id, role: 'provincial' } } as DemoEvent,
    }),
  );

describe('a new workflow given only as a definition', () => {
  it('moves, keeps its own clock, email and hash-chained history, and refuses what its definition refuses', async () => {
    const id = await newItem();
    expect((await send(id, 'OPEN')).row).toMatchObject({ state: 'open', version: 2 });
    const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, id));
    expect(clock).toMatchObject({ ownerKind: 'round', kind: 'revision', status: 'running' });
    const mails = await t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.ownerKind, 'round'), eq(emailDeliveries.ownerId, id)));
    expect(mails.map((m) => m.toAddress)).toEqual([w.people.provincial.email]);
    expect(mails[0]?.data.dueOn).toBe(clock?.dueOn);

    await expect(send(id, 'CLOSE', 'firm')).rejects.toMatchObject({ kind: 'not_found' });
    expect((await send(id, 'CLOSE')).row).toMatchObject({ state: 'closed', version: 3 });
    const [stopped] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, id));
    expect(stopped?.status).toBe('stopped');
    await expect(send(id, 'CLOSE')).rejects.toMatchObject({ kind: 'conflict' });

    expect(await verifyChain(t.app.db, 'round', id)).toEqual({ valid: true, entries: 2, firstBrokenSeq: null, problem: null });
    expect(await verifyChain(t.app.db, 'case', id)).toMatchObject({ entries: 0 });
  });

  it("writes the outbox rows of a transition's emails in one statement (its timers, due days ahead, have none)", async () => {
    const id = await newItem();
    // a statement-level trigger counts the inserts into the outbox (this file's database is its own)
    await t.app.db.execute(sql`create table outbox_inserts (n int not null)`);
    await t.app.db.execute(sql`create function count_outbox_insert() returns trigger language plpgsql as $$ begin insert into outbox_inserts values (1); return null; end $$`);
    await t.app.db.execute(sql`create trigger outbox_insert_count after insert on outbox for each statement execute function count_outbox_insert()`);
    try {
      await send(id, 'OPEN', 'provincial', { assignees: [w.people.expert.id] });
      const [{ n } = { n: 0 }] = (await t.app.db.execute(sql`select count(*)::int as n from outbox_inserts`)) as unknown as { n: number }[];
      expect(n).toBe(1);
      const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
      const sent = await t.app.db.select().from(outbox).where(eq(outbox.topic, 'email'));
      expect(sent.map((r) => (r.payload as { deliveryId: string }).deliveryId)).toEqual(expect.arrayContaining(mails.map((m) => m.id)));
      expect(mails).toHaveLength(1);
    } finally {
      await t.app.db.execute(sql`drop trigger outbox_insert_count on outbox`);
      await t.app.db.execute(sql`drop function count_outbox_insert()`);
      await t.app.db.execute(sql`drop table outbox_inserts`);
    }
  });

  it('is closed by its own deadline through the same sweep as a case', async () => {
    const id = await newItem();
    await send(id, 'OPEN');
    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, id), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry timer armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
    expect(await fireTimer(t.app, expiry.id)).toBe(true);
    const [last] = await t.app.db.select().from(history).where(eq(history.ownerId, id)).orderBy(desc(history.seq)).limit(1);
    expect(last).toMatchObject({ ownerKind: 'round', eventType: 'CLOSE', actorRole: 'system', stateAfter: 'closed' });
    expect(await fireTimer(t.app, expiry.id)).toBe(false);
  });
});

describe('clocks per assignee', () => {
  it('keeps one clock per assignee, reminds only that person, and stops them all with the stage', async () => {
    const id = await newItem();
    const experts = [w.people.expert.id, w.people.finance.id];
    await send(id, 'OPEN', 'provincial', { assignees: experts });
    const own = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'perAssignee')));
    expect(own.map((c) => c.assigneeId).sort()).toEqual([...experts].sort());
    expect(own.every((c) => c.status === 'running' && c.unit === 'workingDays')).toBe(true);

    const first = own.find((c) => c.assigneeId === w.people.expert.id);
    const [reminder] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, first?.id ?? ''), eq(timers.purpose, 'reminder')));
    if (!reminder) throw new Error('no reminder armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, reminder.id));
    expect(await fireTimer(t.app, reminder.id)).toBe(true);
    const reminded = await t.app.db
      .select()
      .from(emailDeliveries)
      .where(and(eq(emailDeliveries.ownerId, id), eq(emailDeliveries.template, 'clock.reminder')));
    expect(reminded.map((m) => m.toAddress)).toEqual([w.people.expert.email]);

    await send(id, 'CLOSE');
    const after = await t.app.db.select().from(clocks).where(and(eq(clocks.ownerId, id), eq(clocks.kind, 'perAssignee')));
    expect(after.map((c) => c.status)).toEqual(['stopped', 'stopped']);
  });

  it('refuses a per-assignee clock without its assignee, an assignee on another kind, and an unknown recipient group', async () => {
    const id = await newItem();
    const scope = await t.app.db.transaction(async (tx) => {
      const loaded = await load(tx, id, true);
      const { scope } = await demo().prepare(tx, loaded, { type: 'OPEN', meta: { at: t.app.clock.now().toISOString(), actorId: null, role: 'system' } }, t.app.clock.now());
      const attempts = [
        [{ type: 'startClock', params: { kind: 'perAssignee' } }],
        [{ type: 'startClock', params: { kind: 'revision', assignee: w.people.expert.id } }],
        [{ type: 'notify', params: { template: 'case.submitted', to: ['everyone'] } }],
        [{ type: 'startClock', params: { kind: 'fixed' } }],
        [{ type: 'startClock', params: { kind: 'revision', dueOn: '2026-12-31' } }],
      ];
      const outcomes = [];
      for (const actions of attempts) outcomes.push(await tx.transaction((sp) => executeEffects({ ...scope, tx: sp }, actions)).then(() => 'ran', (e: Error) => e.message));
      return outcomes;
    });
    expect(scope).toEqual([
      expect.stringContaining('runs per assignee, and none was named'),
      expect.stringContaining('clock revision has no assignee'),
      expect.stringContaining('no recipient group everyone'),
      expect.stringContaining('clock fixed needs due date'),
      expect.stringContaining('clock revision takes no due date'),
    ]);
  });

  it("pauses, resumes and stops only the named assignee's clock", async () => {
    const id = await newItem();
    const [x, y] = [w.people.expert.id, w.people.finance.id];
    await send(id, 'OPEN', 'provincial', { assignees: [x, y] });
    const statuses = async () => Object.fromEntries((await clocksOf(id, 'perAssignee')).map((c) => [c.assigneeId, c.status]));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'pauseClock', params: { kind: 'perAssignee', assignee: x } }]));
    expect(await statuses()).toEqual({ [x]: 'paused', [y]: 'running' });
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'pauseClock', params: { kind: 'perAssignee', assignee: y } }]));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'resumeClock', params: { kind: 'perAssignee', assignee: x } }]));
    expect(await statuses()).toEqual({ [x]: 'running', [y]: 'paused' });
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'stopClock', params: { kind: 'perAssignee', assignee: x } }]));
    expect(await statuses()).toEqual({ [x]: 'stopped', [y]: 'paused' });
  });
});

describe('clocks of one kind', () => {
  it('resumes only the latest paused clock of the kind, not one left paused before it', async () => {
    const id = await newItem();
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }, { type: 'pauseClock', params: { kind: 'calendar' } }]));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }, { type: 'pauseClock', params: { kind: 'calendar' } }], 60_000));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'resumeClock', params: { kind: 'calendar' } }], 120_000));
    expect((await clocksOf(id, 'calendar')).map((c) => c.status)).toEqual(['paused', 'running']);
  });

  it('counts a calendar-day clock in calendar days and a fixed-date one to the day it was given', async () => {
    const id = await newItem();
    const today = shanghaiDate(t.app.clock.now());
    await t.app.db.transaction((tx) =>
      runEffects(tx, id, [
        { type: 'startClock', params: { kind: 'calendar' } },
        { type: 'startClock', params: { kind: 'fixed', dueOn: '2030-06-28' } },
      ]),
    );
    const [counted] = await clocksOf(id, 'calendar');
    expect(counted).toMatchObject({ unit: 'calendarDays', dueOn: addCalendarDays(today, 10), countedFrom: today, countedDays: 10, provisional: false, lengthWorkingDays: null });
    const [dated] = await clocksOf(id, 'fixed');
    expect(dated).toMatchObject({ unit: 'fixedDate', dueOn: '2030-06-28', countedFrom: null, countedDays: null, provisional: false });
    const reminders = await t.app.db.select().from(timers).where(and(eq(timers.clockId, dated?.id ?? ''), eq(timers.purpose, 'reminder')));
    // two calendar days before, at 09:00 Shanghai time
    expect(reminders.map((r) => r.fireAt.toISOString())).toEqual(['2030-06-26T01:00:00.000Z']);
  });
});

describe('a notify effect', () => {
  it('writes one delivery, one in-app notification and one outbox row per active person, however many of its groups name them', async () => {
    const id = await newItem();
    const provincial = w.people.provincial.id;
    const [inactive] = await t.app.db
      .insert(users)
      .values({ email: `gone-${crypto.randomUUID()}@example.test`, passwordHash: 'x', name: '已停用', roles: ['expert'], active: false })
      .returning();
    // the provincial reviewer is both the "firm" of the demo and the assignee here; the other assignee is deactivated
    await t.app.db.transaction(async (tx) => {
      await runEffects(tx, id, [{ type: 'notify', params: { template: 'case.submitted', to: ['firm', 'assignee'], assignee: provincial } }]);
      await runEffects(tx, id, [{ type: 'notify', params: { template: 'case.submitted', to: ['assignee'], assignee: inactive?.id } }]);
    });
    const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    expect(mails.map((m) => [m.recipientUserId, m.toAddress, m.status, m.messageId])).toEqual([[provincial, w.people.provincial.email, 'pending', `<${mails[0]?.id}@firstbatch.local>`]]);
    expect(mails[0]).toMatchObject({ ownerKind: 'round', template: 'case.submitted', data: expect.objectContaining({ materialName: '公示' }) });
    expect(mails[0]?.subject).toContain('GS-DEMO-1');
    const inApp = await t.app.db.select().from(notificationsTable).where(eq(notificationsTable.ownerId, id));
    expect(inApp.map((n) => [n.userId, n.template])).toEqual([[provincial, 'case.submitted']]);
    expect(inApp[0]?.title).toBeTruthy();
    const sent = await t.app.db.select().from(outbox).where(eq(outbox.topic, 'email'));
    expect(sent.filter((r) => (r.payload as { deliveryId: string }).deliveryId === mails[0]?.id)).toHaveLength(1);
  });

  it("writes the words of its own template, under its owner and at the transition's time, not the database's", async () => {
    const id = await newItem();
    const provincial = w.people.provincial.id;
    // a transition three days ahead of the database's clock
    const at = new Date(t.app.clock.now().getTime() + 3 * 86_400_000);
    await t.app.db.transaction(async (tx) => {
      const { scope } = await demo().prepare(tx, await load(tx, id, true), { type: 'OPEN', meta: { at: at.toISOString(), actorId: null, role: 'system' } }, at);
      await executeEffects(scope, [{ type: 'notify', params: { template: 'case.withdrawn', to: ['firm'] } }]);
    });
    const [mail, ...moreMails] = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    expect(moreMails).toEqual([]);
    if (!mail) throw new Error('no delivery written');
    const words = render('case.withdrawn', mail.data);
    expect(mail).toMatchObject({ template: 'case.withdrawn', subject: words.subject, ownerKind: 'round', createdAt: at, nextAttemptAt: at });
    const inApp = await t.app.db.select().from(notificationsTable).where(eq(notificationsTable.ownerId, id));
    expect(inApp).toEqual([
      expect.objectContaining({ userId: provincial, ownerKind: 'round', template: 'case.withdrawn', title: words.titleZh, body: words.bodyZh, data: mail.data, createdAt: at, readAt: null }),
    ]);
    expect(words.titleZh).not.toBe(words.bodyZh);
    // a round's notification links to no case
    const listed = await t.api.get<{ items: { caseId: string | null; template: string; title: string; body: string; createdAt: string }[] }>('/notifications', w.tokens.provincial);
    expect(listed.body.items.filter((n) => n.createdAt === at.toISOString() && n.template === 'case.withdrawn')).toEqual([
      expect.objectContaining({ caseId: null, title: words.titleZh, body: words.bodyZh }),
    ]);
    const [queued] = (await t.app.db.select().from(outbox).where(eq(outbox.topic, 'email'))).filter((r) => (r.payload as { deliveryId: string }).deliveryId === mail.id);
    expect(queued?.createdAt).toEqual(at);
  });
});

describe('a clock escalated to nobody', () => {
  it('is marked overdue when it runs out, and writes to no one', async () => {
    const id = await newItem();
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'quiet' } }]));
    const [clock] = await clocksOf(id, 'quiet');
    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry timer armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
    expect(await fireTimer(t.app, expiry.id)).toBe(true);
    expect(await clocksOf(id, 'quiet')).toEqual([expect.objectContaining({ status: 'expired', overdue: true })]);
    expect(await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id))).toEqual([]);
    expect(await t.app.db.select().from(notificationsTable).where(eq(notificationsTable.ownerId, id))).toEqual([]);
  });
});

describe('the delayed jobs of timers', () => {
  const timerRowsInOutbox = async (timerIds: string[]) =>
    (await t.app.db.select().from(outbox).where(eq(outbox.topic, 'timer')))
      .map((r) => (r.payload as { timerId: string }).timerId)
      .filter((id) => timerIds.includes(id));

  it('are queued through the outbox only for timers due within the hour; the rest wait for the sweep', async () => {
    const id = await newItem();
    const today = shanghaiDate(t.app.clock.now());
    // half an hour before the end of today: a clock due today expires within the hour
    const later = endOfShanghaiDay(today).getTime() - 30 * 60_000 - t.app.clock.now().getTime();
    await t.app.db.transaction((tx) =>
      runEffects(
        tx,
        id,
        [
          { type: 'startClock', params: { kind: 'fixed', dueOn: today } },
          { type: 'startClock', params: { kind: 'calendar' } },
        ],
        later,
      ),
    );
    const [dueToday] = await clocksOf(id, 'fixed');
    const [inTenDays] = await clocksOf(id, 'calendar');
    const soon = await t.app.db.select().from(timers).where(eq(timers.clockId, dueToday?.id ?? ''));
    const far = await t.app.db.select().from(timers).where(eq(timers.clockId, inTenDays?.id ?? ''));
    expect(soon.map((x) => x.purpose)).toEqual(['expiry']);
    expect(far.map((x) => x.purpose).sort()).toEqual(['expiry', 'reminder']);
    expect(await timerRowsInOutbox([...soon, ...far].map((x) => x.id))).toEqual(soon.map((x) => x.id));
  });

  it('of timers armed further ahead are added by the sweep in their last hour, and never for a cancelled one', async () => {
    const ids = [await newItem(), await newItem()];
    for (const id of ids) await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }]));
    const timersOf = async (id: string) => {
      const [clock] = await clocksOf(id, 'calendar');
      const rows = await t.app.db.select().from(timers).where(eq(timers.clockId, clock?.id ?? ''));
      const reminder = rows.find((x) => x.purpose === 'reminder');
      const expiry = rows.find((x) => x.purpose === 'expiry');
      if (!reminder || !expiry) throw new Error('the calendar clock has a reminder and an expiry');
      return { reminder, expiry };
    };
    const [kept, stopped] = [await timersOf(ids[0] ?? ''), await timersOf(ids[1] ?? '')];
    await t.app.db.transaction((tx) => runEffects(tx, ids[1] ?? '', [{ type: 'stopClock', params: { kind: 'calendar' } }]));
    expect(await timerRowsInOutbox([kept, stopped].flatMap((x) => [x.reminder.id, x.expiry.id]))).toEqual([]);

    // the sweep's horizon reaching a minute past the reminders, not as far as the expiries
    const now = t.app.clock.now().getTime();
    const horizon = kept.reminder.fireAt.getTime() - now + 60_000;
    expect(kept.expiry.fireAt.getTime() - now).toBeGreaterThan(horizon);
    expect(await rearmSoon(t.app, horizon)).toBeGreaterThanOrEqual(1);
    const job = await t.app.queues.deadlines.getJob(`timer-${kept.reminder.id}`);
    expect(job?.data).toEqual({ timerId: kept.reminder.id, fireAt: kept.reminder.fireAt.toISOString() });
    // delayed until the reminder is due, counted from the sweep
    expect(Math.abs((job?.opts.delay ?? 0) - (kept.reminder.fireAt.getTime() - now))).toBeLessThan(5_000);
    expect(await t.app.queues.deadlines.getJob(`timer-${kept.expiry.id}`)).toBeUndefined();
    expect(await t.app.queues.deadlines.getJob(`timer-${stopped.reminder.id}`)).toBeUndefined();
    await job?.remove();
  });

  it("of a timer armed further ahead are added by the minute's sweep job once the timer is in its last hour", async () => {
    const id = await newItem();
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }]));
    const [clock] = await clocksOf(id, 'calendar');
    const rows = await t.app.db.select().from(timers).where(eq(timers.clockId, clock?.id ?? ''));
    const reminder = rows.find((x) => x.purpose === 'reminder');
    const expiry = rows.find((x) => x.purpose === 'expiry');
    if (!reminder || !expiry) throw new Error('the calendar clock has a reminder and an expiry');
    // the reminder's last hour has come (its fire time brought forward to 40 minutes from now); the expiry is days away
    const fireAt = new Date(t.app.clock.now().getTime() + 40 * 60_000);
    await t.app.db.update(timers).set({ fireAt }).where(eq(timers.id, reminder.id));
    expect(await timerRowsInOutbox([reminder.id, expiry.id])).toEqual([]);

    const transport = nodemailer.createTransport(t.app.env.SMTP_URL);
    const connection = workerConnection(t.app.env.REDIS_URL);
    const worker = new Worker(QUEUE_NAMES.deadlines, dispatcher('deadlines', { app: t.app, transport }), { connection, prefix: t.app.env.QUEUE_PREFIX });
    try {
      const spec = bullJob('sweep', { requestedAt: Date.now() }, t.app.clock.now());
      const sweep = await t.app.queues.deadlines.add(spec.name, spec.data, spec.opts);
      await expect.poll(async () => sweep.getState(), { timeout: 10_000 }).toBe('completed');
    } finally {
      await worker.close();
      connection.disconnect();
      transport.close();
    }
    const job = await t.app.queues.deadlines.getJob(`timer-${reminder.id}`);
    expect(job?.data).toEqual({ timerId: reminder.id, fireAt: fireAt.toISOString() });
    expect(Math.abs((job?.opts.delay ?? 0) - 40 * 60_000)).toBeLessThan(10_000);
    expect(await t.app.queues.deadlines.getJob(`timer-${expiry.id}`)).toBeUndefined();
    await job?.remove();
  });
});

describe('a sweep with a timer that cannot fire', () => {
  it('still adds the delayed jobs of the coming hour, and then fails for the timer that could not fire', async () => {
    const broken = await newItem();
    // a clock of a kind its workflow does not declare, its expiry due: firing it throws
    const bogus = aClockRow({ ownerKind: 'round', ownerId: broken, kind: 'bogus' });
    await t.app.db.insert(clocks).values(bogus);
    const [due] = await t.app.db
      .insert(timers)
      .values({ clockId: bogus.id ?? '', ownerKind: 'round', ownerId: broken, purpose: 'expiry', fireAt: new Date(t.app.clock.now().getTime() - 60_000), data: {} })
      .returning();
    const id = await newItem();
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }]));
    const [clock] = await clocksOf(id, 'calendar');
    const [reminder] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'reminder')));
    if (!reminder) throw new Error('the calendar clock has a reminder');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() + 40 * 60_000) }).where(eq(timers.id, reminder.id));

    const transport = nodemailer.createTransport(t.app.env.SMTP_URL);
    const connection = workerConnection(t.app.env.REDIS_URL);
    const worker = new Worker(QUEUE_NAMES.deadlines, dispatcher('deadlines', { app: t.app, transport }), { connection, prefix: t.app.env.QUEUE_PREFIX });
    try {
      const spec = bullJob('sweep', { requestedAt: Date.now() }, t.app.clock.now());
      const sweep = await t.app.queues.deadlines.add(spec.name, spec.data, { ...spec.opts, attempts: 1 });
      await expect.poll(async () => sweep.getState(), { timeout: 10_000 }).toBe('failed');
      expect((await t.app.queues.deadlines.getJob(sweep.id ?? ''))?.failedReason).toMatch(/bogus/);
    } finally {
      await worker.close();
      connection.disconnect();
      transport.close();
      // the broken clock and timer leave with this test
      await t.app.db.update(timers).set({ cancelledAt: new Date() }).where(eq(timers.id, due?.id ?? ''));
      await t.app.db.update(clocks).set({ status: 'stopped' }).where(eq(clocks.id, bogus.id ?? ''));
    }
    const job = await t.app.queues.deadlines.getJob(`timer-${reminder.id}`);
    expect(job?.data).toMatchObject({ timerId: reminder.id });
    await job?.remove();
  });
});

describe('events one aggregate emits to others', () => {
  it('reaches each receiver once, in one delivery, and records a receiver that had moved on', async () => {
    const open = await newItem();
    const pending = await newItem();
    await send(open, 'OPEN');
    const sender = await newItem([pending, open]);
    await send(sender, 'OPEN');
    await send(sender, 'CLOSE');

    const rows = await t.app.db.select().from(outbox).where(eq(outbox.topic, 'event'));
    const mine = rows.map((r) => deliveryPayload.parse(r.payload)).filter((p) => p.from.id === sender);
    expect(mine).toHaveLength(1);
    const message = mine[0];
    if (!message) throw new Error('no event emitted');
    expect(message).toMatchObject({ from: { kind: 'round', id: sender }, to: { kind: 'round', ids: [open, pending].sort() }, event: { type: 'PEER_CLOSED', note: 'closed' } });

    expect(await deliverEvent(t.app, message)).toEqual({ applied: 1, refused: 1 });
    const [moved] = await t.app.db.select().from(history).where(eq(history.ownerId, open)).orderBy(desc(history.seq)).limit(1);
    expect(moved).toMatchObject({ eventType: 'PEER_CLOSED', actorRole: 'system', actorId: null, stateAfter: 'closedByPeer', requestId: `event:${message.eventId}` });
    expect(moved?.payload).toMatchObject({ note: 'closed', from: { kind: 'round', id: sender } });
    const receipts = await t.app.db.select().from(eventReceipts).where(eq(eventReceipts.eventId, message.eventId));
    expect(Object.fromEntries(receipts.map((r) => [r.ownerId, r.outcome.split(':')[0]]))).toEqual({ [open]: 'applied', [pending]: 'refused' });

    // the job runs again (a worker died before acknowledging it): nothing happens twice
    expect(await deliverEvent(t.app, message)).toEqual({ applied: 0, refused: 0 });
    const entries = await t.app.db.select().from(history).where(eq(history.ownerId, open));
    expect(entries.map((e) => e.eventType)).toEqual(['OPEN', 'PEER_CLOSED']);
    expect((await load(t.app.db, pending, false)).row.state).toBe('pending');
  });
});

describe('a calendar correction', () => {
  it('recounts the running working-day deadlines of any owner, not only of cases', async () => {
    const id = await newItem();
    await send(id, 'OPEN');
    const [clock] = await t.app.db.select().from(clocks).where(eq(clocks.ownerId, id));
    if (!clock) throw new Error('no clock started');
    // a calendar-day clock beside it does not depend on the working-day calendar
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }]));
    const [plain] = await clocksOf(id, 'calendar');
    const moved = await t.app.db.transaction(async (tx) => {
      // its due day becomes a holiday: the deadline moves to the next working day
      await tx.insert(calendarDays).values({ date: clock.dueOn, kind: 'holiday', name: '测试', source: 'admin' });
      return recomputeClocks(tx, t.app, { year: Number(clock.dueOn.slice(0, 4)), now: t.app.clock.now(), actorId: null });
    });
    const mine = moved.filter((r) => r.ownerId === id);
    expect(mine).toEqual([expect.objectContaining({ clockId: clock.id, ownerKind: 'round', from: clock.dueOn })]);
    expect((mine[0]?.to ?? '') > clock.dueOn).toBe(true);
    expect(mine[0]).not.toHaveProperty('caseId');
    expect((await clocksOf(id, 'calendar'))[0]?.dueOn).toBe(plain?.dueOn);
    await t.app.db.delete(calendarDays).where(eq(calendarDays.date, clock.dueOn));
  });
});

// what the planted-bug review of the pipelined writes showed untested
describe('one transition that starts a clock and then acts on it (PendingWrites)', () => {
  /** Runs the effects as applyEvent does: the open clocks read with the row, the writes issued together at the end. */
  async function inOneTransition(id: string, effects: Parameters<typeof executeEffects>[1]): Promise<void> {
    await t.app.db.transaction(async (tx) => {
      const now = t.app.clock.now();
      const { scope } = await demo().prepare(tx, await load(tx, id, true), { type: 'OPEN', meta: { at: now.toISOString(), actorId: null, role: 'system' } }, now);
      const pending = new PendingWrites();
      pending.openClocks = await readOpenClocks(tx, scope.owner);
      await executeEffects({ ...scope, pending }, effects);
      await pending.flush(tx);
    });
  }

  it('sees its own start: started, paused, resumed and stopped in one transition, each logged once', async () => {
    const id = await newItem();
    await inOneTransition(id, [
      { type: 'startClock', params: { kind: 'calendar' } },
      { type: 'pauseClock', params: { kind: 'calendar' } },
      { type: 'resumeClock', params: { kind: 'calendar' } },
      { type: 'stopClock', params: { kind: 'calendar' } },
    ]);
    const [clock, ...more] = await clocksOf(id, 'calendar');
    expect(more).toEqual([]);
    expect(clock?.status).toBe('stopped');
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, clock?.id ?? ''));
    expect(events.map((e) => e.kind).sort()).toEqual(['pause', 'resume', 'start', 'stop']);
    const armed = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), isNull(timers.firedAt), isNull(timers.cancelledAt)));
    expect(armed).toEqual([]);
  });

  it('keeps a change to a clock it started: started then paused in one transition leaves it paused, its timers cancelled', async () => {
    const id = await newItem();
    await inOneTransition(id, [
      { type: 'startClock', params: { kind: 'calendar' } },
      { type: 'pauseClock', params: { kind: 'calendar' } },
    ]);
    const [clock, ...more] = await clocksOf(id, 'calendar');
    expect(more).toEqual([]);
    expect(clock).toMatchObject({ status: 'paused' });
    expect(clock?.remainingWorkingDays).not.toBeNull();
    const armed = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), isNull(timers.firedAt), isNull(timers.cancelledAt)));
    expect(armed).toEqual([]);
  });

  it('leaves a fired reminder fired, not cancelled, when its clock stops', async () => {
    const id = await newItem();
    await send(id, 'OPEN');
    const [clock] = await clocksOf(id, 'revision');
    const [reminder] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'reminder')));
    if (!reminder) throw new Error('no reminder armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, reminder.id));
    expect(await fireTimer(t.app, reminder.id)).toBe(true);
    await send(id, 'CLOSE');
    const [after] = await t.app.db.select().from(timers).where(eq(timers.id, reminder.id));
    expect(after).toMatchObject({ cancelledAt: null });
    expect(after?.firedAt).not.toBeNull();
  });
});

describe('an expiry fired through the transition', () => {
  it("sees the clock its timer just expired: the expired clock is not stopped again by the expiry's own event", async () => {
    const id = await newItem();
    await send(id, 'OPEN');
    const [clock] = await clocksOf(id, 'revision');
    const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.clockId, clock?.id ?? ''), eq(timers.purpose, 'expiry')));
    if (!expiry) throw new Error('no expiry armed');
    await t.app.db.update(timers).set({ fireAt: new Date(t.app.clock.now().getTime() - 1000) }).where(eq(timers.id, expiry.id));
    expect(await fireTimer(t.app, expiry.id)).toBe(true);
    expect((await load(t.app.db, id, false)).row.state).toBe('closed');
    const [after] = await clocksOf(id, 'revision');
    expect(after?.status).toBe('expired');
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, clock?.id ?? ''));
    expect(events.map((e) => e.kind).sort()).toEqual(['expire', 'start']);
  });
});

describe('a kind stopped twice in one transition (PendingWrites)', () => {
  it('stops the clock once: the second stop finds nothing open', async () => {
    const id = await newItem();
    await t.app.db.transaction(async (tx) => {
      const now = t.app.clock.now();
      const { scope } = await demo().prepare(tx, await load(tx, id, true), { type: 'OPEN', meta: { at: now.toISOString(), actorId: null, role: 'system' } }, now);
      const pending = new PendingWrites();
      pending.openClocks = await readOpenClocks(tx, scope.owner);
      await executeEffects({ ...scope, pending }, [
        { type: 'startClock', params: { kind: 'calendar' } },
        { type: 'stopClock', params: { kind: 'calendar' } },
        { type: 'stopClock', params: { kind: 'calendar' } },
      ]);
      await pending.flush(tx);
    });
    const [clock] = await clocksOf(id, 'calendar');
    const events = await t.app.db.select().from(clockEvents).where(eq(clockEvents.clockId, clock?.id ?? ''));
    expect(events.map((e) => e.kind).sort()).toEqual(['start', 'stop']);
  });
});

describe('a message without a clock of its own', () => {
  it('quotes the running deadline, not a newer paused one', async () => {
    const id = await newItem();
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'calendar' } }]));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'startClock', params: { kind: 'revision' } }, { type: 'pauseClock', params: { kind: 'revision' } }], 60_000));
    await t.app.db.transaction((tx) => runEffects(tx, id, [{ type: 'notify', params: { template: 'case.submitted', to: ['firm'] } }], 120_000));
    const [running] = await clocksOf(id, 'calendar');
    const [paused] = await clocksOf(id, 'revision');
    expect(paused?.dueOn).not.toBe(running?.dueOn);
    const mails = await t.app.db.select().from(emailDeliveries).where(eq(emailDeliveries.ownerId, id));
    expect(mails.map((m) => m.data.dueOn)).toEqual([running?.dueOn]);
  });
});

describe('the chain tail a transition links to', () => {
  it('is read under the row lock: an entry committed while the transition waited for the lock is linked to, not overwritten', async () => {
    const id = await newItem();
    let locked: () => void = () => undefined;
    let release: () => void = () => undefined;
    const isLocked = new Promise<void>((r) => (locked = r));
    const go = new Promise<void>((r) => (release = r));
    const holder = t.app.db.transaction(async (tx) => {
      await load(tx, id, true);
      locked();
      await go;
      await appendHistory(tx, { ownerKind: 'round', ownerId: id, eventType: 'NOTE', actorId: null, actorRole: 'system', at: new Date(), requestId: null, stateBefore: 'pending', stateAfter: 'pending', payload: {}, machineVersion: 'demo@1' });
    });
    await isLocked;
    const sent = send(id, 'OPEN');
    sent.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    release();
    await holder;
    await expect(sent).resolves.toBeDefined();
    expect(await verifyChain(t.app.db, 'round', id)).toMatchObject({ valid: true, entries: 2 });
  });
});
