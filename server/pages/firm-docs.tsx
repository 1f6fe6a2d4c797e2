import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { documentTypes, type DocumentType } from '../../db/schema/cases';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { assertMayUpload } from '../documents/access';
import type { DocumentList } from '../documents/list';
import { receiveUpload, receivedUpload } from '../documents/multipart';
import { uploadDocument } from '../documents/upload';
import { caseSubmissionProblems } from '../cases/readiness';
import type { CaseView } from '../cases/present';
import { getRound } from '../rounds/list';
import type { ServiceContext } from '../context';
import { statesWhereFirmMay } from '../../workflows/case/chart';
import { CsrfField, DOCUMENT_ACCEPT, FileField, ProblemSummary } from './components/form';
import { instant } from './format';
import { idParam, type PageCtx, pageOf, problemText, serviceOf } from './page';
import { requireCsrf } from './csrf';

// The applicant firm's part of its case page while it holds the pen (draft, revision): what SUBMIT
// would refuse now (the same rules as the event's guard, server/cases/readiness.ts), the edit link,
// and one upload form per document kind with the versions uploaded so far (the same service as
// POST /api/v1/cases/:id/documents).

const UPLOADABLE = statesWhereFirmMay('upload');
const EDITABLE = statesWhereFirmMay('edit');

export interface UploadAttempt {
  /** the kind the form was for, when the body got as far as saying it */
  type: DocumentType | null;
  errors: FieldError[];
  /** refused because the case no longer takes documents (409): said at the top of the page, as the forms are gone */
  movedOn?: { fileName: string | null };
}

export interface FirmWork {
  problems: FieldError[];
  required: readonly DocumentType[];
  mayEdit: boolean;
  mayUpload: boolean;
}

/** The firm's own work on the case now, or null for anyone else or a case out of its hands. */
export async function firmWorkFor(ctx: ServiceContext, view: CaseView): Promise<FirmWork | null> {
  const own = ctx.user.roles.includes('firm') && ctx.user.enterpriseId === view.enterpriseId;
  if (!own || (!EDITABLE.has(view.state) && !UPLOADABLE.has(view.state))) return null;
  const [problems, round] = await Promise.all([caseSubmissionProblems(ctx, view.id), getRound(ctx, view.roundId)]);
  return { problems, required: round.requiredDocuments, mayEdit: EDITABLE.has(view.state), mayUpload: UPLOADABLE.has(view.state) };
}

/** Where a problem is fixed: a missing document at its upload form, a field of the case in the application form, the firm's profile on its page. */
function whereToFix(path: string, caseId: string, work: FirmWork): string | null {
  // the firm's own profile (bank, USCC, city) is fixed on its profile page, at the field when it can edit it there
  const profile = /^enterprise\.(uscc|city|bankName|bankAccount)$/.exec(path)?.[1];
  if (profile) return profile === 'uscc' || profile === 'city' ? '/firm' : `/firm#f-${profile}`;
  const doc = /^documents\.([a-z_]+)$/.exec(path)?.[1];
  if (doc) return work.mayUpload && (documentTypes as readonly string[]).includes(doc) ? `#upload-${doc}` : null;
  if (!work.mayEdit || !/^(material|userUnit|contract|policy)\.[A-Za-z]+$|^(roundId|renewalOf)$/.test(path)) return null;
  return `/cases/${caseId}/edit#f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** What SUBMIT would refuse now, each problem in the page's language. */
/** The reviewer's last return of a case in revision: when, and each reason with the field it names. */
export interface ReturnedFor {
  at: string;
  reasons: { path?: string; message: string }[];
}

/** The reasons of the return that put the case into revision, from its history (the latest RETURN), if it is in revision. */
export function returnedFor(state: string, items: readonly { eventType: string; at: string; payload: unknown }[]): ReturnedFor | null {
  if (state !== 'revision') return null;
  const last = items.findLast((i) => i.eventType === 'RETURN');
  const reasons = (last?.payload as { reasons?: unknown } | null)?.reasons;
  if (!last || !Array.isArray(reasons)) return null;
  return { at: last.at, reasons: reasons.filter((r): r is ReturnedFor['reasons'][number] => typeof r === 'object' && r !== null && typeof (r as { message?: unknown }).message === 'string') };
}

export function SubmissionCheck({ p, work, caseId, returned = null }: { p: PageCtx; work: FirmWork; caseId: string; returned?: ReturnedFor | null }) {
  const d = p.t.firmDocs;
  return (
    <section aria-labelledby="check">
      {returned && returned.reasons.length > 0 ? (
        <div class="problems" id="return-reasons" role="note">
          <h2 safe>{d.returnedTitle}</h2>
          <p safe>{d.returnedIntro(instant(returned.at, p.locale))}</p>
          <ul>
            {returned.reasons.map((r) => {
              const href = r.path ? whereToFix(r.path, caseId, work) : null;
              // a reason about a field the firm can reach links to it; another keeps the field's name beside it
              return <li>{href ? <a href={href} safe>{r.message}</a> : <span safe>{r.path ? `${r.path}: ${r.message}` : r.message}</span>}</li>;
            })}
          </ul>
        </div>
      ) : (
        ''
      )}
      <h2 id="check" safe>{d.problemsTitle}</h2>
      {work.problems.length === 0 ? (
        <p class="done" safe>{d.noProblems}</p>
      ) : (
        <div class="problems" id="submission-problems">
          <p safe>{d.problemsIntro(work.problems.length)}</p>
          <ul>
            {work.problems.map((e) => {
              const href = whereToFix(e.path, caseId, work);
              return <li>{href ? <a href={href} safe>{problemText(e, p.locale)}</a> : <span safe>{problemText(e, p.locale)}</span>}</li>;
            })}
          </ul>
        </div>
      )}
      {work.mayEdit ? (
        <p>
          <a class="button" href={`/cases/${caseId}/edit`} safe>{p.t.application.edit}</a>
        </p>
      ) : (
        ''
      )}
    </section>
  );
}

function KindForm({ p, caseId, type, docs, required, attempt }: { p: PageCtx; caseId: string; type: DocumentType; docs: DocumentList; required: boolean; attempt: UploadAttempt | null }) {
  const d = p.t.firmDocs;
  const kind = p.t.docTypes[type];
  const versions = docs.items.filter((doc) => doc.type === type);
  const errors = attempt?.type === type ? attempt.errors : [];
  const fileId = `upload-${type}`;
  return (
    <li class="doc-kind">
      <form method="post" action={`/cases/${caseId}/documents#kind-${type}`} enctype="multipart/form-data" aria-labelledby={`kind-${type}`}>
        <h3 id={`kind-${type}`}>
          <span safe>{kind}</span> <span class={required ? 'badge state-revision' : 'badge'} safe>{required ? d.required : d.optional}</span>
        </h3>
        {versions.length === 0 ? (
          <p class="muted" safe>{d.none}</p>
        ) : (
          <ul class="versions" aria-label={`${kind} · ${d.versions}`}>
            {versions.map((v) => (
              <li>
                <a href={v.href} safe>{v.fileName}</a>
                <span class="muted" safe>{` · ${d.version(v.version)} · ${instant(v.createdAt, p.locale)}`}</span>
              </li>
            ))}
          </ul>
        )}
        <CsrfField p={p} />
        <ProblemSummary p={p} errors={errors} fields={[{ path: 'file', id: fileId, label: d.file(kind) }]} />
        <input type="hidden" name="type" value={type} />
        <FileField p={p} id={fileId} label={d.file(kind)} errors={errors} accept={DOCUMENT_ACCEPT} />
        <button type="submit" safe>{versions.length ? d.uploadNew : d.upload}</button>
      </form>
    </li>
  );
}

/** One upload form per kind, the round's required kinds first. */
export function FirmDocuments({ p, caseId, docs, work, attempt }: { p: PageCtx; caseId: string; docs: DocumentList; work: FirmWork; attempt: UploadAttempt | null }) {
  const d = p.t.firmDocs;
  const kinds = [...work.required, ...documentTypes.filter((t) => !work.required.includes(t))];
  const loose = attempt && attempt.type === null ? attempt.errors : [];
  return (
    <section aria-labelledby="documents">
      <h2 id="documents" safe>{d.title}</h2>
      <p class="hint" safe>{d.intro}</p>
      {loose.length ? (
        <div class="problems" role="alert">
          <ul>
            {loose.map((e) => (
              <li safe>{problemText(e, p.locale)}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      <ul class="doc-kinds">
        {kinds.map((type) => (
          <KindForm p={p} caseId={caseId} type={type} docs={docs} required={work.required.includes(type)} attempt={attempt} />
        ))}
      </ul>
    </section>
  );
}

const typeOf = (req: Request): DocumentType | null => {
  const t: unknown = (req.body as Record<string, unknown> | undefined)?.type;
  return (documentTypes as readonly unknown[]).includes(t) ? (t as DocumentType) : null;
};

/** What the upload's refusal is about, for the form it came from; anything else is the error page's. */
function attemptOf(req: Request, err: unknown): { attempt: UploadAttempt; status: number } | null {
  if (!(err instanceof AppError) || err.extra.csrf === true) return null;
  if (!['bad_request', 'conflict', 'payload_too_large', 'unsupported_media_type'].includes(err.kind)) return null;
  const status = { bad_request: 400, conflict: 409, payload_too_large: 413, unsupported_media_type: 415 }[err.kind as 'bad_request'];
  const errors = err.errors.length ? err.errors : [{ path: 'file', message: err.message }];
  // the only conflict of an upload: the case has left the states that take documents
  const movedOn = err.kind === 'conflict' ? { movedOn: { fileName: req.file?.originalname ?? null } } : {};
  return { attempt: { type: typeOf(req), errors, ...movedOn }, status };
}

export type ShowWithUpload = (res: Response, caseId: string, attempt: UploadAttempt, status: number) => Promise<void>;

/** POST /cases/:id/documents: who may upload is settled before the file is read, as in the API. */
export function firmDocumentPages(router: Router, app: AppContext, show: ShowWithUpload) {
  const guard: RequestHandler = async (req, res, next) => {
    await assertMayUpload(serviceOf(pageOf(res)), idParam(req.params.id, 'case'));
    next();
  };
  const refused = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const found = attemptOf(req, err);
    if (!found || typeof req.params.id !== 'string') return next(err);
    show(res, req.params.id, found.attempt, found.status).catch(next);
  };
  const upload: RequestHandler = async (req, res) => {
    const id = idParam(req.params.id, 'case');
    const doc = await uploadDocument(serviceOf(pageOf(res)), id, receivedUpload(req));
    res.redirect(303, `/cases/${id}?uploaded=${doc.type}&v=${doc.version}#documents`);
  };
  // the form token travels in the multipart body, so it is checked once the body is read; a
  // refused upload's temp file is removed with the request (documents/multipart.ts)
  router.post('/cases/:id/documents', guard, ...receiveUpload(app), requireCsrf(), upload, refused);
}
