import { afterAll, describe, expect, it } from 'vitest';
import { calendarDays, calendarYears } from '../../db/schema';
import { connect } from '../../db/client';
import { env } from '../../server/env';
import { CalendarStore } from '../../server/calendar/store';
import { isWorkingDay } from '../../server/calendar/workdays';

const database = connect(env.DATABASE_URL, { max: 1 });
afterAll(async () => database.close());

class RolledBack extends Error {}

describe('the working-day cache', () => {
  it('answers from its copy for a few seconds, and reloads once invalidated', async () => {
    const day = '2099-06-03';
    const store = new CalendarStore();
    // inside a transaction that is rolled back, so no other test ever sees the extra holiday
    const outcome = await database.db
      .transaction(async (tx) => {
        expect(isWorkingDay(day, await store.get(tx))).toBe(true);
        // a weekday made a holiday, in a year whose schedule is published
        await tx.insert(calendarYears).values({ year: 2099, published: true });
        await tx.insert(calendarDays).values({ date: day, kind: 'holiday', name: '缓存测试', source: 'admin' });
        expect(isWorkingDay(day, await store.get(tx))).toBe(true);
        store.invalidate();
        expect(isWorkingDay(day, await store.get(tx))).toBe(false);
        throw new RolledBack();
      })
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(RolledBack);
  });
});
