import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { cities } from '../../domain/cities';
import { listPublishedEditions } from '../../reference/list';
import { verifyCaseHistory, verifyNoticeHistory } from '../../audit/verify';
import { clockMoveSchema, moveClock, readClock } from '../../admin/clock';
import { listNotifications } from '../../notifications/list';
import { listTasks, tasksQuerySchema } from '../../tasks/list';
import { clockMovedSchema, clockReadSchema } from '../../admin/clock-schema';
import { chainReportSchema } from '../../audit/schema';
import { publishedEditionListSchema } from '../../catalogue/view-schema';
import { notificationListSchema } from '../../notifications/schema';
import { cityListSchema } from '../../reference/schema';
import { taskListSchema } from '../../tasks/schema';
import { mount } from '../route';

export function miscRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'get',
    path: '/cities',
    operationId: 'listCities',
    summary: 'The cities of the province (GB/T 2260 codes)',
    tags: ['reference'],
    auth: 'public',
    ok: { status: 200, description: 'cities', schema: cityListSchema },
    handler: async () => ({ items: cities }),
  });
  mount(router, app, {
    method: 'get',
    path: '/catalogue/editions',
    operationId: 'listCatalogueEditions',
    summary: 'Published catalogue editions',
    tags: ['catalogue'],
    auth: 'public',
    ok: { status: 200, description: 'editions', schema: publishedEditionListSchema },
    handler: async () => ({ items: await listPublishedEditions(app) }),
  });
  mount(router, app, {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyCaseHistory',
    summary: "Check a case's or a public notice's hash-chained history",
    description: 'Name exactly one of caseId and noticeId. A notice is checked by provincial reviewers; to anyone else it answers 404.',
    tags: ['audit'],
    auth: 'user',
    query: z
      .strictObject({ caseId: z.uuid().optional(), noticeId: z.uuid().optional() })
      .refine((q) => (q.caseId === undefined) !== (q.noticeId === undefined), 'name exactly one of caseId and noticeId'),
    ok: { status: 200, description: 'whether the chain is intact, and where it breaks', schema: chainReportSchema },
    errors: [404],
    handler: async ({ ctx, query }) => (query.noticeId ? verifyNoticeHistory(ctx, query.noticeId) : verifyCaseHistory(ctx, query.caseId ?? '')),
  });
  mount(router, app, {
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    summary: 'My inbox: cases waiting for me, soonest deadline first, overdue ones marked',
    tags: ['cases'],
    auth: 'user',
    query: tasksQuerySchema,
    ok: { status: 200, description: 'a page of tasks and the cursor of the next', schema: taskListSchema },
    handler: async ({ ctx, query }) => listTasks(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/notifications',
    operationId: 'listNotifications',
    summary: 'My in-app notifications, newest first',
    tags: ['notifications'],
    auth: 'user',
    ok: { status: 200, description: 'notifications', schema: notificationListSchema },
    handler: async ({ ctx }) => listNotifications(ctx),
  });
  if (app.env.NODE_ENV !== 'production') {
    mount(router, app, {
      method: 'get',
      path: '/admin/clock',
      operationId: 'getClock',
      summary: 'Read the settable clock (not in production)',
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      ok: { status: 200, description: 'the current instant of the system clock', schema: clockReadSchema },
      errors: [403],
      handler: async ({ ctx }) => readClock(ctx),
    });
    mount(router, app, {
      method: 'post',
      path: '/admin/clock',
      operationId: 'moveClock',
      summary: 'Move the settable clock forward (not in production)',
      tags: ['admin'],
      auth: 'user',
      roles: ['admin'],
      body: clockMoveSchema,
      ok: { status: 200, description: 'the new instant', schema: clockMovedSchema },
      errors: [403],
      handler: async ({ ctx, body }) => moveClock(ctx, body),
    });
  }
}
