import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { NOTICE_PUBLISHERS, publishNotice, publishNoticeSchema } from '../../notices/publish';
import { listPublicNotices, publicNoticesQuerySchema } from '../../notices/list-public';
import { getPublicNotice } from '../../notices/get-public';
import { fileObjection, objectionSchema } from '../../notices/file-objection';
import { noticeHistoryOf } from '../../audit/verify';
import { noticeHistorySchema } from '../../audit/schema';
import { listObjections, OBJECTION_READERS } from '../../notices/list-objections';
import { noticeViewSchema, objectionListSchema, objectionReceiptSchema, publicNoticeListSchema, publicNoticeSchema } from '../../notices/view-schema';
import { throttle } from '../throttle';
import { mount, reply } from '../route';

const idParams = z.object({ id: z.uuid({ error: 'not a notice id' }).toLowerCase() });

export function noticesRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'post',
    path: '/notices',
    operationId: 'publishNotice',
    summary: 'Publish a public notice (公示) of cases awaiting it',
    description:
      'Every case must await the public notice and be on no other open notice; each one that cannot is named (422). The period starts the next working day and runs for the round’s notice working days.',
    tags: ['notices'],
    auth: 'user',
    roles: NOTICE_PUBLISHERS,
    body: publishNoticeSchema,
    ok: { status: 201, description: 'the published notice', schema: noticeViewSchema },
    errors: [403, 422],
    handler: async ({ ctx, body }) => {
      const view = await publishNotice(ctx, body);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/public/notices/${view.id}` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/notices/:id/history',
    operationId: 'getNoticeHistory',
    summary: 'Every accepted event of a public notice, oldest first',
    tags: ['notices'],
    auth: 'user',
    roles: ['provincial'],
    params: idParams,
    ok: { status: 200, description: 'the history', schema: noticeHistorySchema },
    errors: [404],
    handler: async ({ ctx, params }) => ({ items: (await noticeHistoryOf(ctx, params.id)).items }),
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/objections',
    operationId: 'listCaseObjections',
    summary: 'The objections filed against a case, with who filed them and their contact, oldest first',
    description: 'Personal data: for provincial reviewers, who resolve objections; 404 for a case they cannot see.',
    tags: ['notices'],
    auth: 'user',
    roles: OBJECTION_READERS,
    params: z.object({ id: z.uuid({ error: 'not a case id' }).toLowerCase() }),
    ok: { status: 200, description: 'the objections', schema: objectionListSchema },
    errors: [404],
    handler: async ({ ctx, params }) => listObjections(ctx, params.id),
  });
  mount(router, app, {
    method: 'get',
    path: '/public/notices',
    operationId: 'listPublicNotices',
    summary: 'Public notices, open and closed, newest first',
    tags: ['notices'],
    auth: 'public',
    query: publicNoticesQuerySchema,
    ok: { status: 200, description: 'a page of notices', schema: publicNoticeListSchema },
    handler: async ({ query }) => listPublicNotices(app, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/public/notices/:id',
    operationId: 'getPublicNotice',
    summary: 'One public notice and its cases (no personal data)',
    tags: ['notices'],
    auth: 'public',
    params: idParams,
    ok: { status: 200, description: 'the notice', schema: publicNoticeSchema },
    errors: [404],
    handler: async ({ params }) => getPublicNotice(app, params.id),
  });
  mount(router, app, {
    method: 'post',
    path: '/public/notices/:id/objections',
    operationId: 'fileObjection',
    summary: 'Object to a case on an open public notice (no account needed)',
    description: `Limited to ${app.env.OBJECTIONS_PER_HOUR} per client address and hour (429 with Retry-After beyond). With an email address as contact, the outcome is emailed.`,
    tags: ['notices'],
    auth: 'public',
    params: idParams,
    body: objectionSchema,
    ok: { status: 201, description: 'the objection, received', schema: objectionReceiptSchema },
    errors: [404, 422, 429],
    before: [throttle(app, 'objection', app.env.OBJECTIONS_PER_HOUR, 3600)],
    handler: async ({ ctx, params, body }) => reply({ status: 201, body: await fileObjection(app, params.id, body, ctx.requestId) }),
  });
}
