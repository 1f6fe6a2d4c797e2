import { and, eq, ne, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { p, shaped } from '../../../db/shapes';
import { cases, catalogueEntries, enterprises, rounds } from '../../../db/schema';
import type { CaseRow, RoundRow } from '../../engine/scope';
import { latestDocumentTypes } from '../../documents/list';
import { DEAD_STATES, type SubmissionFacts } from './problem';
import { renewalChain } from './renewal-chain';

export async function loadFacts(tx: Tx, row: CaseRow, roundRead: RoundRow | Promise<RoundRow>, now: Date): Promise<SubmissionFacts> {
  // independent reads, sent together, and with the round's read when it is still on its way: one round trip
  const [[firm], [entry], documentTypes, duplicate, renewal, round] = await Promise.all([
    firmOf(tx, { id: row.enterpriseId }),
    entryOf(tx, { id: row.catalogueEntryId, roundId: row.roundId }),
    latestDocumentTypes(tx, row.id),
    findDuplicate(tx, row),
    row.renewalOf ? renewalChain(tx, row, row.renewalOf) : null,
    roundRead,
  ]);
  if (round.id !== row.roundId) throw new Error(`case ${row.id} was checked against round ${round.id}, not its own`);
  if (!firm) throw new Error(`case ${row.id} has no firm`);
  return { row, round, now, firm, entry: entry ?? null, documentTypes, duplicate, renewal };
}

/**
 * A live twin: same firm, entry, user unit and policy number, the number compared by its
 * normalised key (db/schema/policy-number-key.ts) exactly as the unique index
 * cases_live_duplicate_key compares it. Drafts do not count — two drafts would otherwise block
 * each other's submission; the second SUBMIT is the one refused.
 */
async function findDuplicate(tx: Tx, row: CaseRow): Promise<{ number: string } | null> {
  const uscc = row.userUnit.uscc?.trim();
  if (!uscc || !row.policyNumberKey) return null;
  const [twin] = await twinOf(tx, { enterpriseId: row.enterpriseId, id: row.id, entryId: row.catalogueEntryId, uscc, key: row.policyNumberKey });
  return twin ?? null;
}

// read by every submission: their texts are built once (db/shapes.ts)
const firmOf = shaped<{ id: string }, (typeof enterprises.$inferSelect)[]>('firm', (b) => b.select().from(enterprises).where(eq(enterprises.id, p('id'))));
// the entry if it belongs to the edition of the case's round: sent with the round's own read, not after it
const entryOf = shaped<{ id: string; roundId: string }, (typeof catalogueEntries.$inferSelect)[]>('catalogue entry of the round', (b) =>
  b
    .select()
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.id, p('id')), sql`${catalogueEntries.editionId} = (select ${rounds.editionId} from ${rounds} where ${rounds.id} = ${p('roundId')})`)),
);
const twinOf = shaped<{ enterpriseId: string; id: string; entryId: string; uscc: string; key: string }, { number: string }[]>('live twin', (b) =>
  b
    .select({ number: cases.number })
    .from(cases)
    .where(
      and(
        eq(cases.enterpriseId, p('enterpriseId')),
        ne(cases.id, p('id')),
        eq(cases.catalogueEntryId, p('entryId')),
        eq(sql`btrim(${cases.userUnit}->>'uscc')`, p('uscc')),
        eq(cases.policyNumberKey, p('key')),
        isNotNull(cases.submittedAt),
        notInArray(cases.state, [...DEAD_STATES]),
      ),
    )
    .limit(1),
);
