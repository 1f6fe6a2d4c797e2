import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';
import { AppError } from '../errors';

// scrypt with OWASP's minimum cost (N=2^17, r=8, p=1); parameters travel with the hash so they can grow.
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * scrypt runs on libuv's thread pool, the same few threads that serve every file read and write
 * (document downloads and uploads, imports). Unbounded, a burst of sign-ins queues dozens of
 * 128 MiB derivations ahead of them and file I/O waits seconds. At most this many derivations run
 * at once (about one per core: they are CPU-bound); the rest wait here, in JavaScript, where they
 * hold no thread. The pool itself is sized by UV_THREADPOOL_SIZE in the start scripts (README).
 */
export const MAX_CONCURRENT_HASHES = 2;
/**
 * A new sign-in is turned away at once (503, retry shortly) when the derivations already waiting
 * would keep it longer than this, instead of queueing behind a flood for tens of seconds. The wait
 * is estimated from how long derivations take here lately (0.3–0.5 s at full cost on a loaded
 * two-core machine), so the queue is as long as the machine can clear in that time.
 */
export const MAX_WAIT_MS = 3_000;

/** How hashing went in this process (read by the tests), and the wait it allows (a test may lift it). */
export const hashing = { started: 0, refused: 0, maxRunning: 0, maxWaitMs: MAX_WAIT_MS };

const limit = pLimit(MAX_CONCURRENT_HASHES);
// recent duration per cost parameter (stored hashes carry their own, and the cost of a derivation
// is what it takes), and the estimated work of the derivations waiting now
const recentMs = new Map<number, number>();
let waitingMs = 0;

async function bounded<T>(cost: number, work: () => Promise<T>): Promise<T> {
  const estimate = recentMs.get(cost) ?? 0;
  if (waitingMs / MAX_CONCURRENT_HASHES > hashing.maxWaitMs) {
    hashing.refused++;
    throw new AppError('unavailable', 'too many sign-ins are being checked at this moment; try again in a few seconds', [], { retryAfterSeconds: 2 });
  }
  waitingMs += estimate;
  return limit(async () => {
    waitingMs -= estimate;
    hashing.started++;
    hashing.maxRunning = Math.max(hashing.maxRunning, limit.activeCount);
    const started = performance.now();
    try {
      return await work();
    } finally {
      // a moving average: a change of load shows within a few derivations
      const took = performance.now() - started;
      const before = recentMs.get(cost);
      recentMs.set(cost, before === undefined ? took : 0.8 * before + 0.2 * took);
    }
  });
}

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return bounded(
    opts.N ?? N,
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, KEYLEN, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

/** `cost` lowers N for throw-away test accounts only; stored hashes carry their own parameters. */
export async function hashPassword(password: string, cost: number = N): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: cost, r: R, p: P });
  return ['scrypt', cost, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Checked against when the email is unknown, so that response time does not reveal which emails exist.
export const decoyHash = hashPassword('decoy-password-never-matches');
