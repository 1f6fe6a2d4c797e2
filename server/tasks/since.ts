import { sql, type SQL } from 'drizzle-orm';
import type { OwnerKind } from '../../db/schema/owners';

/**
 * Where the inbox's keyset stands: after the task with this deadline (NO_DUE for none), this
 * moment it began waiting, and this id. The three sources (cases, claims, batches) page by it alike.
 */
export interface TaskCursor {
  due: string;
  since: string;
  id: string;
}

/**
 * The moment a task began waiting, the inbox's second key after its deadline: when its case, claim
 * or batch entered the state it waits in (the last history entry that changed its state; a step
 * within a stage, an edit or an upload leaves it), else `fallback`. To the millisecond, as the
 * cursor carries it.
 */
export function waitingSince(kind: OwnerKind, id: SQL, fallback: SQL): SQL {
  return sql`date_trunc('milliseconds', coalesce((select h.at from history h
    where h.owner_kind = ${kind} and h.owner_id = ${id} and h.state_before is distinct from h.state_after
    order by h.seq desc limit 1), ${fallback}))`;
}
