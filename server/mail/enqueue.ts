import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client';
import { emailDeliveries, notifications, outbox, type OwnerKind } from '../../db/schema';
import { render, type TemplateName } from './templates';
import type { OutboxMessage } from '../jobs/registry';
import { batchedWritesOf } from '../engine/batched-writes';
import { insertStatement, runStatements, type Statement } from '../../db/shapes';

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

/** How a transition's `notify` writes: its inserts gathered with the transition's other writes. */
export interface EmailWriters {
  /** makes (or gathers) one insert; by default at once */
  write?: (w: Statement) => Promise<unknown>;
  /** writes the outbox rows that send the emails; by default one insert through `write` */
  outboxWriter?: (rows: (OutboxMessage & { createdAt: Date })[]) => Promise<unknown>;
}

/**
 * Emails: their delivery rows (and in-app notifications) and the outbox rows that send them, in the
 * caller's transaction, so that they leave exactly when what they tell of is committed. The one
 * writer of emails: a transition's `notify` hands its outbox rows to the transition's pending
 * writes through `outboxWriter`; everything else writes them at once.
 */
export async function enqueueEmails(tx: Tx, emails: readonly EmailToSend[], via: EmailWriters = {}): Promise<void> {
  const { write = (w) => runStatements(tx, [w]), outboxWriter = (rows) => write(insertStatement(outbox, rows)) } = via;
  if (emails.length === 0) return;
  const rows = emails.map((e) => ({ e, id: randomUUID(), rendered: render(e.template, e.data), owner: e.owner ? { ownerKind: e.owner.kind, ownerId: e.owner.id } : {} }));
  const deliveries = rows.map(({ e, id, rendered, owner }) => ({
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
  }));
  const inApp = rows
    .filter(({ e }) => e.inApp && e.recipientUserId)
    .map(({ e, rendered, owner }) => ({ userId: e.recipientUserId ?? '', template: e.template, title: rendered.titleZh, body: rendered.bodyZh, data: e.data, createdAt: e.now, ...owner }));
  // many owners moved in one transaction: written with the others when the work is done (server/engine/batched-writes.ts)
  const batched = batchedWritesOf(tx);
  if (batched) {
    batched.addEmails(deliveries, inApp);
  } else {
    await write(insertStatement(emailDeliveries, deliveries));
    if (inApp.length > 0) await write(insertStatement(notifications, inApp));
  }
  await outboxWriter(rows.map(({ e, id }) => ({ topic: 'email', payload: { deliveryId: id }, createdAt: e.now })));
}

/** One email outside a workflow transition. */
export function enqueueEmail(tx: Tx, e: EmailToSend): Promise<void> {
  return enqueueEmails(tx, [e]);
}
