import { and, eq, or, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { emailDeliveries, notifications, outbox, users } from '../../db/schema';
import type { Statement } from '../../db/shapes';
import { batchedWritesOf } from './batched-writes';
import { write, writeOutbox } from './pending';
import { isTemplateName, render, type CaseVars, type TemplateName } from '../mail/templates';
import { enqueueEmails } from '../mail/enqueue';
import { resolveRecipients } from './recipients';
import type { EffectScope } from './scope';

export interface NotifyParams {
  template: TemplateName;
  to: readonly string[];
  /** the assignee whose clock the message is about, for the `assignee` group */
  assigneeId?: string | null;
  reason?: string;
  dueOn?: string;
  /** further words a template declares beyond the case's (a deadline's name in each language) */
  vars?: Readonly<Record<string, string>>;
}

/** Writes the in-app notification, one email delivery per person, and the outbox rows that send them. */
export async function notify(s: EffectScope, p: NotifyParams): Promise<void> {
  if (!isTemplateName(p.template)) throw new Error(`unknown email template ${p.template}`);
  // no group (a clock escalated to nobody) is nobody: an `or` of no conditions is no condition at all
  if (p.to.length === 0) return;
  const data = caseVarsFor(s, p);
  // one owner's transition: who the groups are is asked by the statement that writes to them
  if (!batchedWritesOf(s.tx)) return write(s, toGroupsStatement(s, p, data));
  const recipients = await resolveRecipients(s, p.to, { assigneeId: p.assigneeId });
  await enqueueEmails(
    s.tx,
    recipients.map((r) => ({ to: r.email, recipientUserId: r.id, template: p.template, data, now: s.now, owner: s.owner, inApp: true })),
    { write: (w) => write(s, w), outboxWriter: (rows) => writeOutbox(s, rows) },
  );
}

const dialect = new PgDialect();

/**
 * The emails of one `notify`, and their in-app notifications and outbox rows, as one statement that
 * finds the active people of the groups itself (each once, as resolveRecipients does): nothing of
 * the transition waits for a read of who they are. Every person gets the same words (the message
 * is rendered once); each delivery its own id and Message-ID.
 */
function toGroupsStatement(s: EffectScope, p: NotifyParams, data: Record<string, string>): Statement {
  const condition = and(eq(users.active, true), or(...p.to.map((group) => s.recipients(group, { assigneeId: p.assigneeId }))));
  const rendered = render(p.template, data);
  const now = s.now.toISOString();
  const json = JSON.stringify(data);
  const query = sql`with r as (select ${users.id} as user_id, ${users.email} as email from ${users} where ${condition}),
    d as (
      insert into ${emailDeliveries} (id, message_id, recipient_user_id, to_address, template, data, subject, created_at, next_attempt_at, owner_kind, owner_id)
      select x.id, '<' || x.id || '@firstbatch.local>', x.user_id, x.email, ${p.template}, ${json}::jsonb, ${rendered.subject}, ${now}::timestamptz, ${now}::timestamptz, ${s.owner.kind}, ${s.owner.id}::uuid
      from (select gen_random_uuid() as id, r.user_id, r.email from r) as x
      returning id),
    n as (
      insert into ${notifications} (user_id, template, title, body, data, created_at, owner_kind, owner_id)
      select r.user_id, ${p.template}, ${rendered.titleZh}, ${rendered.bodyZh}, ${json}::jsonb, ${now}::timestamptz, ${s.owner.kind}, ${s.owner.id}::uuid from r)
    insert into ${outbox} (topic, payload, created_at) select 'email', jsonb_build_object('deliveryId', d.id), ${now}::timestamptz from d`;
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { key: text, text, params, alone: true };
}

// an owner's own words (a notice's number) travel beside the case words its templates may use
function caseVarsFor(s: EffectScope, p: NotifyParams): CaseVars & Record<string, string> {
  const { caseNumber = '', firmName = '', materialName = '', link = '' } = s.mailVars;
  return { ...s.mailVars, ...p.vars, caseNumber, firmName, materialName, link, reason: p.reason ?? '', dueOn: p.dueOn ?? '' };
}
