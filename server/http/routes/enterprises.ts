import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { registerEnterprise, registrationProblemsBeside } from '../../enterprises/register';
import { confirmRegistration } from '../../enterprises/confirm';
import { getEnterprise } from '../../enterprises/get';
import { assertMayEditEnterprise, updateEnterprise } from '../../enterprises/update';
import { listEnterpriseChanges } from '../../enterprises/changes';
import { enterpriseChangesSchema } from '../../enterprises/changes-schema';
import { ENTERPRISE_LIST_READERS, listEnterprises } from '../../enterprises/list';
import { enterpriseListQuerySchema, enterpriseListSchema } from '../../enterprises/list-schema';
import { enterprisePatchSchema, enterpriseSchema, registeredSchema, registerSchema, registrationConfirmationSchema, registrationPendingSchema } from '../../enterprises/schema';
import { mount, reply } from '../route';
import { throttle } from '../throttle';

const idParams = z.object({ id: z.uuid({ error: 'not an enterprise id' }).toLowerCase() });

export function enterprisesRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'post',
    path: '/enterprises/register',
    operationId: 'registerEnterprise',
    summary: 'Register a material firm and its first user; the user confirms by email',
    description: [
      'The answer never tells whether the email address already has an account.',
      'A registration that passes its checks answers 202 whether or not the address is taken, and the rest goes by email:',
      'a free address receives a link (valid 72 hours) whose token `POST /enterprises/register/confirm` takes to create the firm and its first user;',
      'an address that already has an account receives a notice instead, and nothing is created.',
      'Until the link is used nothing exists: the account cannot sign in and the USCC stays free.',
      'A USCC already registered answers 409 `enterprise.uscc_taken` whatever the email (firms are public knowledge, accounts are not).',
    ].join(' '),
    tags: ['enterprises'],
    auth: 'public',
    body: registerSchema,
    before: [throttle(app, 'register', app.env.REGISTRATIONS_PER_HOUR, 3600)],
    ok: { status: 202, description: 'accepted; the next step was sent to the email address', schema: registrationPendingSchema },
    errors: [409, 422, 429],
    // the USCC's check character and the password policy are said with the missing fields, all at once
    bodyProblems: ({ body, named }) => Promise.resolve(registrationProblemsBeside(body, named)),
    handler: async ({ body }) => registerEnterprise(app, body),
  });
  mount(router, app, {
    method: 'post',
    path: '/enterprises/register/confirm',
    operationId: 'confirmEnterpriseRegistration',
    summary: 'Confirm a registration with the token of its emailed link: creates the firm and its first user',
    description:
      'Works once, within 72 hours of the registration (404 after). 409 when the firm or the email address was registered meanwhile; only here, to the holder of the link, is the email named.',
    tags: ['enterprises'],
    auth: 'public',
    body: registrationConfirmationSchema,
    ok: { status: 201, description: 'the firm and its first user, who can now sign in', schema: registeredSchema },
    errors: [404, 409],
    handler: async ({ body }) => {
      const created = await confirmRegistration(app, body.token);
      return reply({ status: 201, body: created, headers: { Location: `/api/v1/enterprises/${created.enterprise.id}` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/enterprises',
    operationId: 'listEnterprises',
    summary: 'Firms the caller may read, newest registered first, with their applications counted',
    description:
      "A municipal reviewer lists the firms of their city, the province every firm: those whose profile GET /enterprises/{id} shows them. Each firm says whether its profile is complete and how many of its applications the caller sees (as GET /cases lists them), and how many of those are live.",
    tags: ['enterprises'],
    auth: 'user',
    roles: ENTERPRISE_LIST_READERS,
    query: enterpriseListQuerySchema,
    ok: { status: 200, description: 'a page of firms and the cursor of the next', schema: enterpriseListSchema },
    handler: async ({ ctx, query }) => listEnterprises(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/enterprises/:id',
    operationId: 'getEnterprise',
    summary: "A firm's profile, with what is still missing for SUBMIT",
    tags: ['enterprises'],
    auth: 'user',
    params: idParams,
    ok: { status: 200, description: 'the profile', schema: enterpriseSchema },
    errors: [404],
    handler: async ({ ctx, params }) => getEnterprise(ctx, params.id),
  });
  mount(router, app, {
    method: 'patch',
    path: '/enterprises/:id',
    operationId: 'updateEnterprise',
    summary: "Edit the firm's own profile (not its USCC or city)",
    tags: ['enterprises'],
    auth: 'user',
    params: idParams,
    authorize: ({ ctx, params }) => assertMayEditEnterprise(ctx, params.id),
    body: enterprisePatchSchema,
    ok: { status: 200, description: 'the edited profile', schema: enterpriseSchema },
    errors: [403, 404, 422],
    handler: async ({ ctx, params, body }) => updateEnterprise(ctx, params.id, body),
  });
  mount(router, app, {
    method: 'get',
    path: '/enterprises/:id/changes',
    operationId: 'listEnterpriseChanges',
    summary: 'Profile edits of a firm, newest first (who, when, before and after)',
    tags: ['enterprises'],
    auth: 'user',
    params: idParams,
    ok: { status: 200, description: 'the changes', schema: enterpriseChangesSchema },
    errors: [404],
    handler: async ({ ctx, params }) => listEnterpriseChanges(ctx, params.id),
  });
}
