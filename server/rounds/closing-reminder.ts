import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import type { AppContext } from '../context';
import type { RoundVars } from '../mail/templates';
import { enqueueEmail } from '../mail/enqueue';

const LEAD_MS = 3 * 24 * 3_600_000;

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
          closesAt: round.closesAt.toISOString(),
          draftCount: String(r.drafts),
          link: `${app.env.PUBLIC_URL ?? `http://localhost:${app.env.PORT}`}/cases?state=draft&roundId=${round.id}`,
        };
        const owner = { kind: 'round', id: round.id } as const;
        await enqueueEmail(tx, { to: r.email, recipientUserId: r.user_id, template: 'round.closing', data, now, owner, inApp: true });
        told++;
      }
      await tx.update(rounds).set({ closingReminderSentAt: now }).where(eq(rounds.id, round.id));
    }
    return told;
  });
}
