import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { cases, roundChanges, rounds } from '../../db/schema';
import type { ServiceContext } from '../context';
import { AppError, conflict, notFound, unprocessable } from '../errors';
import { toColumns, type RoundRow } from './columns';
import { requireAdmin } from './access';
import { roundFields, roundView, type RoundFields } from './present';
import { referenceProblems, roundProblems } from './rules';
import type { RoundPatch } from './schema';

type Field = keyof RoundFields;

// Renaming never changes how an application is judged; every other field feeds §5 validation,
// §6 subsidy, the clocks or the expert pass mark.
const FREE: ReadonlySet<Field> = new Set(['name']);

/**
 * An administrator edits a round. Once an application has been submitted under it, a rule change
 * needs a reason, bumps paramsVersion and leaves a before/after row — in the same transaction.
 */
export async function updateRound(ctx: ServiceContext, id: string, patch: RoundPatch) {
  requireAdmin(ctx, 'change rounds');
  const { reason, ...fields } = patch;
  const now = ctx.app.clock.now();
  const row = await ctx.app.db.transaction(async (tx) => {
    const [current] = await tx.select().from(rounds).where(eq(rounds.id, id)).for('update');
    if (!current) throw notFound('round');
    const columns = toColumns(fields, current.clockLengths);
    const next: RoundRow = { ...current, ...columns };
    const before = roundFields(current);
    const after = roundFields(next);
    const changed = (Object.keys(after) as Field[]).filter((k) => comparable(k, before[k]) !== comparable(k, after[k]));
    if (changed.length === 0) return current;
    await refuseInvalid(tx, next, new Set(changed));
    if (changed.includes('editionId') && (await hasCases(tx, id, false))) {
      const message = "the round's edition cannot change: its applications refer to entries of the current edition";
      throw new AppError('conflict', message, [{ path: 'editionId', code: 'round.edition_locked', message, messageZh: '本批次已有申请引用当前目录版本的条目，不能更换目录版本' }]);
    }
    const rules = changed.filter((k) => !FREE.has(k));
    const submitted = rules.length > 0 && (await hasCases(tx, id, true));
    if (submitted && reason === undefined) {
      throw conflict(`applications have been submitted under this round, so changing ${rules.join(', ')} needs a reason`, { fields: rules });
    }
    // A reason given before any submission is kept too: an administrator who explains wants it on record.
    const recorded = rules.length > 0 && (submitted || reason !== undefined);
    const paramsVersion = current.paramsVersion + (recorded ? 1 : 0);
    const [updated] = await tx
      .update(rounds)
      // a new closing time deserves its own "closes in 3 days" reminder
      .set({ ...columns, paramsVersion, updatedAt: now, ...(columns.closesAt && columns.closesAt.getTime() !== current.closesAt.getTime() ? { closingReminderSentAt: null } : {}) })
      .where(eq(rounds.id, id))
      .returning();
    if (!updated) throw new Error('round vanished');
    if (recorded && reason !== undefined) {
      await tx.insert(roundChanges).values({
        roundId: id,
        paramsVersion,
        changedBy: ctx.user.id,
        reason,
        before: pick(before, changed),
        after: pick(after, changed),
        createdAt: now,
      });
    }
    return updated;
  });
  return roundView(row);
}

async function refuseInvalid(tx: Tx, next: RoundRow, changed: ReadonlySet<Field>) {
  // a new edition must also contain what the round already excludes
  const refs = changed.has('editionId') ? new Set<string>([...changed, 'excludedEntryIds', 'excludedCategories']) : changed;
  const problems = [...roundProblems(next), ...(await referenceProblems(tx, next, refs))];
  if (problems.length > 0) throw unprocessable('the round cannot be changed', problems);
}

async function hasCases(tx: Tx, roundId: string, submittedOnly: boolean): Promise<boolean> {
  const where = submittedOnly ? and(eq(cases.roundId, roundId), isNotNull(cases.submittedAt)) : eq(cases.roundId, roundId);
  const [row] = await tx.select({ one: sql<number>`1` }).from(cases).where(where).limit(1);
  return row !== undefined;
}

function pick(view: RoundFields, keys: Field[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, view[k]]));
}

// Lists of choices whose order means nothing: the round form sends them in the order it lists them,
// which need not be the order stored, and a form sent back unchanged changes no rule.
const CHOICES: ReadonlySet<Field> = new Set(['insurerIds', 'excludedCategories', 'excludedEntryIds', 'requiredDocuments']);
const comparable = (k: Field, v: unknown): string => stableJson(CHOICES.has(k) && Array.isArray(v) ? [...(v as string[])].sort() : v);

// jsonb reorders object keys, so equality is judged on a key-sorted rendering.
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}
