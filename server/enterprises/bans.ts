import { and, asc, eq, gte } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cases, enterprises, recoveries } from '../../db/schema';
import type { IsoDate } from '../calendar/workdays';
import type { User } from '../context';

/** Who is told of a firm's ban where they meet the firm: the firm itself, the reviewers, finance (who pay it). */
const TOLD: readonly string[] = ['firm', 'municipal', 'provincial', 'finance'];
export const toldOfBans = (user: User | null | undefined): boolean => user?.roles.some((r) => TOLD.includes(r)) ?? false;

export interface FirmBan {
  /** the last day of the ban (Asia/Shanghai), inclusive: SUBMIT and RESUBMIT are refused until it has passed */
  until: IsoDate;
  /** the recoveries that set it, the earliest first */
  recoveries: { caseId: string; number: string; reason: string; startedAt: string; bannedUntil: IsoDate }[];
}

/**
 * A firm's ban from the programme while it lasts (SPEC §1, START_RECOVERY): until when, and which
 * recoveries set it — what the firm, its reviewers and finance are shown wherever they meet the
 * firm (its profile, the firms list, its other cases), not only on the case that was recovered.
 * Null when the firm is not barred on `today` (the rule of server/cases/rules/eligibility.ts).
 */
export async function firmBanOf(db: DbOrTx, enterpriseId: string, today: IsoDate): Promise<FirmBan | null> {
  const [firm] = await db.select({ bannedUntil: enterprises.bannedUntil }).from(enterprises).where(eq(enterprises.id, enterpriseId));
  if (!firm?.bannedUntil || firm.bannedUntil < today) return null;
  const rows = await db
    .select({ caseId: recoveries.caseId, number: cases.number, reason: recoveries.reason, startedAt: recoveries.startedAt, bannedUntil: recoveries.bannedUntil })
    .from(recoveries)
    .innerJoin(cases, eq(cases.id, recoveries.caseId))
    .where(and(eq(cases.enterpriseId, enterpriseId), gte(recoveries.bannedUntil, today)))
    .orderBy(asc(recoveries.startedAt));
  return {
    until: firm.bannedUntil as IsoDate,
    recoveries: rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), bannedUntil: r.bannedUntil as IsoDate })),
  };
}
