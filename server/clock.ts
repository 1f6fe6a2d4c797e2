import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { settings } from '../db/schema';

// The settable clock (SPEC §8): outside production an administrator may move time, like a payment
// provider's test clock, so that demos and tests can watch deadlines fire. The offset lives in
// Postgres so that every server and worker process agrees on "now".

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const KEY = 'clock.offsetMs';

export class SettableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly db: Db) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Reads the shared offset; called at start and periodically by each process. */
  async refresh(): Promise<void> {
    const [row] = await this.db.select().from(settings).where(eq(settings.key, KEY));
    this.offsetMs = typeof row?.value === 'number' ? row.value : 0;
  }

  async set(instant: Date): Promise<Date> {
    return this.store(instant.getTime() - Date.now());
  }

  async advance(ms: number): Promise<Date> {
    await this.refresh();
    return this.store(this.offsetMs + ms);
  }

  private async store(offsetMs: number): Promise<Date> {
    await this.db
      .insert(settings)
      .values({ key: KEY, value: offsetMs })
      .onConflictDoUpdate({ target: settings.key, set: { value: offsetMs, updatedAt: new Date() } });
    this.offsetMs = offsetMs;
    return this.now();
  }
}
