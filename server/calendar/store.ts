import type { Db } from '../../db/client';
import { calendarDays, calendarYears } from '../../db/schema';
import { calendarFrom, type CalendarData } from './workdays';

// A few hundred rows: reloading them every few seconds is cheap, and a correction made through
// another process reaches this one within that time.
const TTL_MS = 5_000;

/** The working-day table is small and changes rarely: each process keeps a copy for a few seconds. */
export class CalendarStore {
  private cached: { data: CalendarData; loadedAt: number } | null = null;
  constructor(private readonly db: Db) {}

  async get(): Promise<CalendarData> {
    if (this.cached && Date.now() - this.cached.loadedAt < TTL_MS) return this.cached.data;
    const [days, years] = await Promise.all([this.db.select().from(calendarDays), this.db.select().from(calendarYears)]);
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
