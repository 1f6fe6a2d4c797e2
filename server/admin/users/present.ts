import type { userInvitations, users } from '../../../db/schema';
import type { AccountShape } from './rules';

export type UserRow = typeof users.$inferSelect;
type InvitationRow = typeof userInvitations.$inferSelect;

/** An account as administrators see it; never its password hash. */
export function userView(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: [...u.roles],
    city: u.city,
    insurerId: u.insurerId,
    organisationUscc: u.organisationUscc,
    organisationName: u.organisationName,
    enterpriseId: u.enterpriseId,
    affiliations: [...u.affiliations],
    active: u.active,
    status: !u.active ? ('deactivated' as const) : u.passwordHash === null ? ('invited' as const) : ('active' as const),
    createdAt: u.createdAt.toISOString(),
  };
}

export function invitationView(i: InvitationRow) {
  return {
    sentAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
    revokedAt: i.revokedAt?.toISOString() ?? null,
  };
}

/** The fields an administrator sets, as recorded in a change. */
export const RECORDED = ['email', 'name', 'roles', 'city', 'insurerId', 'organisationUscc', 'organisationName', 'affiliations', 'active'] as const;
export type Recorded = Pick<UserRow, (typeof RECORDED)[number]>;

export const shapeOf = (u: Recorded): AccountShape => ({
  roles: u.roles,
  city: u.city,
  insurerId: u.insurerId,
  organisationUscc: u.organisationUscc,
  organisationName: u.organisationName,
  affiliations: u.affiliations,
});
