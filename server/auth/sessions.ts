import { createHash, randomBytes } from 'node:crypto';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AppContext, User } from '../context';
import { loginAttempts, sessions, users } from '../../db/schema';
import { tooManyRequests, unauthenticated } from '../errors';
import { decoyHash, verifyPassword } from './password';
import { systemClock } from '../clock';

// Sessions and sign-in throttling run on the machine's clock, not the settable one: moving the
// demo clock a month ahead must not sign everybody out.
const wall = systemClock;

const SESSION_DAYS = 7;
const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function login(app: AppContext, email: string, password: string, ip: string | null) {
  const now = wall.now();
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const [recent] = await app.db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(sql`lower(${loginAttempts.email}) = lower(${email})`, eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  if ((recent?.n ?? 0) >= MAX_FAILURES) {
    throw tooManyRequests('too many failed sign-ins for this account; try again in 15 minutes', FAILURE_WINDOW_MS / 1000);
  }
  const [user] = await app.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  const ok = user?.active ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await decoyHash).then(() => false);
  await app.db.insert(loginAttempts).values({ email, ip, succeeded: ok, at: now });
  if (!ok || !user) throw unauthenticated('email or password is wrong');
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
  const [row] = await app.db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, wall.now())));
  return row && row.user.active ? toUser(row.user) : null;
}

export function toUser(u: typeof users.$inferSelect): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    city: u.city,
    enterpriseId: u.enterpriseId,
    insurerId: u.insurerId,
    affiliations: u.affiliations,
  };
}
