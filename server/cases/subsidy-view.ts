import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { disbursementBatches, payments, recoveries, subsidyAdjustments } from '../../db/schema';
import { canSeeBatch } from '../../workflows/batch/permissions';
import type { ServiceContext } from '../context';
import { forbidden, notFound } from '../errors';
import { formatYuan, groupThousands } from '../domain/money';
import { subsidyDerivationSchema } from '../domain/subsidy-schema';
import type { SubsidyDerivationJson } from '../domain/subsidy';
import { dateOut, idOut, instantOut, yuanOut } from '../domain/formats';
import { loadVisibleCase } from './get';
import { seesSubsidy } from './present';

// GET /cases/:id/subsidy (SPEC §6, §7): the current figure, how it was derived, and every later
// adjustment, each step in the words a firm and an auditor read — Chinese first, English beside.

const stepSchema = z.strictObject({
  key: z.enum(['contract', 'liabilityLimit', 'premium', 'subsidisedLimit', 'premiumShare', 'rateCap', 'eligiblePremium', 'subsidy', 'perFirmCap', 'proRata', 'current']),
  zh: z.string(),
  en: z.string(),
  amount: yuanOut('the value of this step').nullable(),
});

const paymentSchema = z.strictObject({
  batchId: idOut('the disbursement batch that carries the payment'),
  batchNumber: z.string().meta({ description: 'the batch’s human-facing number', example: 'PB2026-0001' }),
  status: z.enum(['approved', 'paid', 'failed']).meta({ description: 'approved: the batch is approved and the bank has yet to answer; paid; failed: the case goes back to finance for a new batch' }),
  amount: yuanOut('the amount the batch ordered paid'),
  paidOn: dateOut('the day the bank paid it').nullable(),
  reference: z.string().nullable().meta({ description: 'the bank’s reference (流水号) of a paid payment' }),
  failure: z.string().nullable().meta({ description: 'what the bank said about a failed payment, as finance recorded it' }),
  bankName: z.string().meta({ description: 'the bank of the account paid into' }),
  accountLast4: z.string().meta({ description: 'the last four digits of the account paid into', example: '1234' }),
  bankAccount: z.string().nullable().meta({ description: 'the whole account number: to finance and provincial reviewers only, who read it on the batch; null to others' }),
});

export const subsidyViewSchema = z
  .strictObject({
    caseId: z.uuid(),
    caseNumber: z.string(),
    state: z.string(),
    amount: yuanOut('the current subsidy, after any cap or reduction'),
    calculated: yuanOut('S as calculated on approval, before any adjustment'),
    approvedAt: instantOut('when the case was approved'),
    derivation: subsidyDerivationSchema,
    adjustments: z.array(
      z.strictObject({
        kind: z.enum(['perFirmCap', 'proRata']),
        before: yuanOut('before the step'),
        after: yuanOut('after the step'),
        basis: z.record(z.string(), z.string()).meta({ description: 'what the step read: the cap and the firm’s earlier grants, or the budget and the total' }),
        proposalId: z.uuid().nullable(),
        at: instantOut('when it was applied'),
      }),
    ),
    steps: z.array(stepSchema).meta({ description: 'the derivation in words, step by step' }),
    recovery: z
      .strictObject({
        reason: z.string(),
        startedAt: instantOut('when the recovery started'),
        bannedUntil: dateOut('the firm is barred from applying until this date'),
        amount: yuanOut('the amount recovered').nullable(),
        reference: z.string().nullable(),
        recordedAt: instantOut('when the recovered amount was recorded').nullable(),
      })
      .nullable(),
    payment: paymentSchema
      .nullable()
      .meta({ description: 'the payment of the subsidy, from the approval of its batch on: the paid one, the one the bank is to pay, or else the last that failed; null before' }),
  })
  .meta({ id: 'CaseSubsidy', description: 'the subsidy of an approved case and its derivation (SPEC §6)' });
export type SubsidyView = z.output<typeof subsidyViewSchema>;

const pct = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

function stepsOf(d: SubsidyDerivationJson, adjustments: SubsidyView['adjustments'], amount: string): SubsidyView['steps'] {
  const p = d.params;
  // amounts in the words as everywhere else they are shown: grouped by thousands
  const g = (amount: string | null | undefined) => groupThousands(amount ?? '');
  const limitCaps = [p.limitMultiple === null ? null : `${p.limitMultiple} 倍合同金额`, p.absoluteLimit === null ? null : `${g(p.absoluteLimit)} 元`].filter(Boolean).join('、');
  const limitCapsEn = [p.limitMultiple === null ? null : `${p.limitMultiple} × the contract amount`, p.absoluteLimit === null ? null : `${g(p.absoluteLimit)} yuan`].filter(Boolean).join(' and ');
  const flags = new Set(d.flags);
  const steps: SubsidyView['steps'] = [
    { key: 'contract', zh: '合同金额 C', en: 'contract amount C', amount: d.inputs.contract },
    { key: 'liabilityLimit', zh: '保单责任限额 L', en: 'liability limit of the policy L', amount: d.inputs.liabilityLimit },
    { key: 'premium', zh: '实缴保费 P', en: 'premium paid P', amount: d.inputs.premium },
    {
      key: 'subsidisedLimit',
      zh: `补偿责任限额 L′ = 责任限额与 ${limitCaps || '（无上限）'} 中的较小者${flags.has('limit_capped_by_multiple') ? '（按合同金额倍数封顶）' : ''}${flags.has('limit_capped_by_absolute') ? '（按绝对上限封顶）' : ''}`,
      en: `subsidised limit L′ = the smaller of L and ${limitCapsEn || '(no cap)'}${flags.has('limit_capped_by_multiple') ? ' (capped by the contract multiple)' : ''}${flags.has('limit_capped_by_absolute') ? ' (capped by the absolute limit)' : ''}`,
      amount: d.subsidisedLimit,
    },
    { key: 'premiumShare', zh: '补偿限额对应保费 P × L′ ÷ L', en: 'premium share of the subsidised limit P × L′ ÷ L', amount: floorYuan(d.premiumShareFen) },
  ];
  if (d.premiumRateCapFen && p.premiumRateCapBp !== null) {
    steps.push({
      key: 'rateCap',
      zh: `费率上限对应保费 ${pct(p.premiumRateCapBp)} × L′${flags.has('premium_rate_above_cap') ? '（保单费率超过上限，按上限计）' : ''}`,
      en: `premium at the capped rate ${pct(p.premiumRateCapBp)} × L′${flags.has('premium_rate_above_cap') ? ' (the policy’s rate is above the cap, which applies)' : ''}`,
      amount: floorYuan(d.premiumRateCapFen),
    });
  }
  steps.push(
    { key: 'eligiblePremium', zh: '可补偿保费 E = 以上两者中的较小者', en: 'eligible premium E = the smaller of the two', amount: d.eligiblePremium },
    { key: 'subsidy', zh: `补偿金额 S = ${pct(p.rateBp)} × E，计至分，舍去分以下部分`, en: `subsidy S = ${pct(p.rateBp)} × E, floored to the fen`, amount: d.subsidy },
  );
  for (const a of adjustments) {
    steps.push(
      a.kind === 'perFirmCap'
        ? { key: 'perFirmCap', zh: `单户企业补偿上限 ${g(a.basis.cap)} 元（本批次已获 ${g(a.basis.grantedBefore)} 元），核减后`, en: `per-firm cap of ${g(a.basis.cap)} yuan (${g(a.basis.grantedBefore)} yuan granted before in the round), after the cap`, amount: a.after }
        : { key: 'proRata', zh: `按比例核减（预算 ${g(a.basis.budget)} 元，核准总额 ${g(a.basis.total)} 元），核减后`, en: `pro-rata reduction (budget ${g(a.basis.budget)} yuan, approved total ${g(a.basis.total)} yuan), after the reduction`, amount: a.after },
    );
  }
  steps.push({ key: 'current', zh: '当前补偿金额', en: 'current subsidy', amount });
  return steps;
}

function floorYuan(f: { numerator: string; denominator: string }): string {
  return formatYuan(BigInt(f.numerator) / BigInt(f.denominator));
}

/** The last four characters of an account, spaces and dashes left out: what the firm and the city reviewer see of it. */
const last4 = (account: string) => account.replace(/[^0-9A-Za-z]/g, '').slice(-4);

/**
 * The payment a case's reader should know of (SPEC §4): the one paid, or ordered by an approved
 * batch, and else the last that failed. A payment of a batch not yet approved is a plan, not a
 * payment: it is left out, and a cancelled one with it.
 */
async function paymentOf(ctx: ServiceContext, caseId: string): Promise<SubsidyView['payment']> {
  const [p] = await ctx.app.db
    .select({ payment: payments, batchNumber: disbursementBatches.number })
    .from(payments)
    .innerJoin(disbursementBatches, eq(disbursementBatches.id, payments.batchId))
    .where(and(eq(payments.caseId, caseId), or(eq(payments.status, 'paid'), eq(payments.status, 'failed'), and(eq(payments.status, 'pending'), eq(disbursementBatches.state, 'approved')))))
    // a live payment (one at most: payments_case_live_key) before any failed one, then the latest
    .orderBy(sql`${payments.status} = 'failed'`, desc(payments.createdAt), desc(disbursementBatches.number))
    .limit(1);
  if (!p) return null;
  const { payment } = p;
  return {
    batchId: payment.batchId,
    batchNumber: p.batchNumber,
    status: payment.status === 'pending' ? 'approved' : payment.status === 'paid' ? 'paid' : 'failed',
    amount: formatYuan(payment.amountFen),
    paidOn: payment.paidOn,
    reference: payment.bankReference,
    failure: payment.failure,
    bankName: payment.bankName,
    accountLast4: last4(payment.bankAccount),
    // the batch page shows the account whole to those who read batches; everyone else, its last digits
    bankAccount: canSeeBatch(ctx.user) ? payment.bankAccount : null,
  };
}

export async function caseSubsidyOf(ctx: ServiceContext, caseId: string): Promise<SubsidyView> {
  const { row } = await loadVisibleCase(ctx, caseId);
  if (!seesSubsidy(ctx.user)) {
    throw forbidden('only the firm, its reviewers and finance see the subsidy (仅申报企业、审核人员和财务人员可查看补偿金额)');
  }
  if (row.subsidyFen === null || row.approvedAt === null || row.subsidyDerivation === null) {
    throw notFound('subsidy: it is calculated when the case is approved (补偿金额在申请批准后核定)');
  }
  const db = ctx.app.db;
  const adjustments = (await db.select().from(subsidyAdjustments).where(eq(subsidyAdjustments.caseId, row.id)).orderBy(asc(subsidyAdjustments.at), asc(subsidyAdjustments.id))).map((a) => ({
    kind: a.kind,
    before: formatYuan(a.beforeFen),
    after: formatYuan(a.afterFen),
    basis: a.basis as Record<string, string>,
    proposalId: a.proposalId,
    at: a.at.toISOString(),
  }));
  const [rec] = await db.select().from(recoveries).where(eq(recoveries.caseId, row.id));
  const derivation = row.subsidyDerivation as SubsidyDerivationJson;
  const amount = formatYuan(row.subsidyFen);
  return {
    caseId: row.id,
    caseNumber: row.number,
    state: row.state,
    amount,
    calculated: derivation.subsidy,
    approvedAt: row.approvedAt.toISOString(),
    derivation,
    adjustments,
    steps: stepsOf(derivation, adjustments, amount),
    recovery: rec
      ? {
          reason: rec.reason,
          startedAt: rec.startedAt.toISOString(),
          bannedUntil: rec.bannedUntil,
          amount: rec.amountFen === null ? null : formatYuan(rec.amountFen),
          reference: rec.reference,
          recordedAt: rec.recordedAt?.toISOString() ?? null,
        }
      : null,
    payment: await paymentOf(ctx, row.id),
  };
}
