import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AppContext, User } from '../context';
import { loginAttempts, sessions, users } from '../../db/schema';
import { unauthenticated } from '../errors';
import { admitSignIn, uncheckedIfBusy } from './login-limits';
import { decoyHash, verifyPassword } from './password';
import { systemClock } from '../clock';
import { p, shaped } from '../../db/shapes';

// Sessions run on the machine's clock, not the settable one: moving the demo clock a month ahead
// must not sign everybody out.
const wall = systemClock;

const SESSION_DAYS = 7;

/** The stored form of a session token: its sha256. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function login(app: AppContext, email: string, password: string, ip: string | null) {
  const now = wall.now();
  const attempt = await admitSignIn(app, email, ip);
  const [user] = await app.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  // a deactivated account, and an invited one without a password yet, cannot sign in
  const hash = user?.active ? user.passwordHash : null;
  const ok = await uncheckedIfBusy(attempt, hash !== null ? verifyPassword(password, hash) : verifyPassword(password, await decoyHash).then(() => false));
  await app.db.insert(loginAttempts).values({ email, ip, succeeded: ok, at: now });
  if (!ok || !user) throw unauthenticated('email or password is wrong');
  await attempt.succeeded();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await app.db.insert(sessions).values({ tokenHash: hashToken(token), userId: user.id, expiresAt, createdAt: now });
  return { token, expiresAt, user: toUser(user) };
}

export async function logout(app: AppContext, token: string): Promise<void> {
  await app.db
    .update(sessions)
    .set({ revokedAt: wall.now() })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
}

export async function authenticate(app: AppContext, token: string): Promise<User | null> {
  const [row] = await sessionUser(app.db, { tokenHash: hashToken(token), now: wall.now().toISOString() });
  return row && row.user.active ? toUser(row.user) : null;
}

// every authenticated request asks this: its text is built once (db/shapes.ts)
const sessionUser = shaped<{ tokenHash: string; now: string }, { user: typeof users.$inferSelect }[]>('session user', (b) =>
  b
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, p('tokenHash')), isNull(sessions.revokedAt), gt(sessions.expiresAt, p('now')))),
);

export function toUser(u: typeof users.$inferSelect): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    city: u.city,
    enterpriseId: u.enterpriseId,
    insurerId: u.insurerId,
    // an expert's organisation counts among their relations, like a declared affiliation (SPEC §7)
    affiliations: u.organisationUscc && !u.affiliations.includes(u.organisationUscc) ? [u.organisationUscc, ...u.affiliations] : u.affiliations,
  };
}
