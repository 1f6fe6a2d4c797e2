import type { NoticeRow } from './scope';

/** A notice as its publisher sees it. */
export function noticeView(row: NoticeRow, caseIds: readonly string[]) {
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    version: row.version,
    roundId: row.roundId,
    openedAt: row.openedAt.toISOString(),
    startsOn: row.startsOn,
    endsOn: row.closesOn,
    closedAt: row.closedAt?.toISOString() ?? null,
    caseIds: [...caseIds].sort(),
  };
}
