import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { clocks, noticeCases, notices, objections } from '../../db/schema';
import type { CaseEvent } from '../../workflows/case/types';
import type { AppContext } from '../context';
import { notFound, unprocessable } from '../errors';
import { applyEvent } from '../engine/transition';
import { caseWorkflow } from '../cases/workflow';
import { visibleText } from '../domain/text';
import { tellObjector } from './resolve-objection';
import { objectionHandling } from './objection-receipt';

const PHONE = /^\+?[0-9][0-9 -]{5,19}$/;

export const objectionSchema = z.strictObject({
  caseId: z.uuid({ error: 'not a case id' }),
  name: visibleText(1, 100, 'your name (or your organisation’s) is required', '请填写您（或您所在单位）的名称'),
  contact: z
    .string()
    .trim()
    .max(200)
    .refine((c) => z.email().safeParse(c).success || PHONE.test(c), {
      message: 'the contact, if you give one, must be an email address or a phone number',
      params: { messageZh: '联系方式须为电子邮箱或电话号码（可不填）' },
    })
    .optional(),
  reason: visibleText(10, 5000, 'say in at least 10 characters what is wrong', '请用至少 10 个字说明异议的理由'),
});

/**
 * POST /public/notices/:id/objections: anyone, without an account, objects to one case of an
 * open notice. The objection is stored and the case hears OBJECTION in the same transaction, so
 * the provincial reviewers' clock starts exactly when the objection exists.
 */
export async function fileObjection(app: AppContext, noticeId: string, input: z.output<typeof objectionSchema>, requestId: string) {
  return app.db.transaction(async (tx) => {
    const now = app.clock.now();
    // FOR SHARE: the notice cannot close under an objection being filed, nor the other way round
    const [notice] = await tx.select({ id: notices.id, state: notices.state }).from(notices).where(eq(notices.id, noticeId)).for('share');
    if (!notice || notice.state === 'new') throw notFound('notice');
    const [period] = await tx
      .select({ dueAt: clocks.dueAt })
      .from(clocks)
      .where(and(eq(clocks.ownerId, noticeId), eq(clocks.kind, 'noticePeriod')))
      .orderBy(desc(clocks.startedAt))
      .limit(1);
    // the period ends at 23:59:59 of its last day, even before the sweep has closed the notice
    if (notice.state !== 'open' || (period && period.dueAt < now)) {
      throw unprocessable('the notice period has ended', [{ path: '', code: 'objection.noticeClosed', message: 'objections are accepted only during the notice period', messageZh: '公示期已结束，不再受理异议' }]);
    }
    const [member] = await tx.select().from(noticeCases).where(and(eq(noticeCases.noticeId, noticeId), eq(noticeCases.caseId, input.caseId)));
    if (!member) throw unprocessable('the case is not on this notice', [{ path: 'caseId', code: 'objection.notMember', message: 'this case is not on this notice', messageZh: '该申请不在本次公示中' }]);

    const cw = caseWorkflow(app);
    const locked = await cw.load(tx, input.caseId, true);
    if (locked.row.state !== 'notice' && locked.row.state !== 'objection') {
      throw unprocessable('the case is no longer on notice', [{ path: 'caseId', code: 'objection.caseDecided', message: 'this case has already been decided', messageZh: '该申请已有结论，不再受理异议' }]);
    }
    const [row] = await tx
      .insert(objections)
      .values({ noticeId, caseId: input.caseId, name: input.name, contact: input.contact ?? null, reason: input.reason, createdAt: now })
      .returning();
    if (!row) throw new Error('objection insert returned nothing');
    const event = { type: 'OBJECTION', objectionId: row.id, meta: { at: now.toISOString(), actorId: null, role: 'system' } } satisfies CaseEvent;
    await applyEvent(tx, app, cw, { id: input.caseId, locked, user: null, requestId, event });
    await tellObjector(tx, row, locked.row, 'objection.received', { outcomeZh: '', outcomeEn: '', reason: '' }, now);
    const handling = await objectionHandling(tx, noticeId, row.id);
    return { id: row.id, reference: handling?.reference ?? '', noticeId, caseId: input.caseId, status: 'open' as const, receivedAt: now.toISOString(), resolveBy: handling?.resolveBy ?? null };
  });
}
