import type { PageCtx } from '../page';

/** A case's state as a badge, worded from the catalogue (the raw name where it has none yet). */
export function StateBadge({ p, state }: { p: PageCtx; state: string }) {
  const label = p.t.states[state] ?? state;
  return (
    <span class={`badge state-${state.replace(/[^A-Za-z]/g, '')}`} safe>
      {label}
    </span>
  );
}

/** A disbursement batch's state as a badge (the batch pages, and a batch task in the inbox). */
export function BatchBadge({ p, state }: { p: PageCtx; state: string }) {
  return (
    <span class={`badge batch-${state.replace(/[^A-Za-z]/g, '')}`} safe>
      {p.t.batches.states[state] ?? state}
    </span>
  );
}

export function Overdue({ p }: { p: PageCtx }) {
  return (
    <span class="badge overdue" safe>
      {p.t.casePage.overdue}
    </span>
  );
}

/** A deadline near enough to be reminded of (the inbox's `dueSoon`). */
export function DueSoon({ p }: { p: PageCtx }) {
  return (
    <span class="badge due-soon" safe>
      {p.t.inbox.dueSoon}
    </span>
  );
}
