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
    .meta({ description: 'departures from the Mon–Fri rule, by date; counted only once the year is published' }),
  provisional: z.boolean().meta({
    description:
      'true while the schedule is not published: deadlines over the year are counted on statutoryDays instead of days, marked provisional, and recounted when the schedule is published',
  }),
  statutoryDays: z
    .array(
      z.strictObject({
        date: dateOut('the day'),
        kind: z.literal('holiday'),
        name: z.string().nullable().meta({ description: 'the festival, or the festival whose weekend day it stands in for (补假)', example: '春节' }),
      }),
    )
    .meta({
      description:
        'the statutory holidays of the national holiday law (元旦, 春节 除夕–初三, 清明, 劳动节, 端午, 中秋, 国庆节, and a weekday in lieu of each that falls on a weekend), without the yearly make-up working days, that deadlines use while provisional; empty once the year is published',
    }),
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
