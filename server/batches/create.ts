import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../../db/client';
import { batchCounters, cases, disbursementBatches, enterprises, payments, rounds } from '../../db/schema';
import { violatedUniqueIndex } from '../../db/errors';
import { BATCH_MACHINE_VERSION, type BatchMachine } from '../../workflows/batch/machine';
import type { CaseEvent } from '../../workflows/case/types';
import type { ServiceContext } from '../context';
import { conflict, unprocessable, type FieldError } from '../errors';
import { applyEvent, initialState } from '../engine/transition';
import { shanghaiDate } from '../calendar/workdays';
import { formatYuan } from '../domain/money';
import { cities } from '../domain/cities';
import { tellCases } from '../cases/system-events';
import { batchWorkflow } from './workflow';
import { committedFen, lockRoundReduction } from '../pro-rata/figures';
import { presentBatch } from './get';

/** At most this many cases to a batch: each is moved in the batch's one transaction. */
export const MAX_BATCH_CASES = 1000;
const cityCodes = cities.map((c) => c.code) as [string, ...string[]];

export const createBatchSchema = z
  .strictObject({
    // ids in capitals are the same ids: lower case, as Postgres compares them and as they are read back
    roundId: z.uuid({ error: 'not a round id' }).toLowerCase(),
    caseIds: z
      .array(z.uuid({ error: 'not a case id' }).toLowerCase())
      .min(1, 'name at least one case')
      .max(MAX_BATCH_CASES, `at most ${MAX_BATCH_CASES} cases in one batch`)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'a case is named twice', params: { messageZh: '同一申请被选了两次' } })
      .optional(),
    city: z.enum(cityCodes, { error: 'not a city code of the province (GET /cities)' }).optional(),
  })
  .refine((b) => b.caseIds !== undefined || b.city !== undefined, { path: ['caseIds'], message: 'name the cases, or a city whose calculated cases to take', params: { messageZh: '请选择申请，或选择一个城市以纳入其已核算的申请' } })
  .meta({ id: 'DisbursementBatchCreate' });
export type CreateBatchInput = z.output<typeof createBatchSchema>;

interface Member {
  id: string;
  number: string;
  subsidyFen: bigint;
  firmName: string;
  bankName: string;
  bankAccount: string;
}

/**
 * POST /disbursements (SPEC §1, §7): in one transaction the batch is created in `draft` with one
 * pending payment per case — amount, payee and account copied from the case and its firm — and
 * each member case, locked in id order, hears BATCHED from the system. With `city` and no
 * `caseIds`, every calculated case of the round in that city with a subsidy above zero is taken.
 */
export async function createBatch(ctx: ServiceContext, input: CreateBatchInput) {
  return ctx.app.db
    .transaction(async (tx) => {
      const now = ctx.app.clock.now();
      // one batch or reduction of a round at a time, so that two batches cannot each fit the budget alone
      await lockRoundReduction(tx, input.roundId);
      const [round] = await tx.select({ id: rounds.id, budgetFen: rounds.budgetFen }).from(rounds).where(eq(rounds.id, input.roundId));
      if (!round) throw unprocessable('the batch cannot be made', [{ path: 'roundId', code: 'batch.noRound', message: `no round has the id ${input.roundId}`, messageZh: `没有编号为 ${input.roundId} 的申报批次` }]);
      const named = input.caseIds ?? (await calculatedIn(tx, input.roundId, input.city ?? ''));
      const members = await checkMembers(tx, named, input);
      if (round.budgetFen !== null) await checkBudget(tx, round.id, round.budgetFen, members, input);

      const def = batchWorkflow(ctx.app);
      const id = randomUUID();
      const number = await nextNumber(tx, Number(shanghaiDate(now).slice(0, 4)));
      const first = initialState<BatchMachine>(def, BATCH_MACHINE_VERSION, { batchId: id, createdBy: ctx.user.id, payments: members.length });
      await tx.insert(disbursementBatches).values({
        id,
        number,
        roundId: input.roundId,
        city: input.city ?? null,
        state: first.state,
        machineVersion: first.machineVersion,
        snapshot: first.snapshot,
        createdBy: ctx.user.id,
        createdAt: now,
        updatedAt: now,
      });
      // numbered in case-number order, the order the bank file lists them in
      const ordered = [...members].sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
      await tx.insert(payments).values(
        ordered.map((m, i) => ({
          id: `PAY-${number}-${String(i + 1).padStart(4, '0')}`,
          batchId: id,
          caseId: m.id,
          seq: i + 1,
          amountFen: m.subsidyFen,
          payee: m.firmName,
          bankName: m.bankName,
          bankAccount: m.bankAccount,
          createdAt: now,
        })),
      );
      const meta = { at: now.toISOString(), actorId: ctx.user.id, role: 'finance' as const };
      const created = await applyEvent(tx, ctx.app, def, { id, user: ctx.user, requestId: ctx.requestId, event: { type: 'CREATE', meta } });

      const batched = { type: 'BATCHED', batchId: id, meta: { at: meta.at, actorId: null, role: 'system' } } satisfies CaseEvent;
      // moved by the system, as only a batch may; recorded as the creator's doing
      await tellCases(tx, ctx.app, ctx.requestId, members.map((m) => ({ caseId: m.id, event: batched })), { id: ctx.user.id, role: created.role });
      return presentBatch(tx, ctx, created.row, created.snapshot, created.facts);
    })
    .catch(livePaymentRace);
}

/** A case the batch would take: calculated, of the round (and city), with a subsidy above zero. */
export interface BatchCandidate {
  id: string;
  number: string;
  city: string;
  firmName: string;
  amount: string;
}

/**
 * The calculated cases of the round (in the city, when one is named) with a subsidy above zero, in
 * id order, at most one more than a batch holds: what POST /disbursements takes for a city, and
 * what a page shows before it asks.
 */
export async function batchCandidates(db: DbOrTx, roundId: string, city?: string): Promise<BatchCandidate[]> {
  const rows = await db
    .select({ id: cases.id, number: cases.number, city: cases.city, firmName: enterprises.name, subsidyFen: cases.subsidyFen })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(and(eq(cases.roundId, roundId), city === undefined ? undefined : eq(cases.city, city), eq(cases.state, 'calculated'), gt(cases.subsidyFen, 0n)))
    .orderBy(asc(cases.id))
    .limit(MAX_BATCH_CASES + 1);
  return rows.map((r) => ({ id: r.id, number: r.number, city: r.city, firmName: r.firmName, amount: formatYuan(r.subsidyFen ?? 0n) }));
}

/** Every calculated case of the round in the city with a subsidy above zero, in id order. */
async function calculatedIn(tx: Tx, roundId: string, city: string): Promise<string[]> {
  const rows = await batchCandidates(tx, roundId, city);
  if (rows.length === 0) {
    throw unprocessable('the batch cannot be made', [{ path: 'city', code: 'batch.noneInCity', message: `no case of the round in ${city} awaits a batch`, messageZh: `该申报批次在 ${city} 没有待拨付的申请` }]);
  }
  if (rows.length > MAX_BATCH_CASES) {
    throw unprocessable('the batch cannot be made', [
      { path: 'city', code: 'batch.tooMany', message: `more than ${MAX_BATCH_CASES} cases of the city await a batch: name them in parts`, messageZh: `该市待拨付的申请超过 ${MAX_BATCH_CASES} 项，请分批指定` },
    ]);
  }
  return rows.map((r) => r.id);
}

/**
 * Locks the named cases in id order (the order every multi-row lock takes) and names each that
 * cannot be put into the batch; answers the members.
 */
async function checkMembers(tx: Tx, caseIds: readonly string[], input: CreateBatchInput): Promise<Member[]> {
  const rows = await tx
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      roundId: cases.roundId,
      city: cases.city,
      approvedAt: cases.approvedAt,
      subsidyFen: cases.subsidyFen,
      firmName: enterprises.name,
      bankName: enterprises.bankName,
      bankAccount: enterprises.bankAccount,
    })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(inArray(cases.id, [...caseIds]))
    .orderBy(asc(cases.id))
    .for('update', { of: cases });
  const live = await tx
    .select({ caseId: payments.caseId, number: disbursementBatches.number })
    .from(payments)
    .innerJoin(disbursementBatches, eq(disbursementBatches.id, payments.batchId))
    .where(and(inArray(payments.caseId, [...caseIds]), eq(payments.status, 'pending')));
  const problems: FieldError[] = caseIds.flatMap((id, i): FieldError[] => {
    const path = `caseIds.${i}`;
    const row = rows.find((r) => r.id === id);
    const why = (code: string, en: string, zh: string): FieldError[] => [{ path, code: `batch.${code}`, message: en, messageZh: zh }];
    // finance sees approved cases only: any other answers like no case at all
    if (!row || row.approvedAt === null) return why('noCase', `no approved case has the id ${id}`, `没有编号为 ${id} 的已批准申请`);
    const inBatch = live.find((l) => l.caseId === id);
    if (inBatch) return why('inLiveBatch', `case ${row.number} is already in the batch ${inBatch.number}`, `申请 ${row.number} 已在拨付批次 ${inBatch.number} 中`);
    if (row.state !== 'calculated') return why('notCalculated', `case ${row.number} is ${row.state}, not awaiting payment`, `申请 ${row.number} 当前状态为 ${row.state}，不在待拨付状态`);
    if (row.roundId !== input.roundId) return why('otherRound', `case ${row.number} belongs to another round`, `申请 ${row.number} 不属于该申报批次`);
    if (input.city !== undefined && row.city !== input.city) return why('otherCity', `case ${row.number} is not of the city ${input.city}`, `申请 ${row.number} 不属于所选城市 ${input.city}`);
    if (row.subsidyFen === null || row.subsidyFen <= 0n) return why('zeroSubsidy', `case ${row.number} has no subsidy to pay`, `申请 ${row.number} 的补偿金额为零，无需拨付`);
    if (row.bankAccount.trim() === '') return why('noBankAccount', `the firm of case ${row.number} has no bank account on record`, `申请 ${row.number} 的企业未登记收款银行账户`);
    return [];
  });
  if (problems.length > 0) throw unprocessable('the batch cannot be made', problems);
  return rows.map((r) => ({ id: r.id, number: r.number, subsidyFen: r.subsidyFen ?? 0n, firmName: r.firmName, bankName: r.bankName, bankAccount: r.bankAccount }));
}

/**
 * A round's budget is what it may pay (SPEC §6): a batch that would take what is committed already
 * (batched, approved, paid) past it is refused, and finance is pointed to the pro-rata reduction,
 * which shares what is left of the budget among the calculated cases.
 */
async function checkBudget(tx: Tx, roundId: string, budgetFen: bigint, members: readonly Member[], input: CreateBatchInput): Promise<void> {
  const committed = await committedFen(tx, roundId);
  const addingFen = members.reduce((sum, m) => sum + m.subsidyFen, 0n);
  if (committed + addingFen <= budgetFen) return;
  const [adding, already, budget, over] = [addingFen, committed, budgetFen, committed + addingFen - budgetFen].map(formatYuan);
  throw unprocessable('the batch would pay more than the round\'s budget (拨付总额将超出本批次预算)', [
    {
      path: input.caseIds !== undefined ? 'caseIds' : 'city',
      code: 'batch.overBudget',
      message: `the batch's ${adding} yuan, with the ${already} yuan already committed, passes the round's budget of ${budget} yuan by ${over} yuan: apply a pro-rata reduction first (POST /rounds/${roundId}/pro-rata), or take fewer cases`,
      messageZh: `本拨付批次 ${adding} 元，加上已纳入拨付的 ${already} 元，将超出本批次预算 ${budget} 元（超出 ${over} 元）：请先按比例核减，或减少纳入的申请`,
    },
  ]);
}

async function nextNumber(tx: Tx, year: number): Promise<string> {
  const [row] = await tx
    .insert(batchCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: batchCounters.year, set: { last: sql`${batchCounters.last} + 1` } })
    .returning();
  return `PB${year}-${String(row?.last ?? 1).padStart(4, '0')}`;
}

/** The database's own refusal of a second live payment of a case (payments_case_live_key): a race lost, not a 500. */
export function livePaymentRace(err: unknown): never {
  if (violatedUniqueIndex(err) === 'payments_case_live_key') throw conflict('a case of this batch was paid or put into another batch meanwhile; reload and try again');
  throw err;
}
