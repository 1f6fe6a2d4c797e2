import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client';
import { emailDeliveries, notifications, outbox, type OwnerKind } from '../../db/schema';
import { render, type TemplateName } from './templates';
import type { OutboxMessage } from '../jobs/registry';

export interface EmailToSend {
  to: string;
  /** the account it goes to, when the address has one */
  recipientUserId?: string;
  template: TemplateName;
  data: Record<string, string>;
  now: Date;
  /** what it is about (a round, for its closing reminder), when anything */
  owner?: { kind: OwnerKind; id: string };
  /** also shown in the recipient's in-app notifications (needs `recipientUserId`) */
  inApp?: boolean;
}

/**
 * One email outside a workflow transition: its delivery row (and in-app notification) and the
 * outbox row that sends it, in the caller's transaction, so that it leaves exactly when what it
 * tells of is committed.
 */
export async function enqueueEmail(tx: Tx, e: EmailToSend): Promise<void> {
  const id = randomUUID();
  const rendered = render(e.template, e.data);
  const owner = e.owner ? { ownerKind: e.owner.kind, ownerId: e.owner.id } : {};
  await tx.insert(emailDeliveries).values({
    id,
    messageId: `<${id}@firstbatch.local>`,
    recipientUserId: e.recipientUserId ?? null,
    toAddress: e.to,
    template: e.template,
    data: e.data,
    subject: rendered.subject,
    createdAt: e.now,
    nextAttemptAt: e.now,
    ...owner,
  });
  if (e.inApp && e.recipientUserId) {
    await tx.insert(notifications).values({ userId: e.recipientUserId, template: e.template, title: rendered.titleZh, body: rendered.bodyZh, data: e.data, createdAt: e.now, ...owner });
  }
  await tx.insert(outbox).values({ topic: 'email', payload: { deliveryId: id }, createdAt: e.now } satisfies OutboxMessage & { createdAt: Date });
}
