import { and, eq, gt, sql, type SQL } from 'drizzle-orm';
import { cases, disbursementBatches, enterprises, payments } from '../../db/schema';

// Which approved case a batch may take (SPEC §1, §7), said once: the city's gathering and the page's
// list filter by it, and a case finance names is refused by the first of its conditions it fails.
// Each condition reads a case's row joined to its firm (`cases` inner join `enterprises`).

/** Where a batch is made: its round, and its city when one is named. */
export interface BatchScope {
  roundId: string;
  city?: string | undefined;
}

/** What a refusal names of the case. */
interface Refused {
  number: string;
  state: string;
  liveBatch: string | null;
}

interface Condition {
  code: string;
  holds: (scope: BatchScope) => SQL;
  refusal: (c: Refused, scope: BatchScope) => { message: string; messageZh: string };
}

/** The number of the batch a case has a pending payment in: a live batch holds it. */
export const liveBatchOf = sql<string | null>`(select ${disbursementBatches.number} from ${payments} inner join ${disbursementBatches} on ${disbursementBatches.id} = ${payments.batchId} where ${payments.caseId} = ${cases.id} and ${payments.status} = 'pending' limit 1)`;

/** In the order a refusal is told: a case in another batch is said to be there, not merely "batched". */
const CONDITIONS: readonly Condition[] = [
  {
    code: 'inLiveBatch',
    holds: () => sql`${liveBatchOf} is null`,
    refusal: (c) => ({ message: `case ${c.number} is already in the batch ${c.liveBatch ?? ''}`, messageZh: `申请 ${c.number} 已在拨付批次 ${c.liveBatch ?? ''} 中` }),
  },
  {
    code: 'notCalculated',
    holds: () => eq(cases.state, 'calculated'),
    refusal: (c) => ({ message: `case ${c.number} is ${c.state}, not awaiting payment`, messageZh: `申请 ${c.number} 当前状态为 ${c.state}，不在待拨付状态` }),
  },
  {
    code: 'otherRound',
    holds: (s) => eq(cases.roundId, s.roundId),
    refusal: (c) => ({ message: `case ${c.number} belongs to another round`, messageZh: `申请 ${c.number} 不属于该申报批次` }),
  },
  {
    code: 'otherCity',
    holds: (s) => (s.city === undefined ? sql`true` : eq(cases.city, s.city)),
    refusal: (c, s) => ({ message: `case ${c.number} is not of the city ${s.city ?? ''}`, messageZh: `申请 ${c.number} 不属于所选城市 ${s.city ?? ''}` }),
  },
  {
    code: 'zeroSubsidy',
    holds: () => gt(cases.subsidyFen, 0n),
    refusal: (c) => ({ message: `case ${c.number} has no subsidy to pay`, messageZh: `申请 ${c.number} 的补偿金额为零，无需拨付` }),
  },
  {
    code: 'noBankAccount',
    holds: () => sql`btrim(${enterprises.bankAccount}) <> ''`,
    refusal: (c) => ({ message: `the firm of case ${c.number} has no bank account on record`, messageZh: `申请 ${c.number} 的企业未登记收款银行账户` }),
  },
];

/** The cases a batch of the scope may take, as a WHERE condition (a condition on a null fails, as WHERE reads it). */
export const eligibleForBatch = (scope: BatchScope): SQL => and(...CONDITIONS.map((c) => c.holds(scope))) ?? sql`true`;

// as WHERE reads it: a condition on a null (no subsidy yet) fails
const holding = (c: Condition, scope: BatchScope) => sql`coalesce(${c.holds(scope)}, false)`;

/** The code of the first condition the case fails, or null when the batch may take it, as a selected column. */
export const batchRefusalOf = (scope: BatchScope): SQL<string | null> =>
  sql<string | null>`case ${sql.join(
    CONDITIONS.map((c) => sql`when not ${holding(c, scope)} then ${sql.raw(`'${c.code}'`)}`),
    sql` `,
  )} end`;

/** The words of a refusal `batchRefusalOf` answered. */
export function batchRefusalWords(code: string, c: Refused, scope: BatchScope): { code: string; message: string; messageZh: string } {
  const condition = CONDITIONS.find((x) => x.code === code);
  if (!condition) throw new Error(`no batch condition has the code ${code}`);
  return { code: `batch.${code}`, ...condition.refusal(c, scope) };
}
