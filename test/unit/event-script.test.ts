import { describe, expect, it } from 'vitest';
import { parseInserts } from '../../bench/event-script';

// bench/event-script.ts replays the app's captured SQL: it must find the new rows' ids and the
// history seq in a single insert and in a transition's joined writes alike.
describe('the columns the parameters of captured inserts fill', () => {
  it('reads a single insert', () => {
    const q = 'insert into "history" ("id", "owner_id", "seq") values (default, $1, $2)';
    expect([...parseInserts(q)]).toEqual([
      [1, { table: 'history', column: 'owner_id' }],
      [2, { table: 'history', column: 'seq' }],
    ]);
  });

  it('reads every insert of joined writes, numbered across the statement, and skips their updates', () => {
    const q =
      'with w0 as (update "clocks" set "status" = $1 where "clocks"."id" = $2), ' +
      'w1 as (insert into "clocks" ("id", "kind") values ($3, $4)), ' +
      'w2 as (insert into "timers" ("id", "clock_id") values ($5, $6), ($7, $8)) select 1';
    expect(Object.fromEntries(parseInserts(q))).toEqual({
      3: { table: 'clocks', column: 'id' },
      4: { table: 'clocks', column: 'kind' },
      5: { table: 'timers', column: 'id' },
      6: { table: 'timers', column: 'clock_id' },
      7: { table: 'timers', column: 'id' },
      8: { table: 'timers', column: 'clock_id' },
    });
  });

  it('reads the insert that opens joined writes, and the one that closes them', () => {
    const q = 'with w0 as (insert into "clocks" ("id", "kind") values ($1, $2)), w1 as (insert into "history" ("id", "seq") values ($3, $4)) select 1';
    expect(Object.fromEntries(parseInserts(q))).toEqual({
      1: { table: 'clocks', column: 'id' },
      2: { table: 'clocks', column: 'kind' },
      3: { table: 'history', column: 'id' },
      4: { table: 'history', column: 'seq' },
    });
  });
});
