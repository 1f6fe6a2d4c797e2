import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { badRequest } from '../../errors';
import { caseCreateSchema, casePatchSchema, eventBodySchema } from '../../cases/body';
import { createCase } from '../../cases/create';
import { getCase } from '../../cases/get';
import { listCases, listQuerySchema } from '../../cases/list';
import { assertMayEditCase, updateCase } from '../../cases/update';
import { sendCaseEvent } from '../../cases/send-event';
import { rubricProblemsBeside } from '../../cases/score-check';
import { caseHistoryOf } from '../../audit/verify';
import { caseHistorySchema } from '../../audit/schema';
import { caseListSchema } from '../../cases/list-schema';
import { caseEventResultSchema, caseViewSchema } from '../../cases/view-schema';
import { mount, reply } from '../route';
import { ifMatchOf } from '../if-match';
import { caseSubsidyOf, subsidyViewSchema } from '../../cases/subsidy-view';

const idParams = z.object({ id: z.uuid({ error: 'not a case id' }).toLowerCase() });

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(header)) {
    throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters', [{ path: 'header.Idempotency-Key', message: 'invalid key' }]);
  }
  return header;
}

export function caseRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'post',
    path: '/cases',
    operationId: 'createCase',
    summary: 'Open a draft application',
    tags: ['cases'],
    auth: 'user',
    roles: ['firm'],
    body: caseCreateSchema,
    ok: { status: 201, description: 'the new draft', schema: caseViewSchema },
    errors: [403, 422],
    handler: async ({ ctx, body }) => {
      const view = await createCase(ctx, body);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/cases/${view.id}`, ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: 'Cases the caller may see, newest first',
    tags: ['cases'],
    auth: 'user',
    query: listQuerySchema,
    ok: { status: 200, description: 'a page of cases and the cursor of the next', schema: caseListSchema },
    handler: async ({ ctx, query }) => listCases(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id',
    operationId: 'getCase',
    summary: 'One case, with the events the caller may send now',
    tags: ['cases'],
    auth: 'user',
    params: idParams,
    ok: { status: 200, description: 'the case', schema: caseViewSchema },
    errors: [404],
    handler: async ({ ctx, params }) => {
      const view = await getCase(ctx, params.id);
      return reply({ body: view, headers: { ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'patch',
    path: '/cases/:id',
    operationId: 'updateCase',
    summary: 'Edit a draft or an application returned for revision',
    tags: ['cases'],
    auth: 'user',
    params: idParams,
    authorize: ({ ctx, params }) => assertMayEditCase(ctx, params.id),
    body: casePatchSchema,
    ok: { status: 200, description: 'the edited case', schema: caseViewSchema },
    errors: [403, 404, 409],
    handler: async ({ ctx, params, body, req }) => {
      const view = await updateCase(ctx, params.id, body, ifMatchOf(req.get('if-match')));
      return reply({ body: view, headers: { ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/cases/:id/events',
    operationId: 'sendCaseEvent',
    summary: 'Send a workflow event (submit, approve, return, …)',
    description:
      "A SCORE is checked against its schema (400) and against the rubric frozen on the case at assignment (422: a criterion missing, above its maximum or not the rubric's). A SCORE the schema refuses lists, for the expert who may score the case now, the rubric's problems too, in the same 400: every problem of the scores at once.",
    tags: ['cases'],
    auth: 'user',
    params: idParams,
    body: eventBodySchema,
    bodyProblems: ({ ctx, params, body, named }) => rubricProblemsBeside(ctx, params.id, body, named),
    ok: { status: 200, description: 'the new state, version and allowed events', schema: caseEventResultSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body, req }) => {
      const r = await sendCaseEvent(ctx, params.id, body, {
        ifMatch: ifMatchOf(req.get('if-match')),
        idempotencyKey: idempotencyKeyOf(req.get('idempotency-key')),
      });
      return reply({ body: r.body, headers: { ETag: `"${r.body.version}"`, ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}) } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/history',
    operationId: 'getCaseHistory',
    summary: 'Every accepted event of the case, oldest first',
    tags: ['cases'],
    auth: 'user',
    params: idParams,
    ok: { status: 200, description: 'the history', schema: caseHistorySchema },
    errors: [404],
    handler: async ({ ctx, params }) => ({ items: (await caseHistoryOf(ctx, params.id)).items }),
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/subsidy',
    operationId: 'getCaseSubsidy',
    summary: 'The subsidy of an approved case: the current amount, its derivation in figures and words, and every adjustment',
    tags: ['cases'],
    auth: 'user',
    roles: ['firm', 'municipal', 'provincial', 'finance'],
    params: idParams,
    ok: { status: 200, description: 'the subsidy', schema: subsidyViewSchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => caseSubsidyOf(ctx, params.id),
  });
}
