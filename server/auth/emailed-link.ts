import { createHash, randomBytes } from 'node:crypto';
import type { Env } from '../env';
import { systemClock } from '../clock';

// The single-use links that emails carry (a registration's confirmation, a staff invitation): the
// token travels only in the email, the database keeps its sha256, so the table alone opens nothing.
// Links run on the machine's clock, like sessions: moving the demo clock must not expire them.
export const LINK_HOURS = 72;
export const linkClock = systemClock;

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Where the people who receive emails reach this server. */
export const publicUrl = (env: Pick<Env, 'PUBLIC_URL' | 'PORT'>, path: string) => `${env.PUBLIC_URL ?? `http://localhost:${env.PORT}`}${path}`;

export interface EmailedLink {
  token: string;
  tokenHash: string;
  /** the link with the token, for the email only */
  url: string;
  expiresAt: Date;
}

/** A fresh link to `path`, the token appended as `?token=`, valid for `hours` (LINK_HOURS unless said) from now. */
export function newEmailedLink(env: Pick<Env, 'PUBLIC_URL' | 'PORT'>, path: string, hours: number = LINK_HOURS): EmailedLink {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    tokenHash: hashLinkToken(token),
    url: publicUrl(env, `${path}?token=${token}`),
    expiresAt: new Date(linkClock.now().getTime() + hours * 3_600_000),
  };
}
