import type { Router } from 'express';
import type { AppContext } from '../../context';
import { listUsers } from '../../admin/users/list';
import { getUser } from '../../admin/users/get';
import { createUser } from '../../admin/users/create';
import { updateUser } from '../../admin/users/update';
import { resendInvitation } from '../../admin/users/invite';
import { acceptInvitation } from '../../admin/users/accept';
import {
  invitationAcceptedSchema,
  invitationAcceptSchema,
  invitationSentSchema,
  invitationTokenParams,
  userCreateSchema,
  userDetailSchema,
  userIdParams,
  userListQuerySchema,
  userListSchema,
  userPatchSchema,
  userViewSchema,
} from '../../admin/users/schema';
import { mount, reply } from '../route';

// Staff accounts (SPEC §7): administrators open them, the emailed invitation activates them.
export function usersRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'get',
    path: '/admin/users',
    operationId: 'listUsers',
    summary: 'Accounts, newest first, by role and by a piece of name or email (admin)',
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    query: userListQuerySchema,
    ok: { status: 200, description: 'a page of accounts', schema: userListSchema },
    errors: [403],
    handler: async ({ ctx, query }) => listUsers(ctx, query),
  });
  mount(router, app, {
    method: 'post',
    path: '/admin/users',
    operationId: 'createUser',
    summary: 'Open a staff account and email its invitation (admin)',
    description: [
      'Roles are staff roles, never `firm` (firms register themselves); an administrator holds no other role.',
      'A municipal reviewer has exactly one `city`, insurer staff one `insurerId`, an expert an organisation (`organisationUscc`, `organisationName`); each is required with its role and refused without it (422, with reasons in English and Chinese).',
      'The account cannot sign in until its holder sets a password through the emailed link (valid 72 hours, single use). 409 when the email address has an account, whatever its letter case.',
    ].join(' '),
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    body: userCreateSchema,
    ok: { status: 201, description: 'the new account, status invited', schema: userViewSchema },
    errors: [403, 409, 422],
    handler: async ({ ctx, body }) => {
      const user = await createUser(ctx, body);
      return reply({ status: 201, body: user, headers: { Location: `/api/v1/admin/users/${user.id}` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/admin/users/:id',
    operationId: 'getUser',
    summary: 'An account with its latest invitation and its recorded changes (admin)',
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    params: userIdParams,
    ok: { status: 200, description: 'the account', schema: userDetailSchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => getUser(ctx, params.id),
  });
  mount(router, app, {
    method: 'patch',
    path: '/admin/users/:id',
    operationId: 'updateUser',
    summary: 'Change an account: roles, scope, affiliations, name, email, active (admin)',
    description: [
      'The scope rules of `POST /admin/users` hold for the account as it would be after the change; send `null` to remove a scope the new roles do not take.',
      '`active: false` ends every session of the user at once.',
      'A new `email` for an account not yet activated gets a new invitation; the link sent to the old address stops working.',
      'Nobody deactivates themselves or removes their own administrator role (422), and the last active administrator stays one (409).',
      "A firm user's roles and scope are fixed; only name, email and active change.",
    ].join(' '),
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    params: userIdParams,
    body: userPatchSchema,
    ok: { status: 200, description: 'the changed account', schema: userViewSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body }) => updateUser(ctx, params.id, body),
  });
  mount(router, app, {
    method: 'post',
    path: '/admin/users/:id/invitation',
    operationId: 'resendInvitation',
    summary: 'Email a new invitation link; the one sent before stops working (admin)',
    description: 'Only for an active account that has not set a password yet (409 otherwise).',
    tags: ['admin'],
    auth: 'user',
    roles: ['admin'],
    params: userIdParams,
    ok: { status: 202, description: 'the new link was queued for sending', schema: invitationSentSchema },
    errors: [403, 404, 409],
    handler: async ({ ctx, params }) => reply({ status: 202, body: await resendInvitation(ctx, params.id) }),
  });
  mount(router, app, {
    method: 'post',
    path: '/auth/invitations/:token',
    operationId: 'acceptInvitation',
    summary: 'Set the password of an invited staff account from the emailed link, which activates it',
    description:
      'The password policy of registration applies (422 with reasons). 404 for a link this server never sent; 410 for one already used, replaced by a newer invitation, withdrawn or older than 72 hours.',
    tags: ['auth'],
    auth: 'public',
    params: invitationTokenParams,
    body: invitationAcceptSchema,
    ok: { status: 200, description: 'the account, which can now sign in', schema: invitationAcceptedSchema },
    errors: [404, 410, 422],
    handler: async ({ ctx, params, body }) => acceptInvitation(app, params.token, body.password, ctx.requestId),
  });
}
