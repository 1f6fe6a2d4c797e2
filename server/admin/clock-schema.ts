// The answers of GET and POST /admin/clock (clock.ts), for the OpenAPI document.
import { z } from 'zod';
import { instantOut } from '../domain/formats';

export const clockReadSchema = z
  .strictObject({
    now: instantOut("the system clock's current instant"),
    offsetMs: z.int().meta({ description: 'how far it is ahead of real time, in milliseconds' }),
  })
  .meta({ id: 'SystemClock' });

export const clockMovedSchema = z.strictObject({ now: instantOut("the system clock's new instant") }).meta({ id: 'SystemClockMoved' });
