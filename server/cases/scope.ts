import { and, arrayContains, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { users } from '../../db/schema';
import type { AppContext } from '../context';
import { groupedYuan } from '../domain/money';
import type { CalendarData } from '../calendar/workdays';
import { RECIPIENT_GROUPS, type RecipientGroup } from '../../workflows/case/types';
import type { CaseRow, EffectScope, RoundRow } from '../engine/scope';
import type { PendingWrites } from '../engine/pending';
import { caseClocks } from '../../workflows/case/clocks';

export interface CaseScopeInput {
  tx: Tx;
  app: AppContext;
  row: CaseRow;
  round: RoundRow;
  /** read with the case lock, for the email texts */
  firmName: string;
  now: Date;
  calendar: CalendarData;
  actorId: string | null;
  pending?: PendingWrites;
}

/** What the engine's effects need to know about a case. */
export function caseScope(i: CaseScopeInput): EffectScope {
  const base = i.app.env.PUBLIC_URL ?? `http://localhost:${i.app.env.PORT}`;
  return {
    tx: i.tx,
    app: i.app,
    owner: { kind: 'case', id: i.row.id },
    now: i.now,
    calendar: i.calendar,
    actorId: i.actorId,
    pending: i.pending,
    clockLengths: i.round.clockLengths,
    clocks: caseClocks,
    groups: RECIPIENT_GROUPS,
    recipients: (group, about) => caseRecipients(i.row, asGroup(group), about?.assigneeId ?? null),
    recipientsKey: (group, about) => caseRecipientsKey(i.row, asGroup(group), about?.assigneeId ?? null),
    mailVars: {
      caseNumber: i.row.number,
      firmName: i.firmName,
      materialName: i.row.material.name ?? '',
      policyNumber: i.row.policy.number ?? '',
      subsidy: i.row.subsidyFen === null ? '' : groupedYuan(i.row.subsidyFen),
      link: `${base}/cases/${i.row.id}`,
    },
  };
}

// Recipients are resolved inside the transition's transaction, so they are the people in office
// when the event happened, and the delivery rows record exactly who was told.
function caseRecipients(c: CaseRow, group: RecipientGroup, assigneeId: string | null): SQL {
  switch (group) {
    case 'assignee':
      return assigneeId ? eq(users.id, assigneeId) : sql`false`;
    case 'firm':
      return and(eq(users.enterpriseId, c.enterpriseId), arrayContains(users.roles, ['firm'])) ?? sql`false`;
    case 'municipalReviewers':
      return and(eq(users.city, c.city), arrayContains(users.roles, ['municipal'])) ?? sql`false`;
    case 'provincialReviewers':
      return arrayContains(users.roles, ['provincial']);
    case 'finance':
      return arrayContains(users.roles, ['finance']);
    case 'insurer':
      return c.insurerId ? (and(eq(users.insurerId, c.insurerId), arrayContains(users.roles, ['insurer'])) ?? sql`false`) : sql`false`;
    default: {
      // a group added to the type but not here fails to compile; at run time it mails nobody
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}

// what caseRecipients' condition for the group depends on, and nothing else: the same text exactly
// when the condition is the same
function caseRecipientsKey(c: CaseRow, group: RecipientGroup, assigneeId: string | null): string {
  switch (group) {
    case 'assignee':
      return `assignee:${assigneeId ?? ''}`;
    case 'firm':
      return `firm:${c.enterpriseId}`;
    case 'municipalReviewers':
      return `municipalReviewers:${c.city}`;
    case 'provincialReviewers':
      return 'provincialReviewers';
    case 'finance':
      return 'finance';
    case 'insurer':
      return `insurer:${c.insurerId ?? ''}`;
    default: {
      const unknown: never = group;
      throw new Error(`no recipients defined for group ${String(unknown)}`);
    }
  }
}

function asGroup(group: string): RecipientGroup {
  const known = RECIPIENT_GROUPS.find((g) => g === group);
  if (!known) throw new Error(`no recipients defined for group ${group}`);
  return known;
}
