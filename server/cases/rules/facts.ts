import { and, eq, ne, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { cases, catalogueEntries, enterprises, rounds } from '../../../db/schema';
import type { CaseRow, RoundRow } from '../../engine/scope';
import { latestDocumentTypes } from '../../documents/list';
import { DEAD_STATES, type LinkedCase, type RenewalFacts, type SubmissionFacts } from './problem';

// A chain this long is a data error (or a cycle), not a renewal; stop reading there.
const MAX_CHAIN_WALK = 20;

export async function loadFacts(tx: Tx, row: CaseRow, round: RoundRow, now: Date): Promise<SubmissionFacts> {
  const [firm] = await tx.select().from(enterprises).where(eq(enterprises.id, row.enterpriseId));
  if (!firm) throw new Error(`case ${row.id} has no firm`);
  const [entry] = await tx
    .select()
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.id, row.catalogueEntryId), eq(catalogueEntries.editionId, round.editionId)));
  return {
    row,
    round,
    now,
    firm,
    entry: entry ?? null,
    documentTypes: await latestDocumentTypes(tx, row.id),
    duplicate: await findDuplicate(tx, row),
    renewal: row.renewalOf ? await renewalChain(tx, row.id, row.renewalOf) : null,
  };
}

/**
 * A live twin: same firm, entry, user unit and policy number. Drafts do not count — two drafts
 * would otherwise block each other's submission; the second SUBMIT is the one refused.
 */
async function findDuplicate(tx: Tx, row: CaseRow): Promise<{ number: string } | null> {
  const uscc = row.userUnit.uscc?.trim();
  const policyNumber = row.policy.number?.trim();
  if (!uscc || !policyNumber) return null;
  const [twin] = await tx
    .select({ number: cases.number })
    .from(cases)
    .where(
      and(
        eq(cases.enterpriseId, row.enterpriseId),
        ne(cases.id, row.id),
        eq(cases.catalogueEntryId, row.catalogueEntryId),
        eq(sql`${cases.userUnit}->>'uscc'`, uscc),
        eq(sql`${cases.policy}->>'number'`, policyNumber),
        isNotNull(cases.submittedAt),
        notInArray(cases.state, [...DEAD_STATES]),
      ),
    )
    .limit(1);
  return twin ?? null;
}

async function renewalChain(tx: Tx, caseId: string, previousId: string): Promise<RenewalFacts> {
  const previous = await linkedCase(tx, previousId);
  let chainLength = 1;
  const seen = new Set<string>([caseId]);
  let next: string | null = previousId;
  while (next && !seen.has(next) && chainLength <= MAX_CHAIN_WALK) {
    seen.add(next);
    const [link]: { renewalOf: string | null }[] = await tx.select({ renewalOf: cases.renewalOf }).from(cases).where(eq(cases.id, next));
    if (!link) break;
    chainLength += 1;
    next = link.renewalOf;
  }
  return { previous, chainLength };
}

async function linkedCase(tx: Tx, id: string): Promise<LinkedCase | null> {
  const [found] = await tx
    .select({
      id: cases.id,
      number: cases.number,
      enterpriseId: cases.enterpriseId,
      catalogueEntryId: cases.catalogueEntryId,
      state: cases.state,
      submittedAt: cases.submittedAt,
      roundYear: rounds.year,
    })
    .from(cases)
    .innerJoin(rounds, eq(rounds.id, cases.roundId))
    .where(eq(cases.id, id));
  return found ?? null;
}
