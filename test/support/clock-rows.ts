import { randomUUID } from 'node:crypto';
import type { clocks } from '../../db/schema';

/** A running clock row of an owner of its own, for tests that write clock rows directly. */
export function aClockRow(overrides: Partial<typeof clocks.$inferInsert> = {}): typeof clocks.$inferInsert {
  return {
    id: randomUUID(),
    ownerKind: 'case',
    ownerId: randomUUID(),
    kind: 'municipalReview',
    status: 'running',
    startedAt: new Date('2026-03-02T01:02:03.456Z'),
    dueOn: '2026-03-20',
    dueAt: new Date('2026-03-20T15:59:59.000Z'),
    lengthWorkingDays: 15,
    countedFrom: '2026-03-02',
    countedDays: 15,
    remainingWorkingDays: null,
    provisional: false,
    overdue: false,
    ...overrides,
  };
}
