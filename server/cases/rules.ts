import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { enterprises } from '../../db/schema';
import type { FieldError } from '../errors';
import type { CaseRow, RoundRow } from '../engine/scope';
import { shanghaiDate } from '../calendar/workdays';

type Rule = (c: { tx: Tx; row: CaseRow; round: RoundRow; now: Date; firm: typeof enterprises.$inferSelect }) => FieldError | FieldError[] | null;

const problem = (code: string, path: string, en: string, zh: string): FieldError => ({ code, path, message: en, messageZh: zh });

// SPEC §5: every failing rule is reported at once, each with a stable code and a field path.
const rules: Rule[] = [
  ({ round, now }) =>
    now < round.opensAt || now >= round.closesAt
      ? problem('round.closed', 'roundId', `the round accepts applications from ${round.opensAt.toISOString()} until ${round.closesAt.toISOString()}`, `本批次申报时间为 ${round.opensAt.toISOString()} 至 ${round.closesAt.toISOString()}`)
      : null,
  ({ firm, now }) =>
    firm.bannedUntil && firm.bannedUntil >= shanghaiDate(now)
      ? problem('firm.banned', 'enterprise', `the firm is barred from the programme until ${firm.bannedUntil}`, `企业在 ${firm.bannedUntil} 前被禁止申报`)
      : null,
  ({ row }) => (row.material.name ? null : problem('material.name_missing', 'material.name', 'the material name is missing', '缺少材料名称')),
  ({ row }) => (row.contractAmountFen === null ? problem('contract.amount_missing', 'contract.amount', 'the contract amount is missing', '缺少合同金额') : null),
  ({ row }) => (row.insurerId === null ? problem('policy.insurer_missing', 'policy.insurerId', 'the insurer is missing', '缺少承保保险公司') : null),
];

export function submissionProblems(now: Date) {
  return async (tx: Tx, row: CaseRow, round: RoundRow): Promise<FieldError[]> => {
    const [firm] = await tx.select().from(enterprises).where(eq(enterprises.id, row.enterpriseId));
    if (!firm) throw new Error(`case ${row.id} has no firm`);
    return rules.flatMap((rule) => rule({ tx, row, round, now, firm }) ?? []);
  };
}
