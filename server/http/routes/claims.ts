import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { badRequest, unauthenticated } from '../../errors';
import { reportClaimSchema, claimEventSchema } from '../../claims/body';
import { assertMayReport, occurrenceProblemsBeside, reportClaim } from '../../claims/report';
import { claimListQuerySchema, getClaim, listCaseClaims, loadVisibleClaim } from '../../claims/get';
import { sendClaimEvent } from '../../claims/send-event';
import { assertMayUploadToClaim, listClaimDocuments, openClaimDocument, uploadClaimDocument } from '../../claims/documents';
import { claimDocumentListSchema, claimDocumentSchema, claimEventResultSchema, claimListSchema, claimsListSchema, claimViewSchema } from '../../claims/view-schema';
import { CLAIM_READERS, claimsQuerySchema, listClaims } from '../../claims/list';
import { claimHistoryOf } from '../../audit/verify';
import { claimHistorySchema } from '../../audit/schema';
import { loadVisibleCase } from '../../cases/get';
import { receiveUpload, receivedUpload } from '../../documents/multipart';
import { sendDocument } from '../../documents/download';
import { zodErrors } from '../problem';
import { mount, reply } from '../route';

const caseParams = z.object({ id: z.uuid({ error: 'not a case id' }).toLowerCase() });
const claimParams = z.object({ id: z.uuid({ error: 'not a claim id' }).toLowerCase() });
const documentParams = claimParams.extend({ docId: z.uuid({ error: 'not a document id' }).toLowerCase() });

/** Who may upload is settled before the body is read: a refused caller never streams a file to disk. */
function uploadGuard(app: AppContext): RequestHandler {
  return async (req, _res, next) => {
    if (!req.user) throw unauthenticated();
    const params = claimParams.safeParse(req.params);
    if (!params.success) throw badRequest('the request params is invalid', zodErrors(params.error, 'params'));
    await assertMayUploadToClaim({ app, user: req.user, requestId: String(req.id) }, params.data.id);
    next();
  };
}

export function claimsRoutes(router: Router, app: AppContext) {
  mount(router, app, {
    method: 'post',
    path: '/cases/:id/claims',
    operationId: 'reportClaim',
    summary: 'Report a claim (理赔) under the policy of an approved application',
    description:
      'The loss must have happened inside the policy period and not after today (Beijing date): 422 naming occurredOn otherwise; 409 while the application is not approved. The insurer’s staff are emailed.',
    tags: ['claims'],
    auth: 'user',
    roles: ['firm'],
    params: caseParams,
    authorize: ({ ctx, params }) => assertMayReport(ctx, params.id),
    body: reportClaimSchema,
    // the day of the loss against the policy period, with the other fields' problems, all at once
    bodyProblems: ({ ctx, params, body, named }) => occurrenceProblemsBeside(ctx, params.id, body, named),
    ok: { status: 201, description: 'the claim, reported', schema: claimViewSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body }) => {
      const view = await reportClaim(ctx, params.id, body);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/claims/${view.id}` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/claims',
    operationId: 'listCaseClaims',
    summary: 'The claims under the policy of an application, newest first',
    tags: ['claims'],
    auth: 'user',
    params: caseParams,
    authorize: ({ ctx, params }) => loadVisibleCase(ctx, params.id),
    query: claimListQuerySchema,
    ok: { status: 200, description: 'a page of claims and the cursor of the next', schema: claimListSchema },
    errors: [403, 404],
    handler: async ({ ctx, params, query }) => listCaseClaims(ctx, params.id, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/claims',
    operationId: 'listClaims',
    summary: 'The claims the caller sees, on every application, newest first',
    description:
      'The same claims GET /claims/{id} answers: the firm its own, an insurer its company’s, the province all, a city its firms’. Filter by `status` and, for those who see several insurers’ claims, by `insurerId`.',
    tags: ['claims'],
    auth: 'user',
    roles: CLAIM_READERS,
    query: claimsQuerySchema,
    ok: { status: 200, description: 'a page of claims and the cursor of the next', schema: claimsListSchema },
    handler: async ({ ctx, query }) => listClaims(ctx, query),
  });
  mount(router, app, {
    method: 'get',
    path: '/claims/:id',
    operationId: 'getClaim',
    summary: 'One claim, with the events the caller may send now',
    tags: ['claims'],
    auth: 'user',
    params: claimParams,
    ok: { status: 200, description: 'the claim', schema: claimViewSchema },
    errors: [404],
    handler: async ({ ctx, params }) => getClaim(ctx, params.id),
  });
  mount(router, app, {
    method: 'post',
    path: '/claims/:id/events',
    operationId: 'sendClaimEvent',
    summary: 'Decide a claim: PAY {amount, reference} or DENY {reason}',
    description:
      'For the staff of the policy’s insurer. The amount paid may differ from the amount claimed, but what is paid on all the claims of the policy together stays within its liability limit (422 `claim.overLimit` at `amount`, saying what is left). A decided claim refuses a second decision (409). The firm is emailed.',
    tags: ['claims'],
    auth: 'user',
    roles: ['insurer'],
    params: claimParams,
    authorize: ({ ctx, params }) => loadVisibleClaim(ctx, params.id),
    body: claimEventSchema,
    ok: { status: 200, description: 'the new state, version and allowed events', schema: claimEventResultSchema },
    errors: [403, 404, 409, 422],
    handler: async ({ ctx, params, body }) => sendClaimEvent(ctx, params.id, body),
  });
  mount(router, app, {
    method: 'get',
    path: '/claims/:id/history',
    operationId: 'getClaimHistory',
    summary: 'Every accepted event of a claim, oldest first',
    tags: ['claims'],
    auth: 'user',
    params: claimParams,
    ok: { status: 200, description: 'the history', schema: claimHistorySchema },
    errors: [404],
    handler: async ({ ctx, params }) => ({ items: (await claimHistoryOf(ctx, params.id)).items }),
  });
  mount(router, app, {
    method: 'post',
    path: '/claims/:id/documents',
    operationId: 'uploadClaimDocument',
    summary: 'Add a document to a claim awaiting its decision (multipart/form-data: file — PDF, JPEG, PNG or OFD, at most 20 MB)',
    tags: ['claims'],
    auth: 'user',
    roles: ['firm'],
    params: claimParams,
    ok: { status: 201, description: 'the stored document, numbered in upload order', schema: claimDocumentSchema },
    errors: [403, 404, 409, 413, 415],
    before: [uploadGuard(app), ...receiveUpload(app)],
    form: z.object({ file: z.string().meta({ format: 'binary', description: 'PDF, JPEG, PNG or OFD, at most 20 MB; the type is decided from the content' }) }),
    handler: async ({ ctx, params, req }) => {
      const doc = await uploadClaimDocument(ctx, params.id, receivedUpload(req));
      return reply({ status: 201, body: doc, headers: { Location: doc.href } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/claims/:id/documents',
    operationId: 'listClaimDocuments',
    summary: "A claim's documents, in upload order",
    tags: ['claims'],
    auth: 'user',
    params: claimParams,
    ok: { status: 200, description: 'the documents', schema: claimDocumentListSchema },
    errors: [404],
    handler: async ({ ctx, params }) => listClaimDocuments(ctx, params.id),
  });
  mount(router, app, {
    method: 'get',
    path: '/claims/:id/documents/:docId',
    operationId: 'downloadClaimDocument',
    summary: 'Download a document of a claim',
    tags: ['claims'],
    auth: 'user',
    params: documentParams,
    ok: { status: 200, description: 'the file, as an attachment' },
    errors: [404],
    handler: async ({ ctx, params, req, res }) => {
      await sendDocument(req, res, await openClaimDocument(ctx, params.id, params.docId));
    },
  });
}
