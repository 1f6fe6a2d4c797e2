import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { refusedBy, sharedLimiter } from '../http/throttle';
import { clientGroupOf } from './client-group';

// Failed sign-ins are counted per account *and* client address (an IPv6 /64 counting as one): a
// stranger who guesses at a known staff account locks out only their own address, never the owner
// signing in from elsewhere.
export const FAILURES_PER_ADDRESS = 5;
export const FAILURE_WINDOW_SECONDS = 15 * 60;
// Guessing spread over many addresses meets a ceiling per account; it stops only clients that have
// already failed on the account, so the owner signing in from a clean address still gets in.
export const FAILURES_PER_ACCOUNT = 50;

interface Limiters {
  perAddress: RateLimiterRedis;
  perAccount: RateLimiterRedis;
}

const built = new WeakMap<AppContext, Limiters>();

/** Counted in Redis so that every server process shares one count; a memory stand-in while it is away. */
function limitersOf(app: AppContext): Limiters {
  let limiters = built.get(app);
  if (!limiters) {
    limiters = {
      perAddress: sharedLimiter(app, 'login:address', FAILURES_PER_ADDRESS, FAILURE_WINDOW_SECONDS),
      perAccount: sharedLimiter(app, 'login:account', FAILURES_PER_ACCOUNT, FAILURE_WINDOW_SECONDS),
    };
    built.set(app, limiters);
  }
  return limiters;
}

const refused = (rejection: unknown, words: string): never => refusedBy(rejection, (s) => `${words}; try again in ${Math.ceil(s / 60)} minutes`);

export interface AdmittedSignIn {
  /** The password was right: the attempt was no failure after all. */
  succeeded(): Promise<void>;
  /**
   * The password was never checked (the server was too busy to derive it, 503): the attempt was no
   * failure either, or a burst of correct sign-ins turned away for load would end in a 429 saying
   * the account failed too often.
   */
  unchecked(): Promise<void>;
}

/**
 * Counts a sign-in attempt as a failure *before* the password is checked, with one atomic
 * increment in Redis: of any number of concurrent attempts exactly the allowed number get a
 * password check, and the rest are refused without one. A right password takes the count back.
 */
export async function admitSignIn(app: AppContext, email: string, ip: string | null): Promise<AdmittedSignIn> {
  const { perAddress, perAccount } = limitersOf(app);
  const account = email.toLowerCase();
  const pair = `${account}|${clientGroupOf(ip)}`;
  const mine = await perAddress.consume(pair).catch((r: unknown) => refused(r, 'too many failed sign-ins for this account from your address'));
  await perAccount.consume(account).catch((r: unknown) => {
    // more than this attempt on the count: the client has failed here already (or is racing itself)
    if (!(r instanceof RateLimiterRes) || mine.consumedPoints > 1) refused(r, 'too many failed sign-ins for this account');
  });
  return {
    succeeded: async () => {
      await perAddress.delete(pair);
      await perAccount.reward(account, 1);
    },
    unchecked: async () => {
      await perAddress.reward(pair, 1);
      await perAccount.reward(account, 1);
    },
  };
}

/** A password check the server was too busy to make (503) takes its attempt off the failures' count. */
export async function uncheckedIfBusy<T>(attempt: AdmittedSignIn, check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'unavailable') await attempt.unchecked();
    throw err;
  }
}

/**
 * A password set from an emailed link: the account's failures no longer stand against the client
 * that set it (its pair count is deleted) nor against the account (its count is deleted).
 */
export async function forgetFailures(app: AppContext, email: string, ip: string | null): Promise<void> {
  const { perAddress, perAccount } = limitersOf(app);
  const account = email.toLowerCase();
  await Promise.all([perAddress.delete(`${account}|${clientGroupOf(ip)}`), perAccount.delete(account)]);
}
