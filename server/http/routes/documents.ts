import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { documentTypes } from '../../../db/schema/cases';
import type { AppContext } from '../../context';
import { badRequest, unauthenticated } from '../../errors';
import { assertMayUpload } from '../../documents/access';
import { openDocument, sendDocument } from '../../documents/download';
import { listDocuments } from '../../documents/list';
import { receiveUpload, receivedUpload } from '../../documents/multipart';
import { uploadDocument } from '../../documents/upload';
import { documentListSchema, documentViewSchema } from '../../documents/view-schema';
import { zodErrors } from '../problem';
import { mount, reply } from '../route';

const caseParams = z.object({ id: z.uuid({ error: 'not a case id' }).toLowerCase() });
const documentParams = caseParams.extend({ docId: z.uuid({ error: 'not a document id' }).toLowerCase() });

/** Who may upload is settled before the body is read: a refused caller never streams a file to disk. */
function uploadGuard(app: AppContext): RequestHandler {
  return async (req, _res, next) => {
    if (!req.user) throw unauthenticated();
    const params = caseParams.safeParse(req.params);
    if (!params.success) throw badRequest('the request params is invalid', zodErrors(params.error, 'params'));
    await assertMayUpload({ app, user: req.user, requestId: String(req.id) }, params.data.id);
    next();
  };
}

export function documentsRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'post',
    path: '/cases/:id/documents',
    operationId: 'uploadDocument',
    summary: 'Upload a document (multipart/form-data: type, file — PDF, JPEG, PNG or OFD, at most 20 MB)',
    tags: ['documents'],
    auth: 'user',
    params: caseParams,
    ok: { status: 201, description: 'the stored document, a new version when the type already had one', schema: documentViewSchema },
    errors: [403, 404, 409, 413, 415],
    before: [uploadGuard(app), ...receiveUpload(app)],
    form: z.object({
      type: z.enum(documentTypes),
      file: z.string().meta({ format: 'binary', description: 'PDF, JPEG, PNG or OFD, at most 20 MB; the type is decided from the content' }),
    }),
    handler: async ({ ctx, params, req }) => {
      const doc = await uploadDocument(ctx, params.id, receivedUpload(req));
      return reply({ status: 201, body: doc, headers: { Location: doc.href } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/documents',
    operationId: 'listDocuments',
    summary: "The case's documents: every version, and the latest of each type",
    tags: ['documents'],
    auth: 'user',
    params: caseParams,
    ok: { status: 200, description: 'the documents', schema: documentListSchema },
    errors: [404],
    handler: async ({ ctx, params }) => listDocuments(ctx, params.id),
  });
  mount(router, app, {
    method: 'get',
    path: '/cases/:id/documents/:docId',
    operationId: 'downloadDocument',
    summary: 'Download one version of a document',
    tags: ['documents'],
    auth: 'user',
    params: documentParams,
    ok: { status: 200, description: 'the file, as an attachment' },
    errors: [404],
    handler: async ({ ctx, params, req, res }) => {
      await sendDocument(req, res, await openDocument(ctx, params.id, params.docId));
    },
  });
}
