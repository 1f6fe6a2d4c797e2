import type { DbOrTx } from '../../db/client';
import { calendarDays, calendarYears } from '../../db/schema';
import { calendarFrom, type CalendarData } from './workdays';

// A few hundred rows: reloading them every few seconds is cheap, and a correction made through
// another process reaches this one within that time.
const TTL_MS = 5_000;

/**
 * The working-day table is small and changes rarely: each process keeps a copy for a few seconds.
 * The caller hands in its own handle: inside a transaction the refresh must go through that
 * transaction, never through the pool, or enough concurrent callers would each hold a connection
 * while waiting for a second one (SPEC §9).
 */
export class CalendarStore {
  private cached: { data: CalendarData; loadedAt: number } | null = null;

  async get(db: DbOrTx): Promise<CalendarData> {
    if (this.cached && Date.now() - this.cached.loadedAt < TTL_MS) return this.cached.data;
    // one after the other: a transaction's connection runs one statement at a time anyway
    const days = await db.select().from(calendarDays);
    const years = await db.select().from(calendarYears);
    const data = calendarFrom(
      days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
      years.filter((y) => y.published).map((y) => y.year),
    );
    this.cached = { data, loadedAt: Date.now() };
    return data;
  }

  invalidate(): void {
    this.cached = null;
  }
}
