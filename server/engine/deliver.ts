import { eq, and } from 'drizzle-orm';
import { z } from 'zod';
import { eventReceipts, ownerKinds } from '../../db/schema';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { workflowFor } from '../workflows';
import { applyEvent } from './transition';
import type { EngineEvent } from './workflow';

export const deliveryPayload = z.strictObject({
  eventId: z.uuid(),
  from: z.strictObject({ kind: z.enum(ownerKinds), id: z.uuid() }),
  to: z.strictObject({ kind: z.enum(ownerKinds), ids: z.array(z.uuid()).min(1).max(5000) }),
  event: z.looseObject({ type: z.string().min(1) }),
});
export type Delivery = z.output<typeof deliveryPayload>;

/**
 * Hands an event one aggregate emitted to each receiver, as the system, in one transaction and in
 * id order (the order every multi-row lock in the engine takes). A receipt per receiver makes a
 * second run of the same job a no-op; a receiver that has moved on refuses in a savepoint, and the
 * refusal is its receipt's outcome — the others still take the event.
 */
export async function deliverEvent(app: AppContext, d: Delivery): Promise<{ applied: number; refused: number }> {
  const workflow = workflowFor(app, d.to.kind);
  const { type, ...fields } = d.event;
  return app.db.transaction(async (tx) => {
    let applied = 0;
    let refused = 0;
    for (const id of [...d.to.ids].sort()) {
      const now = app.clock.now();
      const [fresh] = await tx
        .insert(eventReceipts)
        .values({ eventId: d.eventId, ownerKind: d.to.kind, ownerId: id, senderKind: d.from.kind, senderId: d.from.id, eventType: type, outcome: 'pending', receivedAt: now })
        .onConflictDoNothing()
        .returning({ eventId: eventReceipts.eventId });
      if (!fresh) continue;
      let outcome = 'applied';
      // the receiver's machine names what it accepts; anything else is refused like any event
      const event: EngineEvent = Object.assign({ ...fields, from: d.from }, { type, meta: { at: now.toISOString(), actorId: null, role: 'system' } });
      try {
        await tx.transaction((sp) =>
          applyEvent(sp, app, workflow, {
            id,
            user: null,
            requestId: `event:${d.eventId}`,
            event,
          }),
        );
        applied++;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        outcome = `refused: ${err.message}`;
        refused++;
        app.log.info({ eventId: d.eventId, type, ownerKind: d.to.kind, ownerId: id, reason: err.message }, 'an emitted event no longer applies to its receiver');
      }
      await tx.update(eventReceipts).set({ outcome }).where(and(eq(eventReceipts.eventId, d.eventId), eq(eventReceipts.ownerId, id)));
    }
    return { applied, refused };
  });
}
