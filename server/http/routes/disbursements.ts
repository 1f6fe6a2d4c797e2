import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { unsupportedMediaType } from '../../errors';
import { createBatch, createBatchSchema } from '../../batches/create';
import { getBatch } from '../../batches/get';
import { batchListQuerySchema, listBatches } from '../../batches/list';
import { sendBatchEvent } from '../../batches/send-event';
import { batchEventBodySchema } from '../../batches/body';
import { bankFileCsv, bankFileRows, bankFileXlsx } from '../../batches/export';
import { matchStatement } from '../../batches/statement';
import { BATCH_PAYERS } from '../../batches/access';
import { batchListSchema, batchViewSchema, statementReportSchema } from '../../batches/view-schema';
import { batchHistoryOf } from '../../audit/verify';
import { batchHistorySchema } from '../../audit/schema';
import { ifMatchOf } from '../if-match';
import { mount, reply } from '../route';

const idParams = z.object({ id: z.uuid({ error: 'not a disbursement batch id' }).toLowerCase() });
const STATEMENT_TYPES = ['text/csv', 'application/csv', 'text/plain'] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The statement's bytes, read only once the caller is let in; a body too large waits for the route to refuse it in turn. */
const statementBody: RequestHandler = (req, res, next) =>
  express.raw({ type: [...STATEMENT_TYPES], limit: '2mb' })(req, res, (err?: unknown) => {
    if (err !== undefined && err !== null) {
      req.bodyError = err;
      req.body = undefined;
    }
    next();
  });

export function disbursementsRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'post',
    path: '/disbursements',
    operationId: 'createDisbursementBatch',
    summary: 'Put calculated cases of one round into a new disbursement batch (拨付批次), in draft',
    description:
      'Name the cases finance picked (`caseIds`), or only a city (GB/T 2260 code) to take every case of the round there that a batch may take: calculated, a subsidy above zero, in no live batch, its firm\'s bank account on record. With both, exactly the named cases are taken, each of which must be of that city. A named case is taken by the same rule the city\'s gathering takes by; every case that cannot go in is named at once with the reason (422, path `caseIds.<i>`): unknown or not approved, named twice, in another live batch, not awaiting payment, of another round or city, no subsidy, no bank account — and nothing is made. An empty list is 400. Two batches made at once that name the same case: one takes it, the other is refused. One payment per case is made, its amount, payee and account copied now.',
    tags: ['disbursements'],
    auth: 'user',
    roles: BATCH_PAYERS,
    body: createBatchSchema,
    ok: { status: 201, description: 'the new batch', schema: batchViewSchema },
    errors: [403, 409, 422],
    handler: async ({ ctx, body }) => {
      const view = await createBatch(ctx, body);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/disbursements/${view.id}`, ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/disbursements',
    operationId: 'listDisbursementBatches',
    summary: 'Disbursement batches, newest first',
    tags: ['disbursements'],
    auth: 'user',
    roles: ['finance', 'provincial'],
    query: batchListQuerySchema,
    ok: { status: 200, description: 'a page of batches and the cursor of the next', schema: batchListSchema },
    errors: [403],
    handler: async ({ ctx, query }) => listBatches(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/disbursements/:id',
    operationId: 'getDisbursementBatch',
    summary: 'One batch: its cases with amounts and payment ids, totals, payment deadline and the events the caller may send',
    tags: ['disbursements'],
    auth: 'user',
    roles: ['finance', 'provincial'],
    params: idParams,
    ok: { status: 200, description: 'the batch', schema: batchViewSchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => {
      const view = await getBatch(ctx, params.id);
      return reply({ body: view, headers: { ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/disbursements/:id/events',
    operationId: 'sendDisbursementBatchEvent',
    summary: 'Submit, approve, return, cancel or settle a batch',
    description:
      'SUBMIT {} and CANCEL {reason} in draft; APPROVE {comment?} and RETURN {reason} when submitted, by a finance user who neither created nor submitted the batch (403 otherwise); SETTLE {payments: [{caseId, reference, paidOn} | {caseId, failure}]} once approved, the batch settling when no payment is left pending. Each case hears of it in the same transaction. If-Match: the version last seen (409 when stale).',
    tags: ['disbursements'],
    auth: 'user',
    roles: BATCH_PAYERS,
    params: idParams,
    body: batchEventBodySchema,
    ok: { status: 200, description: 'the batch after the event', schema: batchViewSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body, req }) => {
      const view = await sendBatchEvent(ctx, params.id, body, { ifMatch: ifMatchOf(req.get('if-match'), 'batch') });
      return reply({ body: view, headers: { ETag: `"${view.version}"` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/disbursements/:id/history',
    operationId: 'getDisbursementBatchHistory',
    summary: 'Every accepted event of a batch, oldest first',
    tags: ['disbursements'],
    auth: 'user',
    roles: ['finance', 'provincial'],
    params: idParams,
    ok: { status: 200, description: 'the history', schema: batchHistorySchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => ({ items: (await batchHistoryOf(ctx, params.id)).items }),
  });
  mount(router, app, {
    method: 'get',
    path: '/disbursements/:id/export.csv',
    operationId: 'exportDisbursementBatchCsv',
    summary: 'The bank payment file as CSV (UTF-8 with BOM): payment id, case number, payee, bank, account, amount in yuan',
    description: 'For an approved or settled batch (409 before, naming its state). Text that a spreadsheet would read as a formula starts with an apostrophe.',
    tags: ['disbursements'],
    auth: 'user',
    roles: BATCH_PAYERS,
    params: idParams,
    ok: { status: 200, description: 'the file, as an attachment', files: ['text/csv'] },
    errors: [403, 404, 409],
    handler: async ({ ctx, params, res }) => {
      const { number, rows } = await bankFileRows(ctx, params.id);
      sendFile(res, bankFileCsv(rows), 'text/csv; charset=utf-8', `${number}.csv`);
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/disbursements/:id/export.xlsx',
    operationId: 'exportDisbursementBatchXlsx',
    summary: 'The bank payment file as XLSX: the amount a number cell (#,##0.00, yuan), the account a text cell',
    description: 'For an approved or settled batch (409 before, naming its state).',
    tags: ['disbursements'],
    auth: 'user',
    roles: BATCH_PAYERS,
    params: idParams,
    ok: { status: 200, description: 'the file, as an attachment', files: [XLSX] },
    errors: [403, 404, 409],
    handler: async ({ ctx, params, res }) => {
      const { number, rows } = await bankFileRows(ctx, params.id);
      sendFile(res, await bankFileXlsx(number, rows), XLSX, `${number}.xlsx`);
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/disbursements/:id/statement',
    operationId: 'matchDisbursementBankStatement',
    summary: "Match the bank's statement (CSV) against the batch's payments; changes nothing",
    description:
      'A line naming the columns comes first (after at most 9 title lines), in Chinese or English: payment id (付款编号 / Payment ID) and amount (金额 / Amount) are required, bank reference (银行流水号 / Reference) and date (交易日期 / Date) read when present. UTF-8 or GB18030, comma, tab or semicolon separated, at most 2 MB. For an approved batch, whose payments are still to record (409 in any other state, naming it). The report lists matched payments, payment ids the batch does not have, wrong amounts, repeated lines, unreadable lines, and the batch’s payments the statement does not list; record outcomes with SETTLE.',
    tags: ['disbursements'],
    auth: 'user',
    roles: BATCH_PAYERS,
    params: idParams,
    fileBody: { mediaTypes: STATEMENT_TYPES, description: 'the statement, CSV' },
    before: [statementBody],
    ok: { status: 200, description: 'what matches and what does not', schema: statementReportSchema },
    errors: [403, 404, 409, 413, 415, 422],
    handler: async ({ ctx, params, req }) => {
      if (!req.is([...STATEMENT_TYPES])) {
        throw unsupportedMediaType('send the statement as text/csv', [{ path: 'header.Content-Type', message: 'must be text/csv' }]);
      }
      return matchStatement(ctx, params.id, Buffer.isBuffer(req.body) ? req.body : undefined);
    },
  });
}

function sendFile(res: express.Response, bytes: Buffer, type: string, fileName: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Content-Length', String(bytes.length));
  res.status(200).end(bytes);
}
