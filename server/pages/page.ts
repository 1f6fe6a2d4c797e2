import type { Request, RequestHandler, Response } from 'express';
import type { AppContext, ServiceContext, User } from '../context';
import { z } from 'zod';
import { AppError, badRequest, notFound, statusOf, unauthenticated, type FieldError } from '../errors';
import { csrfTokenFor } from './csrf';
import { localeOf, messagesFor, type Locale, type Messages } from './i18n';

/** What every page and its layout know about the request. */
export interface PageCtx {
  app: AppContext;
  locale: Locale;
  t: Messages;
  user: User | null;
  csrf: string;
  path: string;
  /** the path with its query, to come back to after a form such as the language switch */
  readonly url: string;
  requestId: string;
}

export function pageContext(app: AppContext): RequestHandler {
  return (req, res, next) => {
    const locale = localeOf(req);
    const ctx: PageCtx = {
      app,
      locale,
      t: messagesFor(locale),
      user: req.user ?? null,
      csrf: csrfTokenFor(app, req, res),
      path: req.path,
      // read when the page is drawn: a form's body (multipart ones too) is parsed by then
      get url() {
        return returnUrlOf(req);
      },
      requestId: String(req.id),
    };
    res.locals.page = ctx;
    next();
  };
}

/** The hidden field of every posted form (CsrfField) naming the page the form is on. */
export const PAGE_FIELD = '_page';

/**
 * Where "back" is: this page for a GET; for a form's answer, the page the form was on, as the form
 * says (PAGE_FIELD). Not the Referer: the pages send Referrer-Policy: no-referrer, so a browser
 * sends none.
 */
function returnUrlOf(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const sent: unknown = (req.body as Record<string, unknown> | undefined)?.[PAGE_FIELD];
  return typeof sent === 'string' ? localPath(sent) : '/';
}

export const pageOf = (res: Response): PageCtx => res.locals.page as PageCtx;

/** The service context of the signed-in person; a visitor is sent to sign in (pages/errors.tsx). */
export function serviceOf(p: PageCtx): ServiceContext {
  if (!p.user) throw unauthenticated();
  return { app: p.app, user: p.user, requestId: p.requestId };
}

/** Sends a whole page: personal and form-bearing, so never stored by a cache. */
export async function render(res: Response, html: JSX.Element, status = 200): Promise<void> {
  const body = await html;
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.type('html').send(`<!doctype html>${body}`);
}

/** A field's problem in the page's language: the service's Chinese words when it gave them. */
export const problemText = (e: FieldError, locale: Locale): string => (locale === 'zh' ? (e.messageZh ?? e.message) : e.message);

/**
 * The page's own words for a field's problem of one kind, where the API's can only name the kind:
 * an empty list is "请填写退回理由" under a text box of reasons and "请至少勾选一个申请" under check
 * boxes, where the schema says "choose at least one". `words` maps a field, then an issue's code,
 * to the words in the page's language.
 */
export function fieldWords(errors: readonly FieldError[], words: Record<string, Partial<Record<string, string>>>): FieldError[] {
  return errors.map((e) => {
    const own = words[e.path]?.[e.code ?? ''];
    return own ? { ...e, message: own, messageZh: own } : e;
  });
}

/**
 * A form field of one value sent more than once (a crafted or doubled form): refused and named, as
 * the case list refuses `?q=a&q=b`, rather than one of its values taken. `beside`: the words for a
 * form shown again, the problem beside its field; else they name the field, for the error page.
 */
export const repeatedField = (name: string, beside = false): FieldError => ({
  path: name,
  code: 'repeated',
  message: beside ? 'give one value only: the form sent this field more than once' : `give one value only: the form sent the field “${name}” more than once`,
  messageZh: beside ? '此项只能填写一个值：表单重复提交了该项' : `表单中的“${name}”一项只能填写一个值，却重复提交了`,
});

/**
 * A form value as one string. A field sent more than once is refused (400, naming it) wherever a
 * page reads it as one value; forms shown again with their problems check first (takeRepeated).
 */
export function field(req: Request, name: string): string {
  const v: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) throw badRequest('a form field was sent more than once', [repeatedField(name)]);
  return typeof v === 'string' ? v : '';
}

/**
 * The problems of a form's fields sent more than once, but for those it takes several of (check
 * boxes); each is left with its first value, so that the form is shown again as sent, the problem
 * beside it, and nothing of it is done.
 */
export function takeRepeated(req: Request, several: readonly string[] = []): FieldError[] {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return [];
  const twice = Object.keys(body).filter((k) => Array.isArray(body[k]) && !several.includes(k));
  for (const k of twice) {
    const first: unknown = (body[k] as unknown[])[0];
    Object.defineProperty(body, k, { value: typeof first === 'string' ? first : '', enumerable: true, writable: true, configurable: true });
  }
  return twice.map((k) => repeatedField(k, true));
}

/** Every value of a repeated form field (check boxes). */
export function valuesOf(req: Request, name: string): string[] {
  const v: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A case named by its place in the list (`caseIds.2`) is shown by its id, beside its check box. */
export const placed = (errors: FieldError[], caseIds: string[]): FieldError[] =>
  errors.map((e) => {
    const m = /^caseIds\.(\d+)$/.exec(e.path);
    const id = m ? caseIds[Number(m[1])] : undefined;
    return id ? { ...e, path: `caseIds.${id}` } : e;
  });

/**
 * A same-site path to go back to after a form, never another origin: one slash, then no second
 * slash nor backslash at its start (`//evil`, `/\evil` name another host to a browser), no
 * backslash, space or control character anywhere, and of a length a page's address has.
 */
export function localPath(s: string, fallback = '/'): string {
  // eslint-disable-next-line no-control-regex
  return s.length <= 2048 && /^\/(?![/\\])[^\s\\\x00-\x1f\x7f]*$/.test(s) ? s : fallback;
}

/**
 * A service's refusal of a form, as the problems to show on it. What is no refusal of the form
 * goes on to the error pages: a thing not found, no session, a busy server, a fault; and a
 * forbidden act too where the page offers it only to those who may (`forbiddenOnForm` false).
 */
export function problemsOf(err: unknown, forbiddenOnForm = true): FieldError[] {
  if (!(err instanceof AppError) || ['not_found', 'unauthenticated', 'unavailable', 'too_many_requests'].includes(err.kind)) throw err;
  if (err.kind === 'forbidden' && !forbiddenOnForm) throw err;
  return err.errors.length ? err.errors : [{ path: 'form', message: err.message }];
}

/** The status of a page that shows a refusal: the API's for the same refusal. */
export const statusOfProblem = (err: unknown) => (err instanceof AppError ? statusOf[err.kind] : 500);

/** A service's refusal of a form, as the problems to show on the form and the page's status. */
export function refusalOf(err: unknown): { errors: FieldError[]; status: number } {
  return { errors: problemsOf(err), status: statusOfProblem(err) };
}

const uuid = z.uuid();
/** An id from a page's path: one that is no id names nothing there, so the 404 page (as the API answers). */
export function idParam(raw: unknown, what: string): string {
  const parsed = uuid.safeParse(raw);
  if (!parsed.success) throw notFound(what);
  // as the database spells it: an id in capitals is the same row
  return parsed.data.toLowerCase();
}
