import { randomUUID } from 'node:crypto';
import { emailDeliveries, notifications } from '../../db/schema';
import { writeOutbox } from './pending';
import { render, isTemplateName, type CaseVars, type TemplateName } from '../mail/templates';
import { resolveRecipients } from './recipients';
import type { EffectScope } from './scope';

export interface NotifyParams {
  template: TemplateName;
  to: readonly string[];
  /** the assignee whose clock the message is about, for the `assignee` group */
  assigneeId?: string | null;
  reason?: string;
  dueOn?: string;
}

/** Writes the in-app notification, one email delivery per person, and the outbox rows that send them. */
export async function notify(s: EffectScope, p: NotifyParams): Promise<void> {
  if (!isTemplateName(p.template)) throw new Error(`unknown email template ${p.template}`);
  const recipients = await resolveRecipients(s, p.to, { assigneeId: p.assigneeId });
  if (recipients.length === 0) return;
  const data = caseVarsFor(s, p);
  const rendered = render(p.template, data);
  const deliveries = recipients.map((r) => {
    const id = randomUUID();
    return {
      id,
      messageId: `<${id}@firstbatch.local>`,
      ownerKind: s.owner.kind,
      ownerId: s.owner.id,
      recipientUserId: r.id,
      toAddress: r.email,
      template: p.template,
      data,
      subject: rendered.subject,
      createdAt: s.now,
      nextAttemptAt: s.now,
    };
  });
  await s.tx.insert(emailDeliveries).values(deliveries);
  await s.tx.insert(notifications).values(
    recipients.map((r) => ({ userId: r.id, ownerKind: s.owner.kind, ownerId: s.owner.id, template: p.template, title: rendered.titleZh, body: rendered.bodyZh, data, createdAt: s.now })),
  );
  await writeOutbox(s, deliveries.map((d) => ({ topic: 'email', payload: { deliveryId: d.id }, createdAt: s.now })));
}

// an owner's own words (a notice's number) travel beside the case words its templates may use
function caseVarsFor(s: EffectScope, p: NotifyParams): CaseVars & Record<string, string> {
  const { caseNumber = '', firmName = '', materialName = '', link = '' } = s.mailVars;
  return { ...s.mailVars, caseNumber, firmName, materialName, link, reason: p.reason ?? '', dueOn: p.dueOn ?? '' };
}
