import type { Router } from 'express';
import type { AppContext } from '../../context';
import { calendarYearBody, calendarYearParams, readCalendarYear, replaceCalendarYear } from '../../calendar/admin';
import { calendarYearReplacedSchema, calendarYearViewSchema } from '../../calendar/admin-schema';
import { mount } from '../route';

export function calendarRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'get',
    path: '/admin/calendar/:year',
    operationId: 'getCalendarYear',
    summary: "A year's working-day schedule: weekdays off and weekend days worked (admin, provincial)",
    tags: ['admin'],
    auth: 'user',
    roles: ['admin', 'provincial'],
    params: calendarYearParams,
    ok: { status: 200, description: 'the year, whether its schedule is published, and its days', schema: calendarYearViewSchema },
    errors: [403],
    handler: async ({ ctx, params }) => readCalendarYear(ctx, params.year),
  });
  mount(router, app, {
    method: 'put',
    path: '/admin/calendar/:year',
    operationId: 'replaceCalendarYear',
    summary: "Replace a year's working-day schedule (admin); running deadlines it moves are recounted and re-armed",
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    params: calendarYearParams,
    body: calendarYearBody,
    ok: { status: 200, description: 'the stored schedule, the deadlines that moved, and who changed it', schema: calendarYearReplacedSchema },
    errors: [403, 422],
    handler: async ({ ctx, params, body }) => replaceCalendarYear(ctx, params.year, body),
  });
}
