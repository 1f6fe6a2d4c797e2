import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { cases, catalogueEntries, rounds } from '../../db/schema';
import type { FieldError } from '../errors';
import type { RoundRow } from '../engine/scope';

// What a draft points at must exist and be the firm's to point at, from the first save on:
// an id that names nothing would otherwise surface only at SUBMIT, far from where it was typed.

/** The round exists and the entry is in its catalogue edition. */
export async function checkRoundEntry(tx: Tx, roundId: string, catalogueEntryId: string): Promise<{ round: RoundRow | null; problems: FieldError[] }> {
  const [round] = await tx.select().from(rounds).where(eq(rounds.id, roundId));
  if (!round) {
    return { round: null, problems: [{ path: 'roundId', code: 'round.unknown', message: 'there is no round with this id', messageZh: '申报批次不存在' }] };
  }
  const [entry] = await tx
    .select({ id: catalogueEntries.id })
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.id, catalogueEntryId), eq(catalogueEntries.editionId, round.editionId)));
  if (entry) return { round, problems: [] };
  return {
    round,
    problems: [
      {
        path: 'catalogueEntryId',
        code: 'entry.not_in_edition',
        message: `the catalogue entry is not in the catalogue edition of the round "${round.name}"`,
        messageZh: `所选材料不在批次"${round.name}"适用的目录版本中`,
      },
    ],
  };
}

/** `renewalOf` names another application of the same firm (its previous policy year). */
export async function checkRenewalOf(tx: Tx, enterpriseId: string, renewalOf: string | null | undefined, caseId?: string): Promise<FieldError[]> {
  if (!renewalOf) return [];
  if (renewalOf === caseId) {
    return [{ path: 'renewalOf', code: 'renewal.self', message: 'an application cannot be the renewal of itself', messageZh: '申请不能关联其自身作为上一年度申请' }];
  }
  const [previous] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.id, renewalOf), eq(cases.enterpriseId, enterpriseId)));
  if (previous) return [];
  return [
    {
      path: 'renewalOf',
      code: 'renewal.not_found',
      message: "renewalOf must name an earlier application of this firm (the previous policy year's case)",
      messageZh: '续保须关联本企业以前年度的申请',
    },
  ];
}
