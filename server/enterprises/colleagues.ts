import { and, asc, desc, eq, gt, isNotNull } from 'drizzle-orm';
import { firmInvitations, users } from '../../db/schema';
import type { ServiceContext } from '../context';
import { linkClock, LINK_HOURS, publicUrl } from '../auth/emailed-link';
import { enqueueEmail } from '../mail/enqueue';
import { recordUserChange } from '../admin/users/changes';
import { issueInvitation } from '../admin/users/invite';
import { RECORDED } from '../admin/users/present';
import { violatedUniqueIndex } from '../../db/errors';
import { assertMayEditEnterprise } from './update';
import { accountOf } from './taken';

export interface ColleagueInvite {
  name: string;
  email: string;
}

/**
 * A firm user invites a colleague to their own firm (SPEC §2): as an administrator invites staff —
 * an account without a password and an emailed link that sets it (server/admin/users/invite.ts) —
 * but only to the firm's own role and firm. As registration does, the answer and the firm's list are
 * the same whether or not the address has an account: a taken one's owner is told by email instead.
 */
export async function inviteColleague(ctx: ServiceContext, enterpriseId: string, input: ColleagueInvite) {
  const inviter = ctx.user;
  const expiresAt = new Date(linkClock.now().getTime() + LINK_HOURS * 3_600_000);
  const run = () =>
    ctx.app.db.transaction(async (tx) => {
      const firm = await assertMayEditEnterprise(ctx, enterpriseId, tx, true);
      const mail = { firmName: firm.name, inviterName: inviter.name };
      const now = ctx.app.clock.now();
      let userId: string | null = null;
      const owner = await accountOf(tx, input.email);
      const [ownRow] = owner ? await tx.select().from(users).where(eq(users.id, owner.id)) : [];
      if (ownRow && ownRow.enterpriseId === firm.id && ownRow.passwordHash === null && ownRow.active) {
        // invited before and not accepted yet: a new link, the old one dies
        await issueInvitation(tx, ctx, ownRow, mail);
        userId = ownRow.id;
      } else if (ownRow) {
        const data = { name: ownRow.name, ...mail, link: publicUrl(ctx.app.env, '/login'), acceptBy: '' };
        await enqueueEmail(tx, { to: ownRow.email, recipientUserId: ownRow.id, template: 'firm.invitationEmailTaken', data, now });
      } else {
        const fields = { email: input.email, name: input.name, roles: ['firm' as const], enterpriseId: firm.id, affiliations: [], active: true };
        const [row] = await tx.insert(users).values({ ...fields, passwordHash: null, createdAt: now }).returning();
        if (!row) throw new Error('user insert returned nothing');
        await recordUserChange(tx, { userId: row.id, changedBy: inviter.id, requestId: ctx.requestId, before: {}, after: Object.fromEntries(RECORDED.map((k) => [k, row[k]])), at: now });
        await issueInvitation(tx, ctx, row, mail);
        userId = row.id;
      }
      await tx.insert(firmInvitations).values({ enterpriseId: firm.id, email: input.email, name: input.name, invitedBy: inviter.id, userId, createdAt: now, expiresAt });
    });
  try {
    await run();
  } catch (err) {
    // the same address invited twice at once: the second finds it taken and is told as above
    if (violatedUniqueIndex(err) !== 'users_email_key') throw err;
    await run();
  }
  return { email: input.email, expiresAt: expiresAt.toISOString() };
}

/**
 * The firm's accounts (those that have set a password) and its invitations still open: not yet
 * expired, and not accepted. An invitation of a taken address stays open until it expires, as one
 * of a free address that was not accepted does, so the list tells nothing about other accounts.
 */
export async function listFirmAccounts(ctx: ServiceContext, enterpriseId: string) {
  const firm = await assertMayEditEnterprise(ctx, enterpriseId);
  const accounts = await ctx.app.db
    .select({ id: users.id, name: users.name, email: users.email, active: users.active, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.enterpriseId, firm.id), isNotNull(users.passwordHash)))
    .orderBy(asc(users.createdAt), asc(users.id));
  const open = await ctx.app.db
    .select({ id: firmInvitations.id, name: firmInvitations.name, email: firmInvitations.email, invitedBy: users.name, createdAt: firmInvitations.createdAt, expiresAt: firmInvitations.expiresAt, invitedUser: firmInvitations.userId })
    .from(firmInvitations)
    .innerJoin(users, eq(users.id, firmInvitations.invitedBy))
    .where(and(eq(firmInvitations.enterpriseId, firm.id), gt(firmInvitations.expiresAt, linkClock.now())))
    .orderBy(desc(firmInvitations.createdAt));
  const accepted = new Set(accounts.map((a) => a.id));
  // a newer invitation of the same address replaces an older one
  const seen = new Set<string>();
  const invitations = open.filter((i) => {
    const key = i.email.toLowerCase();
    if (seen.has(key) || (i.invitedUser !== null && accepted.has(i.invitedUser))) return false;
    seen.add(key);
    return true;
  });
  return {
    accounts: accounts.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
    invitations: invitations.map(({ invitedUser: _u, ...i }) => ({ ...i, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() })),
  };
}
