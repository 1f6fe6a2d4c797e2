import type { DocumentType } from '../../db/schema/cases';
import type { ClockLengths } from '../../db/schema/rounds';
import { formatYuan } from '../domain/money';
import type { RoundRow } from './columns';

const yuan = (fen: bigint | null) => (fen === null ? null : formatYuan(fen));

/** The one JSON shape of a round (SPEC §7): field names as in POST/PATCH, money as yuan strings. */
export function roundView(r: RoundRow) {
  return {
    id: r.id,
    ...roundFields(r),
    paramsVersion: r.paramsVersion,
  };
}

export type RoundView = ReturnType<typeof roundView>;

/** Everything an administrator sets, keyed as in the request body; also the before/after of a change. */
export function roundFields(r: Omit<RoundRow, 'id' | 'paramsVersion' | 'createdAt' | 'updatedAt'>) {
  return {
    name: r.name,
    year: r.year,
    editionId: r.editionId,
    opensAt: r.opensAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
    insuranceStartsOn: r.insuranceStartsOn,
    insuranceEndsOn: r.insuranceEndsOn,
    insurerIds: r.insurerIds,
    rateBp: r.rateBp,
    premiumRateCapBp: r.premiumRateCapBp,
    limitMultiple: r.limitMultiple,
    absoluteLimit: yuan(r.absoluteLimitFen),
    minContract: formatYuan(r.minContractFen),
    maxYears: r.maxYears,
    banYears: r.banYears,
    perFirmCap: yuan(r.perFirmCapFen),
    budget: yuan(r.budgetFen),
    excludedCategories: r.excludedCategories,
    excludedEntryIds: r.excludedEntryIds,
    // the column is open text; rounds are written only through roundCreateSchema and roundPatchSchema, which take document types
    requiredDocuments: r.requiredDocuments as DocumentType[],
    clockLengths: orderedClockLengths(r.clockLengths),
    rubric: r.rubric,
    expertQuorum: r.expertQuorum,
  };
}

export type RoundFields = ReturnType<typeof roundFields>;

// jsonb hands keys back in its own order; a fixed order keeps answers and change rows comparable.
function orderedClockLengths(l: ClockLengths): ClockLengths {
  return {
    municipalReviewWorkingDays: l.municipalReviewWorkingDays,
    revisionWorkingDays: l.revisionWorkingDays,
    provincialReviewWorkingDays: l.provincialReviewWorkingDays,
    expertReviewWorkingDays: l.expertReviewWorkingDays,
    noticeWorkingDays: l.noticeWorkingDays,
    objectionWorkingDays: l.objectionWorkingDays,
    paymentDays: l.paymentDays,
  };
}
