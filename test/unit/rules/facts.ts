import type { CaseRow, RoundRow } from '../../../server/engine/scope';
import type { EnterpriseRow, EntryRow, Rule, SubmissionFacts } from '../../../server/cases/rules/problem';
import type { FieldError } from '../../../server/errors';
import { makeUscc } from '../../../server/domain/uscc';
import { defaultClockLengths } from '../../../server/engine/clock-kinds';

// Plain rows for the §5 rules: a complete application that passes every rule, in an open round.
// Each test breaks one thing. The database reads that produce these facts are tested elsewhere.

export const FIRM_USCC = makeUscc('91330100MA2B3C4D5');
export const BUYER_USCC = makeUscc('91330200MA2E6F7G8');
/** The same code with another check character. */
export const wrongCheck = (uscc: string) => uscc.slice(0, 17) + (uscc.endsWith('0') ? '1' : '0');
export const INSURER = 'insurer-picc';
export const NOW = new Date('2026-06-15T02:00:00.000Z');

export const REQUIRED = ['business_license', 'sales_contract', 'insurance_policy'];

export function roundRow(over: Partial<RoundRow> = {}): RoundRow {
  return {
    id: 'round-2026',
    name: '2026 年度第一批',
    year: 2026,
    editionId: 'edition-2026',
    opensAt: new Date('2026-01-01T00:00:00+08:00'),
    closesAt: new Date('2026-12-31T23:59:00+08:00'),
    insuranceStartsOn: '2025-09-01',
    insuranceEndsOn: '2026-12-31',
    insurerIds: [INSURER, 'insurer-cpic'],
    rateBp: 8000,
    premiumRateCapBp: 300,
    limitMultiple: 5,
    absoluteLimitFen: 50_000_000_000n,
    minContractFen: 20_000_000n,
    maxYears: 3,
    banYears: 3,
    expertQuorum: 3,
    perFirmCapFen: null,
    budgetFen: null,
    excludedCategories: [],
    excludedEntryIds: [],
    requiredDocuments: REQUIRED,
    clockLengths: defaultClockLengths,
    rubric: null,
    paramsVersion: 1,
    closingReminderSentAt: null,
    createdAt: new Date('2025-12-01T00:00:00Z'),
    updatedAt: new Date('2025-12-01T00:00:00Z'),
    ...over,
  };
}

export function caseRow(over: Partial<CaseRow> = {}): CaseRow {
  return {
    id: 'case-1',
    number: 'ZJ2026-000001',
    roundId: 'round-2026',
    enterpriseId: 'firm-1',
    city: '330100',
    catalogueEntryId: 'entry-1',
    renewalOf: null,
    material: { name: '超纯氨', specification: '7N', batchNo: 'B1' },
    userUnit: { name: '用户单位有限公司', uscc: BUYER_USCC, notAffiliate: true, notTrader: true },
    contract: { number: 'HT-1', signedOn: '2026-03-01', quantity: '20', unit: '吨', deliveredOn: '2026-04-01' },
    contractAmountFen: 1_000_000_000n,
    policy: { number: 'PICC-1', startsOn: '2026-04-01', endsOn: '2027-03-31', premiumInvoiceNo: 'FP-1', paidOn: '2026-04-02' },
    insurerId: INSURER,
    liabilityLimitFen: 6_000_000_000n,
    premiumFen: 150_000_000n,
    // computed by Postgres (db/schema/policy-number-key.ts); the rules compare it, never build it
    policyNumberKey: 'picc1',
    state: 'draft',
    machineVersion: 'case@1',
    snapshot: { value: 'draft', context: {} },
    version: 1,
    subsidyFen: null,
    subsidyDerivation: null,
    approvedAt: null,
    createdBy: 'user-1',
    createdAt: new Date('2026-05-01T00:00:00Z'),
    updatedAt: new Date('2026-05-01T00:00:00Z'),
    submittedAt: null,
    ...over,
  };
}

export function firmRow(over: Partial<EnterpriseRow> = {}): EnterpriseRow {
  return {
    id: 'firm-1',
    name: '测试新材料有限公司',
    uscc: FIRM_USCC,
    city: '330100',
    address: '杭州市',
    contactName: '联系人',
    contactPhone: '13800000000',
    contactEmail: 'contact@example.test',
    bankName: '中国工商银行',
    bankAccount: '1202000000000000001',
    affiliations: [],
    bannedUntil: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...over,
  };
}

export function entryRow(over: Partial<EntryRow> = {}): EntryRow {
  return { id: 'entry-1', editionId: 'edition-2026', seq: 1, name: '超纯氨', requirements: '', applicationField: '', topCategory: '关键战略材料', majorCategory: '电子化工', subCategory: '电子气体', ...over };
}

export function facts(over: Partial<SubmissionFacts> = {}): SubmissionFacts {
  return {
    row: caseRow(),
    round: roundRow(),
    now: NOW,
    firm: firmRow(),
    entry: entryRow(),
    documentTypes: new Set(REQUIRED),
    duplicate: null,
    renewal: null,
    ...over,
  };
}

/** What a list of rules reports, in order, as the service collects it. */
export const problems = (rules: Rule[], f: SubmissionFacts): FieldError[] => rules.flatMap((rule) => rule(f) ?? []);
