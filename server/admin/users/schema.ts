// Shapes of the staff account routes (SPEC §7 "Staff accounts"). Shape errors answer 400 here;
// the rules that need a reason in Chinese and English (roles, scope, USCCs) are checked by
// rules.ts and answer 422 with every reason at once.
import { z } from 'zod';
import { roles } from '../../../db/schema/accounts';
import { idOut, instantOut, nextCursorOut } from '../../domain/formats';
import { visibleText } from '../../domain/text';
import { normalUscc } from '../../domain/uscc';

const text = (max: number) => visibleText(1, max, 'required', '必填');
// checked by checkUscc in the service, which reports length, case and check character
const usccText = z.string().overwrite(normalUscc).max(64, 'a USCC has 18 characters');
const role = z.enum(roles);

const scope = {
  city: z.string().max(16).nullable().meta({ description: "a municipal reviewer's city: GB/T 2260 code, e.g. 330100; only for municipal" }),
  insurerId: z.uuid({ error: 'not an insurer id' }).toLowerCase().nullable().meta({ description: "insurer staff's company; only for insurer" }),
  organisationUscc: usccText.nullable().meta({ description: "an expert's organisation (USCC, for conflict detection); only for expert" }),
  organisationName: text(200).nullable().meta({ description: "the expert's organisation by name; only for expert" }),
};

const editable = {
  email: z.email('must be an email address').max(254),
  name: text(100),
  roles: z.array(role).min(1, 'at least one role').max(roles.length).meta({ description: 'staff roles; never firm (firm accounts come from self-registration)' }),
  ...scope,
  affiliations: z.array(usccText).max(200, 'at most 200 affiliated firms').meta({ description: 'USCCs of firms this person is related to (four eyes)' }),
};

export const userCreateSchema = z
  .strictObject({
    ...editable,
    city: scope.city.optional(),
    insurerId: scope.insurerId.optional(),
    organisationUscc: scope.organisationUscc.optional(),
    organisationName: scope.organisationName.optional(),
    affiliations: editable.affiliations.default([]),
  })
  .meta({ id: 'UserCreate' });

export const userPatchSchema = z
  .strictObject({ ...editable, active: z.boolean().meta({ description: 'false ends every session of the user at once' }) })
  .partial()
  .meta({ id: 'UserPatch' });

export const userSorts = ['name', 'role', 'status'] as const;

export const userListQuerySchema = z.strictObject({
  role: role.optional(),
  q: z.string().trim().max(100).optional().meta({ description: 'part of the name or the email, whatever its letter case' }),
  active: z.enum(['true', 'false']).optional().meta({ description: 'true: invited and active accounts alike; false: deactivated ones' }),
  status: z.enum(['invited', 'active', 'deactivated']).optional().meta({ description: 'invited: not yet accepted (no password set); active: signs in; deactivated' }),
  sort: z.enum(userSorts).optional().meta({ description: 'name, role or status (invited, active, deactivated), each then by name; newest first when left out' }),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const userIdParams = z.object({ id: z.uuid({ error: 'not a user id' }).toLowerCase() });

export const invitationTokenParams = z.object({ token: z.string().min(1).max(200).meta({ description: 'the token of the emailed link' }) });
export const invitationAcceptSchema = z
  .strictObject({ password: z.string().max(1000, 'too long').meta({ description: 'the new password; the registration password policy applies' }) })
  .meta({ id: 'InvitationAcceptance' });

export type UserCreate = z.output<typeof userCreateSchema>;
export type UserPatch = z.output<typeof userPatchSchema>;
export type UserListQuery = z.output<typeof userListQuerySchema>;

// answers

export const userStatusOut = z.enum(['invited', 'active', 'deactivated']).meta({
  description: 'invited: the emailed link was not used yet, so no sign-in; deactivated: no sign-in, sessions ended',
});

export const userViewSchema = z
  .strictObject({
    id: idOut('the user'),
    email: z.string(),
    name: z.string(),
    roles: z.array(role),
    city: z.string().nullable(),
    insurerId: z.uuid().nullable(),
    organisationUscc: z.string().nullable(),
    organisationName: z.string().nullable(),
    enterpriseId: z.uuid().nullable().meta({ description: "a firm user's firm" }),
    affiliations: z.array(z.string()),
    active: z.boolean(),
    status: userStatusOut,
    createdAt: instantOut('created'),
  })
  .meta({ id: 'StaffUser' });

export const userListSchema = z
  .strictObject({ items: z.array(userViewSchema).meta({ description: 'newest first' }), nextCursor: nextCursorOut })
  .meta({ id: 'StaffUserList' });

const invitationOut = z
  .strictObject({ sentAt: instantOut('sent'), expiresAt: instantOut('the link stops working'), acceptedAt: instantOut('used').nullable(), revokedAt: instantOut('replaced or withdrawn').nullable() })
  .meta({ id: 'Invitation' });

const userChangeOut = z
  .strictObject({
    id: idOut('the change'),
    changedBy: idOut('who changed it (the user themself for accepting an invitation)'),
    requestId: z.string().nullable(),
    at: instantOut('when'),
    before: z.record(z.string(), z.unknown()).meta({ description: 'the changed fields before; empty for the creation' }),
    after: z.record(z.string(), z.unknown()).meta({ description: 'the changed fields after' }),
  })
  .meta({ id: 'UserChange' });

export const userDetailSchema = userViewSchema
  .extend({
    invitation: invitationOut.nullable().meta({ description: 'the latest invitation; null for accounts never invited (firm users, seeded staff)' }),
    changes: z.array(userChangeOut).meta({ description: 'newest first, at most 200' }),
  })
  .meta({ id: 'StaffUserDetail' });

export const invitationSentSchema = z
  .strictObject({ email: z.string().meta({ description: 'where the link was sent' }), expiresAt: instantOut('the new link stops working') })
  .meta({ id: 'InvitationSent' });

export const invitationAcceptedSchema = z
  .strictObject({ id: idOut('the user'), email: z.string(), name: z.string(), roles: z.array(role) })
  .meta({ id: 'InvitationAccepted' });
