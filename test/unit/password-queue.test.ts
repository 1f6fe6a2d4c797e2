import { describe, expect, it } from 'vitest';
import { decoyHash, hashPassword, MAX_CONCURRENT_HASHES, MAX_WAIT_MS } from '../../server/auth/password';

// A cheap cost keeps the bursts short; the queue estimates each derivation by its own cost.
const COST = 2 ** 12;

/** How many of `count` derivations asked for at once are turned away. */
async function refusedOf(count: number): Promise<number> {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, (_, i) => hashPassword(`burst-${i}`, COST)));
  return outcomes.filter((o) => o.status === 'rejected').length;
}

describe('the password hashing queue', () => {
  it('takes every derivation while the estimated wait stays under the bound, and turns away a burst far over it', async () => {
    // the full-cost decoy derived at start-up must not slow what is measured here
    await decoyHash;
    // the queue learns this cost's duration from the derivations it runs
    for (let i = 0; i < 8; i++) await hashPassword(`warm-${i}`, COST);
    const started = performance.now();
    for (let i = 0; i < 8; i++) await hashPassword(`measured-${i}`, COST);
    const eachMs = (performance.now() - started) / 8;
    // the wait a burst estimates is its work shared by the derivations that run at once
    const underBound = Math.floor((0.75 * MAX_WAIT_MS * MAX_CONCURRENT_HASHES) / eachMs);
    expect(underBound).toBeGreaterThan(20);
    expect(await refusedOf(underBound)).toBe(0);
    expect(await refusedOf(underBound * 10)).toBeGreaterThan(underBound);
  });
});
