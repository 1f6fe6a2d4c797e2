import { users } from '../../../db/schema';
import type { ServiceContext } from '../../context';
import { unprocessable } from '../../errors';
import { accountOf } from '../../enterprises/taken';
import { emailTaken, requireUserAdmin, takenEmailOf } from './access';
import { recordUserChange } from './changes';
import { issueInvitation } from './invite';
import { RECORDED, shapeOf, userView } from './present';
import { accountProblems } from './rules';
import type { UserCreate } from './schema';

/**
 * An administrator opens a staff account (SPEC §7): it has no password, so it cannot sign in
 * until its holder sets one through the emailed invitation.
 */
export async function createUser(ctx: ServiceContext, body: UserCreate) {
  requireUserAdmin(ctx);
  const fields = {
    email: body.email,
    name: body.name,
    roles: body.roles,
    city: body.city ?? null,
    insurerId: body.insurerId ?? null,
    organisationUscc: body.organisationUscc ?? null,
    organisationName: body.organisationName ?? null,
    affiliations: body.affiliations,
    active: true,
  };
  const problems = await accountProblems(ctx.app.db, shapeOf(fields));
  if (problems.length > 0) throw unprocessable('the account cannot be created', problems);
  try {
    return await ctx.app.db.transaction(async (tx) => {
      if (await accountOf(tx, body.email)) throw emailTaken(body.email);
      const now = ctx.app.clock.now();
      const [row] = await tx.insert(users).values({ ...fields, passwordHash: null, createdAt: now }).returning();
      if (!row) throw new Error('user insert returned nothing');
      await recordUserChange(tx, {
        userId: row.id,
        changedBy: ctx.user.id,
        requestId: ctx.requestId,
        before: {},
        after: Object.fromEntries(RECORDED.map((k) => [k, row[k]])),
        at: now,
      });
      await issueInvitation(tx, ctx, row);
      return userView(row);
    });
  } catch (err) {
    // two administrators creating the same address at once: the unique index decides
    throw takenEmailOf(err, body.email) ?? err;
  }
}
