import { randomUUID } from 'node:crypto';
import { asc, eq, inArray, sql } from 'drizzle-orm';
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
import { formatYuan, groupedYuan } from '../domain/money';
import { cities } from '../domain/cities';
import { tellCases } from '../cases/system-events';
import { batchWorkflow } from './workflow';
import { committedFen, lockRoundReduction } from '../pro-rata/figures';
import { presentBatch } from './get';
import { batchRefusalOf, batchRefusalWords, eligibleForBatch, liveBatchOf } from './eligible';

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
      // a case named twice is refused by the service (422), beside the other cases it refuses
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

/** A case the batch would take (eligible.ts): calculated, of the round (and city), with a subsidy above zero, in no live batch, its firm's bank account on record. */
export interface BatchCandidate {
  id: string;
  number: string;
  city: string;
  firmName: string;
  amount: string;
}

/**
 * The cases a batch of the round (and city, when one is named) may take, in id order, at most one
 * more than a batch holds: what POST /disbursements takes for a city, and what a page offers to
 * tick before it asks.
 */
export async function batchCandidates(db: DbOrTx, roundId: string, city?: string): Promise<BatchCandidate[]> {
  const rows = await db
    .select({ id: cases.id, number: cases.number, city: cases.city, firmName: enterprises.name, subsidyFen: cases.subsidyFen })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(eligibleForBatch({ roundId, city }))
    .orderBy(asc(cases.id))
    .limit(MAX_BATCH_CASES + 1);
  return rows.map((r) => ({ id: r.id, number: r.number, city: r.city, firmName: r.firmName, amount: formatYuan(r.subsidyFen ?? 0n) }));
}

/** Every case of the round in the city that a batch may take, in id order. */
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
 * cannot be put into the batch — unknown, named twice, or failing the rule the city's gathering
 * takes by (eligible.ts) — all at once; answers the members.
 */
async function checkMembers(tx: Tx, caseIds: readonly string[], input: CreateBatchInput): Promise<Member[]> {
  const scope = { roundId: input.roundId, city: input.city };
  const rows = await tx
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      approvedAt: cases.approvedAt,
      subsidyFen: cases.subsidyFen,
      firmName: enterprises.name,
      bankName: enterprises.bankName,
      bankAccount: enterprises.bankAccount,
      liveBatch: liveBatchOf,
      refusal: batchRefusalOf(scope),
    })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(inArray(cases.id, [...caseIds]))
    .orderBy(asc(cases.id))
    .for('update', { of: cases });
  const problems: FieldError[] = caseIds.flatMap((id, i): FieldError[] => {
    const path = `caseIds.${i}`;
    const row = rows.find((r) => r.id === id);
    if (caseIds.indexOf(id) < i) {
      const named = row?.approvedAt ? row.number : id;
      return [{ path, code: 'batch.namedTwice', message: `case ${named} is named twice`, messageZh: `申请 ${named} 被选了两次` }];
    }
    // finance sees approved cases only: any other answers like no case at all
    if (!row || row.approvedAt === null) return [{ path, code: 'batch.noCase', message: `no approved case has the id ${id}`, messageZh: `没有编号为 ${id} 的已批准申请` }];
    return row.refusal === null ? [] : [{ path, ...batchRefusalWords(row.refusal, row, scope) }];
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
  const [adding, already, budget, over] = [addingFen, committed, budgetFen, committed + addingFen - budgetFen].map(groupedYuan);
  throw unprocessable('the batch would pay more than the round\'s budget (拨付总额将超出本轮申报预算)', [
    {
      path: input.caseIds !== undefined ? 'caseIds' : 'city',
      code: 'batch.overBudget',
      message: `the batch's ${adding} yuan, with the ${already} yuan already committed, passes the round's budget of ${budget} yuan by ${over} yuan: apply a pro-rata reduction first (POST /rounds/${roundId}/pro-rata), or take fewer cases`,
      messageZh: `本拨付批次 ${adding} 元，加上已纳入拨付的 ${already} 元，将超出本轮申报预算 ${budget} 元（超出 ${over} 元）：请先按比例核减，或减少纳入的申请`,
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
