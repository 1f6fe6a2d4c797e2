import { and, arrayContains, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { cases, noticeCases, notices, rounds, users } from '../../db/schema';
import type { AppContext } from '../context';
import type { EffectScope } from '../engine/scope';
import { NOTICE_RECIPIENT_GROUPS, noticeClocks, type NoticeRecipientGroup } from '../../workflows/notice/clocks';

export type NoticeRow = typeof notices.$inferSelect;

/** What the engine's effects need to know about a notice: its round's lengths, who its groups are, its words. */
export async function noticeScope(tx: Tx, app: AppContext, row: NoticeRow, now: Date, actorId: string | null): Promise<Omit<EffectScope, 'pending'>> {
  const [round] = await tx.select({ clockLengths: rounds.clockLengths }).from(rounds).where(eq(rounds.id, row.roundId));
  if (!round) throw new Error(`notice ${row.id} points at a missing round`);
  const [members] = await tx.select({ n: count() }).from(noticeCases).where(eq(noticeCases.noticeId, row.id));
  const base = app.env.PUBLIC_URL ?? `http://localhost:${app.env.PORT}`;
  return {
    tx,
    app,
    owner: { kind: 'notice', id: row.id },
    now,
    calendar: await app.calendar.get(tx),
    actorId,
    clockLengths: round.clockLengths,
    clocks: noticeClocks,
    groups: NOTICE_RECIPIENT_GROUPS,
    recipients: (group) => recipientsOf(row.id, asGroup(group)),
    mailVars: { noticeNumber: row.number, caseCount: String(members?.n ?? 0), closesOn: row.closesOn, link: `${base}/public/notices/${row.id}` },
  };
}

function recipientsOf(noticeId: string, group: NoticeRecipientGroup): SQL {
  switch (group) {
    case 'provincialReviewers':
      return arrayContains(users.roles, ['provincial']);
    case 'memberFirms': {
      const firms = sql`(select ${cases.enterpriseId} from ${cases} join ${noticeCases} on ${noticeCases.caseId} = ${cases.id} where ${noticeCases.noticeId} = ${noticeId})`;
      return and(inArray(users.enterpriseId, firms), arrayContains(users.roles, ['firm'])) ?? sql`false`;
    }
    default: {
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}

function asGroup(group: string): NoticeRecipientGroup {
  const known = NOTICE_RECIPIENT_GROUPS.find((g) => g === group);
  if (!known) throw new Error(`no recipients defined for group ${group}`);
  return known;
}
