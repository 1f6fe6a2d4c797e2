import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client';
import { emailDeliveries, outbox } from '../../db/schema';
import { render, type TemplateName } from './templates';
import type { OutboxMessage } from '../jobs/registry';

export interface EmailToSend {
  to: string;
  /** the account it goes to, when the address has one */
  recipientUserId?: string;
  template: TemplateName;
  data: Record<string, string>;
  now: Date;
}

/**
 * One email that is not about a case: its delivery row and the outbox row that sends it, in the
 * caller's transaction, so that it leaves exactly when what it tells of is committed.
 */
export async function enqueueEmail(tx: Tx, e: EmailToSend): Promise<void> {
  const id = randomUUID();
  const { subject } = render(e.template, e.data);
  await tx.insert(emailDeliveries).values({
    id,
    messageId: `<${id}@firstbatch.local>`,
    recipientUserId: e.recipientUserId ?? null,
    toAddress: e.to,
    template: e.template,
    data: e.data,
    subject,
    createdAt: e.now,
    nextAttemptAt: e.now,
  });
  await tx.insert(outbox).values({ topic: 'email', payload: { deliveryId: id }, createdAt: e.now } satisfies OutboxMessage & { createdAt: Date });
}
