import type { Router } from 'express';
import { z } from 'zod';
import { CLAIMER_ROLES, claimTask, releaseTask } from '../../tasks/claim';
import { EXPERT_LIST_READERS, expertListSchema, expertsQuerySchema, listExperts } from '../../experts/list';
import type { AppContext } from '../../context';
import { cities } from '../../domain/cities';
import { listPublicEditions } from '../../catalogue/public-editions';
import { verifyBatchHistory, verifyCaseHistory, verifyClaimHistory, verifyNoticeHistory } from '../../audit/verify';
import { clockMoveSchema, moveClock, readClock } from '../../admin/clock';
import { listNotifications } from '../../notifications/list';
import { listTasks, tasksQuerySchema } from '../../tasks/list';
import { clockMovedSchema, clockReadSchema } from '../../admin/clock-schema';
import { chainReportSchema } from '../../audit/schema';
import { publishedEditionListSchema } from '../../catalogue/view-schema';
import { notificationListSchema, notificationParams, notificationReadSchema, notificationsMarkedSchema, notificationsQuerySchema } from '../../notifications/schema';
import { markAllNotificationsRead, markNotificationRead } from '../../notifications/read';
import { cityListSchema } from '../../reference/schema';
import { taskClaimedSchema, taskListSchema } from '../../tasks/schema';
import { mount, reply } from '../route';

export function miscRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'get',
    path: '/cities',
    operationId: 'listCities',
    summary: 'The cities of the province (GB/T 2260 codes)',
    tags: ['reference'],
    auth: 'public',
    ok: { status: 200, description: 'cities', schema: cityListSchema },
    handler: async () => ({ items: [...cities] }),
  });
  mount(router, app, {
    method: 'get',
    path: '/catalogue/editions',
    operationId: 'listCatalogueEditions',
    summary: 'Published catalogue editions, and those they superseded (still searchable)',
    description:
      'Each edition says whether it is the current one (searched when GET /catalogue/entries names none: the newest whose effective date has come) and, once superseded, which edition superseded it.',
    tags: ['catalogue'],
    auth: 'public',
    ok: { status: 200, description: 'editions', schema: publishedEditionListSchema },
    handler: async () => ({ items: await listPublicEditions(app) }),
  });
  mount(router, app, {
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyCaseHistory',
    summary: "Check a case's, a public notice's, a claim's or a disbursement batch's hash-chained history",
    description:
      'Name exactly one of caseId, noticeId, claimId and batchId. A notice is checked by provincial reviewers, a claim by those who see it (its firm, the policy’s insurer, the reviewers), a batch by finance and provincial reviewers; to anyone else they answer 404.',
    tags: ['audit'],
    auth: 'user',
    query: z
      .strictObject({ caseId: z.uuid().toLowerCase().optional(), noticeId: z.uuid().toLowerCase().optional(), claimId: z.uuid().toLowerCase().optional(), batchId: z.uuid().toLowerCase().optional() })
      .refine((q) => [q.caseId, q.noticeId, q.claimId, q.batchId].filter((id) => id !== undefined).length === 1, 'name exactly one of caseId, noticeId, claimId and batchId'),
    ok: { status: 200, description: 'whether the chain is intact, and where it breaks', schema: chainReportSchema },
    errors: [404],
    handler: async ({ ctx, query }) => {
      if (query.noticeId) return verifyNoticeHistory(ctx, query.noticeId);
      if (query.claimId) return verifyClaimHistory(ctx, query.claimId);
      if (query.batchId) return verifyBatchHistory(ctx, query.batchId);
      return verifyCaseHistory(ctx, query.caseId ?? '');
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/experts',
    operationId: 'listExperts',
    summary: 'Active experts to assign, with any conflict of interest on a case',
    tags: ['cases'],
    auth: 'user',
    roles: EXPERT_LIST_READERS,
    query: expertsQuerySchema,
    ok: { status: 200, description: 'experts, by name (at most 200; narrow with q)', schema: expertListSchema },
    errors: [404],
    handler: async ({ ctx, query }) => listExperts(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    summary: 'My inbox: cases, insurance claims and disbursement batches waiting for me, soonest deadline first, overdue ones marked',
    tags: ['cases'],
    auth: 'user',
    query: tasksQuerySchema,
    ok: { status: 200, description: 'a page of tasks and the cursor of the next', schema: taskListSchema },
    handler: async ({ ctx, query }) => listTasks(ctx, query),
  });
  const claimParams = z.strictObject({ caseId: z.uuid({ error: 'not a case id' }).toLowerCase() });
  mount(router, app, {
    method: 'post',
    path: '/tasks/:caseId/claim',
    operationId: 'claimTask',
    summary: 'Take a case from the shared inbox, so the others see who has it',
    tags: ['cases'],
    auth: 'user',
    roles: CLAIMER_ROLES,
    params: claimParams,
    ok: { status: 200, description: 'the task is yours', schema: taskClaimedSchema },
    errors: [404, 409],
    handler: async ({ ctx, params }) => claimTask(ctx, params.caseId),
  });
  mount(router, app, {
    method: 'delete',
    path: '/tasks/:caseId/claim',
    operationId: 'releaseTask',
    summary: 'Give back a task you took',
    tags: ['cases'],
    auth: 'user',
    roles: CLAIMER_ROLES,
    params: claimParams,
    ok: { status: 204, description: 'released' },
    errors: [404],
    handler: async ({ ctx, params }) => {
      await releaseTask(ctx, params.caseId);
      return reply({ status: 204 });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/notifications',
    operationId: 'listNotifications',
    summary: 'My in-app notifications, newest first',
    tags: ['notifications'],
    auth: 'user',
    query: notificationsQuerySchema,
    ok: { status: 200, description: 'notifications', schema: notificationListSchema },
    errors: [400],
    handler: async ({ ctx, query }) => listNotifications(ctx, query),
  });
  mount(router, app, {
    method: 'post',
    path: '/notifications/:id/read',
    operationId: 'markNotificationRead',
    summary: 'Mark one of my notifications read',
    description: 'Marking a read notification again keeps the time it was first read. Another person’s notification answers 404.',
    tags: ['notifications'],
    auth: 'user',
    params: notificationParams,
    ok: { status: 200, description: 'read', schema: notificationReadSchema },
    errors: [404],
    handler: async ({ ctx, params }) => markNotificationRead(ctx, params.id),
  });
  mount(router, app, {
    method: 'post',
    path: '/notifications/read',
    operationId: 'markAllNotificationsRead',
    summary: 'Mark all my notifications read',
    tags: ['notifications'],
    auth: 'user',
    ok: { status: 200, description: 'how many were unread', schema: notificationsMarkedSchema },
    handler: async ({ ctx }) => markAllNotificationsRead(ctx),
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
