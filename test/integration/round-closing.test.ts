import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { emailDeliveries } from '../../db/schema';
import { makeRound } from '../../seeds/factories';
import { remindRoundsClosing } from '../../server/rounds/closing-reminder';
import { useTestApp } from '../support/use-app';

// its own database: the reminder looks at every round
const { t, w } = useTestApp({ ownDatabase: true });

const inDays = (days: number) => new Date(t.app.clock.now().getTime() + days * 86_400_000);
const remindersFor = (email: string) =>
  t.app.db.select().from(emailDeliveries).where(and(eq(emailDeliveries.template, 'round.closing'), eq(emailDeliveries.toAddress, email)));

describe('the round-closing reminder (3 days before closesAt, to firms with drafts)', () => {
  it('tells the staff of a firm with drafts once, and nobody else', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], opensAt: inDays(-30), closesAt: inDays(2) });
    await w.createCase({ roundId: round.id });
    await w.createCase({ roundId: round.id });
    const later = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], opensAt: inDays(-30), closesAt: inDays(10) });
    await w.createCase({ roundId: later.id });

    expect(await remindRoundsClosing(t.app)).toBe(1);
    const sent = await remindersFor(w.people.firm.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toMatchObject({ roundName: round.name, draftCount: '2' });
    expect(sent[0]?.subject).toContain('截止申报');
    // the reminder belongs to its round, like a case's emails belong to their case
    expect(sent[0]).toMatchObject({ ownerKind: 'round', ownerId: round.id });
    expect(await remindersFor(w.people.otherFirm.email)).toHaveLength(0);
    const inbox = await t.api.get<{ items: { template: string }[] }>('/notifications', w.tokens.firm);
    expect(inbox.body.items.map((n) => n.template)).toContain('round.closing');

    expect(await remindRoundsClosing(t.app)).toBe(0);
  });

  it('reminds again when an administrator moves the closing time', async () => {
    const round = await makeRound(t.app.db, { editionId: w.edition.id, insurerIds: [w.insurer.id], opensAt: inDays(-30), closesAt: inDays(1) });
    await w.createCase({ roundId: round.id });
    const before = (await remindersFor(w.people.firm.email)).length;
    await remindRoundsClosing(t.app);
    const moved = await t.api.patch(`/rounds/${round.id}`, { closesAt: inDays(2.5).toISOString() }, w.tokens.admin);
    expect(moved.status).toBe(200);
    await remindRoundsClosing(t.app);
    expect((await remindersFor(w.people.firm.email)).length).toBe(before + 2);
  });
});
