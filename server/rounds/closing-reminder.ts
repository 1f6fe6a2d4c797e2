import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import { emailDeliveries, notifications, outbox, rounds } from '../../db/schema';
import type { AppContext } from '../context';
import { render, type RoundVars } from '../mail/templates';
import type { OutboxMessage } from '../jobs/registry';

const LEAD_MS = 3 * 24 * 3_600_000;
const beijing = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

interface Recipient extends Record<string, unknown> {
  user_id: string;
  email: string;
  drafts: number;
}

/**
 * SPEC §4, round closing: 3 days before `closesAt`, every firm user whose firm still has drafts in
 * the round is told once. Run by the minute's sweep; the round row lock and the sent mark make a
 * second run, in any process, a no-op.
 */
export async function remindRoundsClosing(app: AppContext): Promise<number> {
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(rounds)
      .where(and(isNull(rounds.closingReminderSentAt), gt(rounds.closesAt, now), lte(rounds.closesAt, new Date(now.getTime() + LEAD_MS))))
      .for('update', { skipLocked: true });
    let told = 0;
    for (const round of due) {
      const recipients = (await tx.execute(sql`
        select u.id as user_id, u.email, count(distinct c.id)::int as drafts
        from cases c join users u on u.enterprise_id = c.enterprise_id
        where c.round_id = ${round.id} and c.state = 'draft' and u.active and 'firm' = any(u.roles)
        group by u.id, u.email`)) as unknown as Recipient[];
      for (const r of recipients) {
        const data: RoundVars = {
          roundName: round.name,
          closesAt: beijing(round.closesAt),
          draftCount: String(r.drafts),
          link: `${app.env.PUBLIC_URL ?? `http://localhost:${app.env.PORT}`}/cases?state=draft&roundId=${round.id}`,
        };
        const message = render('round.closing', data);
        const id = randomUUID();
        await tx.insert(emailDeliveries).values({ id, messageId: `<${id}@firstbatch.local>`, recipientUserId: r.user_id, toAddress: r.email, template: 'round.closing', data, subject: message.subject, createdAt: now, nextAttemptAt: now });
        await tx.insert(notifications).values({ userId: r.user_id, template: 'round.closing', title: message.titleZh, body: message.bodyZh, data, createdAt: now });
        await tx.insert(outbox).values({ topic: 'email', payload: { deliveryId: id }, createdAt: now } satisfies OutboxMessage & { createdAt: Date });
        told++;
      }
      await tx.update(rounds).set({ closingReminderSentAt: now }).where(eq(rounds.id, round.id));
    }
    return told;
  });
}
