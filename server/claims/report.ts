import { randomUUID } from 'node:crypto';
import { eq, max } from 'drizzle-orm';
import { claims } from '../../db/schema';
import type { PolicyBody } from '../../db/schema/cases';
import { CLAIM_MACHINE_VERSION, type ClaimMachine } from '../../workflows/claim/machine';
import type { ServiceContext } from '../context';
import { AppError, conflict, forbidden, unprocessable, type FieldError } from '../errors';
import { formatYuan } from '../domain/money';
import { shanghaiDate } from '../calendar/workdays';
import { applyEvent, initialState } from '../engine/transition';
import { loadVisibleCase } from '../cases/get';
import type { CaseRow } from '../engine/scope';
import { caseIsApproved } from './case-approved';
import { allowedClaimEvents, claimWorkflow } from './workflow';
import { claimView, type ClaimView } from './present';
import { reportClaimSchema, type ReportClaim } from './body';
import { dayWords } from '../domain/date-words';

/**
 * Checked before the body is read: the case must be one the caller sees (404 otherwise), and the
 * caller its firm (403 for a reviewer or insurer who sees it).
 */
export async function assertMayReport(ctx: ServiceContext, caseId: string): Promise<void> {
  const { row } = await loadVisibleCase(ctx, caseId);
  checkReporter(ctx, row);
}

function checkReporter(ctx: ServiceContext, row: CaseRow): void {
  if (!ctx.user.roles.includes('firm') || ctx.user.enterpriseId !== row.enterpriseId) {
    throw forbidden('only the applicant firm may report a claim under its policy (只有申报企业可以报告理赔)');
  }
}

/**
 * POST /cases/:id/claims (SPEC §7): in one transaction, with the case locked so that its claims
 * are numbered in order, the claim is created and reported — its first history entry — and the
 * insurer's staff are told.
 */
export async function reportClaim(ctx: ServiceContext, caseId: string, input: ReportClaim): Promise<ClaimView> {
  return ctx.app.db.transaction(async (tx) => {
    const { row: c } = await loadVisibleCase(ctx, caseId, tx, true);
    checkReporter(ctx, c);
    if (!caseIsApproved(c)) {
      throw conflict(`a claim can be reported only under the policy of an approved application; this one is ${c.state} (只有已通过审核的申请可以报告理赔)`);
    }
    const now = ctx.app.clock.now();
    const problems = occurrenceProblems(input.occurredOn, c.policy, shanghaiDate(now));
    if (problems.length > 0) throw unprocessable('the claim cannot be reported', problems);

    const [last] = await tx.select({ seq: max(claims.seq) }).from(claims).where(eq(claims.caseId, caseId));
    const seq = (last?.seq ?? 0) + 1;
    const def = claimWorkflow(ctx.app);
    const id = randomUUID();
    const first = initialState<ClaimMachine>(def, CLAIM_MACHINE_VERSION, { claimId: id, caseId });
    await tx.insert(claims).values({
      id,
      number: `${c.number}-LP${seq}`,
      caseId,
      seq,
      kind: input.kind,
      occurredOn: input.occurredOn,
      amountFen: input.amount,
      description: input.description,
      state: first.state,
      machineVersion: first.machineVersion,
      snapshot: first.snapshot,
      reportedBy: ctx.user.id,
      reportedAt: now,
    });
    const meta = { at: now.toISOString(), actorId: ctx.user.id, role: 'firm' as const };
    const event = { type: 'REPORT' as const, occurredOn: input.occurredOn, kind: input.kind, amount: formatYuan(input.amount), description: input.description, meta };
    const reported = await applyEvent(tx, ctx.app, def, { id, user: ctx.user, requestId: ctx.requestId, event });
    return claimView(reported.row, reported.facts, allowedClaimEvents(reported.snapshot, ctx.user, reported.facts));
  });
}

/**
 * What the policy period refuses in a claim report its schema refused, where the day of the loss
 * did parse: said with the amount's and the description's problems, not after they are put right.
 * Only for the firm that may report under an approved application; anyone else hears no more.
 */
export async function occurrenceProblemsBeside(ctx: ServiceContext, caseId: string, body: unknown, named: readonly FieldError[]): Promise<FieldError[]> {
  if (named.some((e) => e.path === 'occurredOn')) return [];
  const day = reportClaimSchema.shape.occurredOn.safeParse(typeof body === 'object' && body !== null ? (body as Record<string, unknown>).occurredOn : undefined);
  if (!day.success) return [];
  let row: CaseRow;
  try {
    row = (await loadVisibleCase(ctx, caseId)).row;
    checkReporter(ctx, row);
  } catch (err) {
    if (err instanceof AppError && (err.kind === 'not_found' || err.kind === 'forbidden')) return [];
    throw err;
  }
  if (!caseIsApproved(row)) return [];
  return occurrenceProblems(day.data, row.policy, shanghaiDate(ctx.app.clock.now()));
}

/** The loss must have happened while the policy was in force, and not after today (Beijing date). */
export function occurrenceProblems(occurredOn: string, policy: Partial<PolicyBody>, today: string): FieldError[] {
  const path = 'occurredOn';
  if (occurredOn > today) {
    return [{ path, code: 'claim.future', message: `the loss cannot have happened after today (${dayWords(today, 'en')})`, messageZh: `出险日期不能晚于今天（${dayWords(today, 'zh')}）` }];
  }
  const { startsOn, endsOn } = policy;
  if (startsOn === undefined || occurredOn < startsOn) {
    return [{ path, code: 'claim.beforePolicy', message: `the policy starts on ${startsOn ? dayWords(startsOn, 'en') : '(no date)'}: the loss happened before it`, messageZh: `保单自 ${startsOn ? dayWords(startsOn, 'zh') : '（无日期）'} 起生效，出险日期早于保险期间` }];
  }
  if (endsOn === undefined || occurredOn > endsOn) {
    return [{ path, code: 'claim.afterPolicy', message: `the policy ended on ${endsOn ? dayWords(endsOn, 'en') : '(no date)'}: the loss happened after it`, messageZh: `保单已于 ${endsOn ? dayWords(endsOn, 'zh') : '（无日期）'} 到期，出险日期晚于保险期间` }];
  }
  return [];
}
