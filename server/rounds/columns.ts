import type { rounds } from '../../db/schema';
import type { ClockLengths, Rubric } from '../../db/schema/rounds';
import { documentTypes, type DocumentType } from '../../db/schema/cases';
import { defaultClockLengths } from '../engine/clock-kinds';
import type { RoundPatch } from './schema';

export type RoundRow = typeof rounds.$inferSelect;
/** What an administrator sets: every column but identity, timestamps and the params version. */
export type RoundColumns = Omit<typeof rounds.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'paramsVersion' | 'closingReminderSentAt'>;

// SPEC §3: every listed document type but 'other' is needed unless the round says otherwise.
export const DEFAULT_REQUIRED_DOCUMENTS: DocumentType[] = documentTypes.filter((t) => t !== 'other');

export const DEFAULT_RUBRIC: Rubric = {
  criteria: [
    { key: 'innovation', label: '技术先进性 / innovation', maxPoints: 30, weight: 1 },
    { key: 'firstBatch', label: '首批次应用属性 / first-batch use', maxPoints: 30, weight: 1 },
    { key: 'market', label: '市场与产业带动 / market impact', maxPoints: 20, weight: 1 },
    { key: 'risk', label: '风险保障合理性 / risk cover', maxPoints: 20, weight: 1 },
  ],
  passMark: 60,
};

// SPEC §1 and §5 policy figures: 80 % of the premium, 3 % rate cap, 5 × contract and RMB 500
// million limit caps, RMB 200,000 minimum contract (Zhejiang pilot), 3 policy years.
export const ROUND_DEFAULTS = {
  rateBp: 8000,
  premiumRateCapBp: 300,
  limitMultiple: 5,
  absoluteLimitFen: 50_000_000_000n,
  minContractFen: 20_000_000n,
  maxYears: 3,
  banYears: 3,
  perFirmCapFen: null,
  budgetFen: null,
  excludedCategories: [],
  excludedEntryIds: [],
  requiredDocuments: DEFAULT_REQUIRED_DOCUMENTS,
  clockLengths: defaultClockLengths,
  rubric: DEFAULT_RUBRIC,
  expertQuorum: 3,
} satisfies Partial<RoundColumns>;

type Fields = Omit<RoundPatch, 'reason'>;

/**
 * Request fields (yuan names, already parsed to fen) → column names. Only the fields sent are
 * returned; clock lengths sent in part keep the others from `clockBase`.
 */
export function toColumns(body: Fields, clockBase: ClockLengths): Partial<RoundColumns> {
  const { absoluteLimit, minContract, perFirmCap, budget, clockLengths, ...same } = body;
  const out: Partial<RoundColumns> = {
    ...same,
    absoluteLimitFen: absoluteLimit,
    minContractFen: minContract,
    perFirmCapFen: perFirmCap,
    budgetFen: budget,
    clockLengths: clockLengths && { ...clockBase, ...stripUndefined(clockLengths) },
  };
  return stripUndefined(out);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
