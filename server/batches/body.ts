import { z } from 'zod';
import { BATCH_EVENT_TYPES, batchEvents, type BatchEventType } from '../../workflows/batch/events';

type Defs = typeof batchEvents;
type Sendable = { [K in BatchEventType]: Defs[K] extends { systemOnly: true } ? never : K }[BatchEventType];
type Payload<K extends BatchEventType> = [keyof Defs[K]['payload']] extends [never] ? Record<never, never> : z.output<z.ZodObject<Defs[K]['payload']>>;
/** What a finance user sends to POST /disbursements/:id/events: every event of the chart but CREATE. */
export type BatchEventBody = { [K in Sendable]: { type: K } & Payload<K> }[Sendable];

const sendable = BATCH_EVENT_TYPES.filter((t): t is Sendable => !('systemOnly' in batchEvents[t]));
const [first, ...rest] = sendable.map((t) => z.strictObject({ type: z.literal(t), ...batchEvents[t].payload }));
if (!first) throw new Error('the batch workflow has no event a person may send');

export const batchEventBodySchema = (z.discriminatedUnion('type', [first, ...rest]) as unknown as z.ZodType<BatchEventBody>).meta({ id: 'DisbursementBatchEvent' });
