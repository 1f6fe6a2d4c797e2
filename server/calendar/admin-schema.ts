// The answers of GET and PUT /admin/calendar/:year (admin.ts), for the OpenAPI document.
import { z } from 'zod';
import { ownerKinds } from '../../db/schema/owners';
import { dateOut, idOut, instantOut } from '../domain/formats';

const yearShape = {
  year: z.int(),
  published: z.boolean().meta({ description: "the State Council's schedule of the year is complete; until then deadlines over it stay provisional" }),
  days: z
    .array(
      z.strictObject({
        date: dateOut('the day'),
        kind: z.enum(['holiday', 'workday']).meta({ description: 'holiday: a weekday off; workday: a weekend day worked (调休上班)' }),
        name: z.string().nullable().meta({ description: 'the festival', example: '春节' }),
        source: z.enum(['official', 'admin']).meta({ description: 'loaded from the official schedule, or set by an administrator' }),
      }),
    )
    .meta({ description: 'departures from the Mon–Fri rule, by date' }),
};

export const calendarYearViewSchema = z.strictObject(yearShape).meta({ id: 'CalendarYearSchedule' });

export const calendarYearReplacedSchema = z
  .strictObject({
    ...yearShape,
    recomputed: z
      .array(
        z.strictObject({
          clockId: idOut('the deadline'),
          ownerKind: z.enum(ownerKinds).meta({ description: 'what the deadline belongs to: a case, a notice, a batch, a claim' }),
          ownerId: idOut('its owner'),
          caseId: idOut('its case, when a case owns it').optional(),
          kind: z.string(),
          from: dateOut('due date before'),
          to: dateOut('due date now'),
          provisional: z.boolean(),
        }),
      )
      .meta({ description: 'running deadlines the new schedule moved' }),
    changedBy: z.strictObject({ id: z.uuid(), name: z.string(), email: z.string() }),
    changedAt: instantOut('when'),
  })
  .meta({ id: 'CalendarYearReplaced' });
