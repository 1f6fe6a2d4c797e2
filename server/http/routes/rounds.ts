import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { roundCreateSchema, roundPatchSchema } from '../../rounds/schema';
import { createRound } from '../../rounds/create';
import { updateRound } from '../../rounds/update';
import { getRound, listRoundChanges, listRounds } from '../../rounds/list';
import { createInsurer, insurerCreateSchema } from '../../insurers/create';
import { listInsurers } from '../../insurers/list';
import { roundChangesSchema, roundListSchema, roundViewSchema } from '../../rounds/view-schema';
import { insurerListSchema, insurerSchema } from '../../insurers/schema';
import { mount, reply } from '../route';

const idParams = z.object({ id: z.uuid({ error: 'not a round id' }).toLowerCase() });

export function roundsRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'get',
    path: '/rounds',
    operationId: 'listRounds',
    summary: 'Application rounds and their rule parameters, latest opening first',
    tags: ['rounds'],
    auth: 'user',
    ok: { status: 200, description: 'rounds', schema: roundListSchema },
    handler: async ({ ctx }) => listRounds(ctx),
  });
  mount(router, app, {
    method: 'get',
    path: '/rounds/:id',
    operationId: 'getRound',
    summary: 'One round and its rule parameters',
    tags: ['rounds'],
    auth: 'user',
    params: idParams,
    ok: { status: 200, description: 'the round', schema: roundViewSchema },
    errors: [404],
    handler: async ({ ctx, params }) => getRound(ctx, params.id),
  });
  mount(router, app, {
    method: 'post',
    path: '/rounds',
    operationId: 'createRound',
    summary: 'Open a round (admin); parameters left out take the SPEC defaults',
    tags: ['rounds'],
    auth: 'user',
    roles: ['admin'],
    body: roundCreateSchema,
    ok: { status: 201, description: 'the new round', schema: roundViewSchema },
    errors: [403, 422],
    handler: async ({ ctx, body }) => {
      const view = await createRound(ctx, body);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/rounds/${view.id}` } });
    },
  });
  mount(router, app, {
    method: 'patch',
    path: '/rounds/:id',
    operationId: 'updateRound',
    summary: 'Change a round (admin); after submissions, rule changes need a reason and are versioned',
    tags: ['rounds'],
    auth: 'user',
    roles: ['admin'],
    params: idParams,
    body: roundPatchSchema,
    ok: { status: 200, description: 'the changed round', schema: roundViewSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body }) => updateRound(ctx, params.id, body),
  });
  mount(router, app, {
    method: 'get',
    path: '/rounds/:id/changes',
    operationId: 'listRoundChanges',
    summary: "A round's recorded rule changes, oldest first (admin, provincial)",
    tags: ['rounds'],
    auth: 'user',
    roles: ['admin', 'provincial'],
    params: idParams,
    ok: { status: 200, description: 'changes with before/after values and reasons', schema: roundChangesSchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => listRoundChanges(ctx, params.id),
  });
  mount(router, app, {
    method: 'get',
    path: '/insurers',
    operationId: 'listInsurers',
    summary: 'Insurers known to the programme',
    tags: ['insurers'],
    auth: 'user',
    ok: { status: 200, description: 'insurers', schema: insurerListSchema },
    handler: async ({ ctx }) => listInsurers(ctx),
  });
  mount(router, app, {
    method: 'post',
    path: '/insurers',
    operationId: 'createInsurer',
    summary: 'Add an insurer (admin)',
    tags: ['insurers'],
    auth: 'user',
    roles: ['admin'],
    body: insurerCreateSchema,
    ok: { status: 201, description: 'the new insurer', schema: insurerSchema },
    errors: [403, 409],
    handler: async ({ ctx, body }) => reply({ status: 201, body: await createInsurer(ctx, body) }),
  });
}
