import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clockMovedSchema, clockReadSchema } from '../../server/admin/clock-schema';
import { invitationAcceptedSchema, invitationSentSchema, userDetailSchema, userListSchema, userViewSchema } from '../../server/admin/users/schema';
import { caseHistorySchema, chainReportSchema, noticeHistorySchema } from '../../server/audit/schema';
import { calendarYearReplacedSchema, calendarYearViewSchema } from '../../server/calendar/admin-schema';
import { isWeekend } from '../../server/calendar/dates';
import { caseListSchema } from '../../server/cases/list-schema';
import { caseEventResultSchema, caseViewSchema } from '../../server/cases/view-schema';
import { subsidyViewSchema } from '../../server/cases/subsidy-view';
import { shanghaiDate } from '../../server/calendar/dates';
import {
  editionPreviewSchema,
  editionViewSchema,
  entryPageSchema,
  importedEditionSchema,
  publishedEditionListSchema,
  publishedEditionSchema,
} from '../../server/catalogue/view-schema';
import { documentListSchema, documentViewSchema } from '../../server/documents/view-schema';
import { enterpriseChangesSchema } from '../../server/enterprises/changes-schema';
import { enterpriseListSchema } from '../../server/enterprises/list-schema';
import { enterpriseSchema, registeredSchema, registrationPendingSchema } from '../../server/enterprises/schema';
import { userSchema } from '../../server/http/routes/auth';
import { insurerListSchema, insurerSchema } from '../../server/insurers/schema';
import { notificationListSchema } from '../../server/notifications/schema';
import { noticeViewSchema, objectionReceiptSchema, publicNoticeListSchema, publicNoticeSchema } from '../../server/notices/view-schema';
import { cityListSchema } from '../../server/reference/schema';
import { roundChangesSchema, roundListSchema, roundViewSchema } from '../../server/rounds/view-schema';
import { taskListSchema } from '../../server/tasks/schema';
import { randomUscc } from '../../seeds/factories';
import { upload } from '../fixtures/documents/client';
import { pdfBytes } from '../fixtures/documents/files';
import { useTestApp } from '../support/use-app';
import type { ApiResponse } from '../support/http';
import { confirmationTokensFor, invitationTokensFor } from '../support/registration';

// In the test app every answer is parsed with its route's schema (CHECK_RESPONSES, route.ts), so a
// mismatch anywhere is a 500. This file adds what that check cannot see: that the OpenAPI document
// publishes the schema for each status, and closed copies of the open schemas (auth, enterprises),
// so a field a presenter gains without its schema fails here.

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}

// a database of its own: this file publishes an edition, replaces a calendar year and moves the clock
const { t, w } = useTestApp({ ownDatabase: true });
let doc: OpenApiDoc;

beforeAll(async () => {
  doc = (await t.api.get<OpenApiDoc>('/openapi.json')).body;
});

// the schemas of auth.ts and enterprises/schema.ts are open objects; checked closed here
const meStrict = z.strictObject(userSchema.shape);
const enterpriseStrict = z.strictObject(enterpriseSchema.shape);
const registeredStrict = z.strictObject({ enterprise: enterpriseStrict, user: z.strictObject(registeredSchema.shape.user.shape) });
const loginStrict = z.strictObject({ token: z.string(), user: meStrict });

/**
 * The answer has the expected status and parses with `schema`; for a named schema, it is also the
 * one the route documents for that status (`documented` when `schema` is a closed copy of it).
 */
function conforms(res: ApiResponse<unknown>, status: number, schema: z.ZodType, route: string, documented: z.ZodType = schema): void {
  expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(status);
  const parsed = schema.safeParse(res.body);
  expect(parsed.success ? [] : parsed.error.issues, route).toEqual([]);
  const id = documented.meta()?.id;
  if (id === undefined) return;
  const [method = '', path = ''] = route.split(' ');
  const content = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content;
  expect(content?.['application/json']?.schema, route).toEqual({ $ref: `#/components/schemas/${id}` });
}

// the routes that answer with the file itself rather than JSON
const FILE_DOWNLOADS = ['/cases/{id}/documents/{docId}', '/claims/{id}/documents/{docId}'];

/** A bank file and the like: a success answer documented as a binary file of its own media type, not JSON. */
function isFileDownload(op: Operation, status: string): boolean {
  const content = (op.responses[status]?.content ?? {}) as Record<string, { schema?: { format?: string } }>;
  const types = Object.keys(content);
  return types.length > 0 && !types.includes('application/json') && types.every((m) => content[m]?.schema?.format === 'binary');
}

describe('the OpenAPI document', () => {
  it('gives every operation a JSON response schema for its success status, but 204s and file downloads', async () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const [status] = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        if (status === undefined) missing.push(`${method} ${path}: no success status`);
        else if (status === '204' || (method === 'get' && FILE_DOWNLOADS.includes(path)) || isFileDownload(op, status)) continue;
        else if (op.responses[status]?.content?.['application/json']?.schema === undefined) missing.push(`${method} ${path} ${status}`);
      }
    }
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});

describe('real answers match their documented schemas', () => {
  it('answers sign-in, /me and registration as documented', async () => {
    conforms(await t.api.post('/auth/login', { email: w.people.municipal.email, password: 'Test-password-1' }), 200, loginStrict, 'POST /auth/login');
    for (const who of ['firm', 'municipal', 'insurer', 'admin'] as const) {
      conforms(await t.api.get('/me', w.tokens[who]), 200, meStrict, 'GET /me', userSchema);
    }
    const registration = {
      enterprise: { name: '示例新材料有限公司', uscc: randomUscc('330100'), city: '330100', address: '杭州市西湖区', contactName: '张三', contactPhone: '13800000000', contactEmail: `${randomUUID()}@example.com` },
      user: { email: `${randomUUID()}@example.com`, password: 'Test-password-1', name: '张三' },
    };
    conforms(await t.api.post('/enterprises/register', registration), 202, z.strictObject(registrationPendingSchema.shape), 'POST /enterprises/register', registrationPendingSchema);
    const [token] = await confirmationTokensFor(t.app.db, registration.user.email);
    conforms(await t.api.post('/enterprises/register/confirm', { token }), 201, registeredStrict, 'POST /enterprises/register/confirm');
  });

  it('answers the case, document, history and inbox routes as documented, from a draft to a case in review', async () => {
    // a premium rate of 5 % is above the 3 % cap: the answer carries a warning
    const created = await t.api.post('/cases', w.caseBody({ policy: { ...w.caseBody().policy, premium: '3000000.00' } }), w.tokens.firm);
    conforms(created, 201, caseViewSchema, 'POST /cases');
    const id = String(created.body.id);
    expect(created.body.warnings).toHaveLength(1);
    conforms(await t.api.patch(`/cases/${id}`, { material: { batchNo: 'B2026-002' } }, w.tokens.firm), 200, caseViewSchema, 'PATCH /cases/{id}');
    const uploaded = await upload(t.url, id, w.tokens.firm, { type: 'sales_contract', fileName: '合同.pdf', bytes: pdfBytes(), contentType: 'application/pdf' });
    conforms({ status: uploaded.status, headers: uploaded.headers, body: uploaded.json }, 201, documentViewSchema, 'POST /cases/{id}/documents');
    await w.attachDocuments(id);
    conforms(await t.api.post(`/cases/${id}/events`, { type: 'SUBMIT' }, w.tokens.firm), 200, caseEventResultSchema, 'POST /cases/{id}/events');

    const inReview = await t.api.get(`/cases/${id}`, w.tokens.municipal);
    conforms(inReview, 200, caseViewSchema, 'GET /cases/{id}');
    expect(inReview.body.clocks).not.toEqual([]);
    expect(typeof inReview.body.stateValue).toBe('object');
    conforms(await t.api.get(`/cases/${id}/history`, w.tokens.firm), 200, caseHistorySchema, 'GET /cases/{id}/history');
    conforms(await t.api.get(`/cases/${id}/documents`, w.tokens.municipal), 200, documentListSchema, 'GET /cases/{id}/documents');
    conforms(await t.api.get(`/audit/verify?caseId=${id}`, w.tokens.firm), 200, chainReportSchema, 'GET /audit/verify');

    await w.createCase();
    const page = await t.api.get('/cases?limit=1', w.tokens.firm);
    conforms(page, 200, caseListSchema, 'GET /cases');
    expect(page.body.nextCursor).toEqual(expect.any(String));
    conforms(await t.api.get('/cases', w.tokens.provincial), 200, caseListSchema, 'GET /cases');

    // the firm's drafts are due when the round closes, the city reviewer's review has its clock, the insurer's check has no deadline
    const firmTasks = await t.api.get<{ items: { due: { kind: string } | null }[] }>('/tasks', w.tokens.firm);
    conforms(firmTasks, 200, taskListSchema, 'GET /tasks');
    expect(firmTasks.body.items.some((i) => i.due?.kind === 'roundClosing')).toBe(true);
    const insurerTasks = await t.api.get<{ items: { due: unknown }[] }>('/tasks', w.tokens.insurer);
    conforms(insurerTasks, 200, taskListSchema, 'GET /tasks');
    expect(insurerTasks.body.items.some((i) => i.due === null)).toBe(true);
    const reviewTasks = await t.api.get<{ items: { due: unknown }[] }>('/tasks', w.tokens.municipal);
    conforms(reviewTasks, 200, taskListSchema, 'GET /tasks');
    expect(reviewTasks.body.items.some((i) => i.due !== null)).toBe(true);
    // finance's batches: one to approve (no deadline, no case), one whose payments are due
    for (const approve of [false, true]) {
      const made = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds: [await w.caseIn('approved')] }, w.tokens.finance);
      expect((await t.api.post(`/disbursements/${made.body.id}/events`, { type: 'SUBMIT' }, w.tokens.finance)).status).toBe(200);
      if (approve) expect((await t.api.post(`/disbursements/${made.body.id}/events`, { type: 'APPROVE' }, w.tokens.finance2)).status).toBe(200);
    }
    const financeTasks = await t.api.get<{ items: { batchId: string | null; caseId: string | null; due: unknown }[] }>('/tasks', w.tokens.finance2);
    conforms(financeTasks, 200, taskListSchema, 'GET /tasks');
    expect(financeTasks.body.items.filter((i) => i.batchId !== null).map((i) => [i.caseId, i.due === null])).toEqual([
      [null, false],
      [null, true],
    ]);

    const notes = await t.api.get<{ items: unknown[] }>('/notifications', w.tokens.municipal);
    conforms(notes, 200, notificationListSchema, 'GET /notifications');
    expect(notes.body.items).not.toEqual([]);
  });

  it('answers the subsidy route as documented, before payment, with the payment ordered and once paid', async () => {
    const id = await w.caseIn('approved');
    const subsidy = () => t.api.get<{ payment: { status: string; bankAccount: string | null } | null }>(`/cases/${id}/subsidy`, w.tokens.firm);
    const before = await subsidy();
    conforms(before, 200, subsidyViewSchema, 'GET /cases/{id}/subsidy');
    expect(before.body.payment).toBeNull();
    const made = await t.api.post<{ id: string }>('/disbursements', { roundId: w.round.id, caseIds: [id] }, w.tokens.finance);
    const events: [Record<string, unknown>, string][] = [
      [{ type: 'SUBMIT' }, w.tokens.finance],
      [{ type: 'APPROVE' }, w.tokens.finance2],
    ];
    for (const [event, token] of events) expect((await t.api.post(`/disbursements/${made.body.id}/events`, event, token)).status).toBe(200);
    const ordered = await subsidy();
    conforms(ordered, 200, subsidyViewSchema, 'GET /cases/{id}/subsidy');
    expect(ordered.body.payment?.status).toBe('approved');
    const settle = { type: 'SETTLE', payments: [{ caseId: id, reference: 'ICBC-OPENAPI-1', paidOn: shanghaiDate(t.app.clock.now()) }] };
    expect((await t.api.post(`/disbursements/${made.body.id}/events`, settle, w.tokens.finance)).status).toBe(200);
    const paid = await subsidy();
    conforms(paid, 200, subsidyViewSchema, 'GET /cases/{id}/subsidy');
    expect(paid.body.payment?.status).toBe('paid');
    const toFinance = await t.api.get<{ payment: { bankAccount: string | null } | null }>(`/cases/${id}/subsidy`, w.tokens.finance);
    conforms(toFinance, 200, subsidyViewSchema, 'GET /cases/{id}/subsidy');
    expect(toFinance.body.payment?.bankAccount).toEqual(expect.any(String));
  });

  it("answers the firm's profile and its change log as documented", async () => {
    conforms(await t.api.get(`/enterprises/${w.firm.id}`, w.tokens.municipal), 200, enterpriseStrict, 'GET /enterprises/{id}', enterpriseSchema);
    const edit = { contactName: '李四', affiliations: [randomUscc('330100')] };
    conforms(await t.api.patch(`/enterprises/${w.firm.id}`, edit, w.tokens.firm), 200, enterpriseStrict, 'PATCH /enterprises/{id}', enterpriseSchema);
    const changes = await t.api.get<{ items: unknown[] }>(`/enterprises/${w.firm.id}/changes`, w.tokens.firm);
    conforms(changes, 200, enterpriseChangesSchema, 'GET /enterprises/{id}/changes');
    expect(changes.body.items).toHaveLength(1);
    const list = await t.api.get<{ items: unknown[] }>(`/enterprises?q=${w.firm.uscc}`, w.tokens.municipal);
    conforms(list, 200, enterpriseListSchema, 'GET /enterprises');
    expect(list.body.items).toHaveLength(1);
  });

  it('answers the staff account routes as documented, from an invitation to an edited account', async () => {
    const body = { email: `${randomUUID()}@staff.test`, name: '赵专家', roles: ['expert'], organisationUscc: randomUscc('330100'), organisationName: '浙江省新材料研究院' };
    const created = await t.api.post<{ id: string }>('/admin/users', body, w.tokens.admin);
    conforms(created, 201, userViewSchema, 'POST /admin/users');
    const id = created.body.id;
    conforms(await t.api.post(`/admin/users/${id}/invitation`, {}, w.tokens.admin), 202, invitationSentSchema, 'POST /admin/users/{id}/invitation');
    const [, token] = await invitationTokensFor(t.app.db, body.email);
    conforms(await t.api.post(`/auth/invitations/${token}`, { password: 'Staff-2026-wafer' }), 200, invitationAcceptedSchema, 'POST /auth/invitations/{token}');
    conforms(await t.api.patch(`/admin/users/${id}`, { affiliations: [randomUscc('330200')] }, w.tokens.admin), 200, userViewSchema, 'PATCH /admin/users/{id}');
    const shown = await t.api.get<{ changes: unknown[]; invitation: unknown }>(`/admin/users/${id}`, w.tokens.admin);
    conforms(shown, 200, userDetailSchema, 'GET /admin/users/{id}');
    expect(shown.body.changes).toHaveLength(3);
    conforms(await t.api.get(`/admin/users/${w.people.firm.id}`, w.tokens.admin), 200, userDetailSchema, 'GET /admin/users/{id}');
    const page = await t.api.get('/admin/users?limit=1', w.tokens.admin);
    conforms(page, 200, userListSchema, 'GET /admin/users');
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('answers the round and insurer routes as documented, including a recorded rule change', async () => {
    conforms(await t.api.get('/rounds', w.tokens.firm), 200, roundListSchema, 'GET /rounds');
    conforms(await t.api.get(`/rounds/${w.round.id}`, w.tokens.firm), 200, roundViewSchema, 'GET /rounds/{id}');
    const body = {
      name: `批次-${randomUUID().slice(0, 6)}`,
      year: 2026,
      editionId: w.edition.id,
      opensAt: '2026-01-01T00:00:00+08:00',
      closesAt: '2027-12-31T23:59:59+08:00',
      insuranceStartsOn: '2025-09-01',
      insuranceEndsOn: '2027-12-31',
      insurerIds: [w.insurer.id],
      budget: '100000000.00',
    };
    const round = await t.api.post('/rounds', body, w.tokens.admin);
    conforms(round, 201, roundViewSchema, 'POST /rounds');
    const patched = await t.api.patch(`/rounds/${String(round.body.id)}`, { rateBp: 7000, clockLengths: { revisionWorkingDays: 15 }, reason: '资金调整' }, w.tokens.admin);
    conforms(patched, 200, roundViewSchema, 'PATCH /rounds/{id}');
    const changes = await t.api.get<{ items: unknown[] }>(`/rounds/${String(round.body.id)}/changes`, w.tokens.provincial);
    conforms(changes, 200, roundChangesSchema, 'GET /rounds/{id}/changes');
    expect(changes.body.items).toHaveLength(1);

    conforms(await t.api.get('/insurers', w.tokens.admin), 200, insurerListSchema, 'GET /insurers');
    conforms(await t.api.post('/insurers', { name: '示例财产保险股份有限公司', code: `T${randomUUID().slice(0, 8)}` }, w.tokens.admin), 201, insurerSchema, 'POST /insurers');
  });

  it('answers the calendar and clock routes as documented, with a running deadline recounted', async () => {
    const id = await w.submittedCase();
    const [clock] = (await t.api.get<{ clocks: { dueOn: string }[] }>(`/cases/${id}`, w.tokens.firm)).body.clocks;
    if (!clock) throw new Error('a submitted case has a running clock');
    const year = clock.dueOn.slice(0, 4);
    const current = await t.api.get<{ days: { date: string; kind: string; name: string | null }[] }>(`/admin/calendar/${year}`, w.tokens.provincial);
    conforms(current, 200, calendarYearViewSchema, 'GET /admin/calendar/{year}');
    // the due date stops being a working day, so the deadline moves; rows the admin rules would
    // refuse (a holiday on a weekend) are left out of the schedule sent back
    const days = current.body.days
      .filter((d) => d.date !== clock.dueOn && (d.kind === 'holiday') !== isWeekend(d.date))
      .map(({ date, kind, name }) => ({ date, kind, name }));
    if (!isWeekend(clock.dueOn)) days.push({ date: clock.dueOn, kind: 'holiday', name: '测试' });
    const replaced = await t.api.request<{ recomputed: unknown[] }>('PUT', `/admin/calendar/${year}`, { token: w.tokens.admin, body: { published: true, days } });
    conforms(replaced, 200, calendarYearReplacedSchema, 'PUT /admin/calendar/{year}');
    expect(replaced.body.recomputed).not.toEqual([]);

    conforms(await t.api.get('/admin/clock', w.tokens.admin), 200, clockReadSchema, 'GET /admin/clock');
    conforms(await t.api.post('/admin/clock', { advance: 'PT1M' }, w.tokens.admin), 200, clockMovedSchema, 'POST /admin/clock');
  });

  it('answers the notice routes as documented, from publication to an objection', async () => {
    const caseId = await w.caseIn('awaitingNotice');
    const published = await t.api.post<{ id: string }>('/notices', { caseIds: [caseId] }, w.tokens.provincial);
    conforms(published, 201, noticeViewSchema, 'POST /notices');
    const id = published.body.id;
    conforms(await t.api.get('/public/notices'), 200, publicNoticeListSchema, 'GET /public/notices');
    conforms(await t.api.get(`/public/notices/${id}`), 200, publicNoticeSchema, 'GET /public/notices/{id}');
    conforms(await t.api.post(`/public/notices/${id}/objections`, { caseId, name: '赵六', reason: '这是一条足够长的异议理由' }), 201, objectionReceiptSchema, 'POST /public/notices/{id}/objections');
    conforms(await t.api.get(`/notices/${id}/history`, w.tokens.provincial), 200, noticeHistorySchema, 'GET /notices/{id}/history');
    conforms(await t.api.get(`/audit/verify?noticeId=${id}`, w.tokens.provincial), 200, chainReportSchema, 'GET /audit/verify');
  });

  it('answers the reference and catalogue routes as documented, from a previewed import to a published edition', async () => {
    conforms(await t.api.get('/cities'), 200, cityListSchema, 'GET /cities');
    conforms(await t.api.get('/catalogue/editions'), 200, publishedEditionListSchema, 'GET /catalogue/editions');
    conforms(await t.api.get(`/catalogue/entries?edition=${w.edition.id}&limit=1`), 200, entryPageSchema, 'GET /catalogue/entries');

    const csv = ['重点新材料首批次应用示范指导目录', '序号,材料名称,性能要求,应用领域', '关键战略材料', '一、电子化学品', '1,超纯氨,纯度≥99.99999%,集成电路', '2,KrF光刻胶,分辨率≤0.15μm,集成电路', '3,,缺名称,集成电路'].join('\n');
    const importForm = (rows: string) => {
      const form = new FormData();
      form.append('file', new Blob([rows], { type: 'text/csv' }), '目录.csv');
      for (const [k, v] of Object.entries({ year: '2026', docNumber: `浙经信材料〔2026〕${randomUUID().slice(0, 8)}号`, effectiveOn: '2026-09-05' })) form.append(k, v);
      return form;
    };
    // the preview answers 200 beside the import's 201, each documented with its own schema
    const preview = await t.api.request<{ errors: unknown[] }>('POST', '/catalogue/editions?dryRun=true', { token: w.tokens.admin, raw: importForm(csv) });
    conforms(preview, 200, editionPreviewSchema, 'POST /catalogue/editions');
    expect(preview.body.errors).not.toEqual([]);

    const imported = await t.api.request('POST', '/catalogue/editions', { token: w.tokens.admin, raw: importForm(csv.split('\n').slice(0, -1).join('\n')) });
    conforms(imported, 201, importedEditionSchema, 'POST /catalogue/editions');
    const editionId = String(imported.body.id);
    conforms(await t.api.get(`/catalogue/editions/${editionId}`, w.tokens.admin), 200, editionViewSchema, 'GET /catalogue/editions/{id}');
    conforms(await t.api.post(`/catalogue/editions/${editionId}/publish`, {}, w.tokens.admin), 200, publishedEditionSchema, 'POST /catalogue/editions/{id}/publish');
    conforms(await t.api.get('/catalogue/entries'), 200, entryPageSchema, 'GET /catalogue/entries');
  });
});
