import type { NextFunction, Request, Response } from 'express';
import { AppError, statusOf } from '../errors';
import type { Logger } from '../logger';
import { isUnstorableValue } from '../http/problem';
import { Layout } from './layout';
import { pageOf, problemText, render, type PageCtx } from './page';

function Message({ p, title, body, showId }: { p: PageCtx; title: string; body: string; showId?: boolean }) {
  return (
    <Layout p={p} title={title}>
      <p class="lead" safe>
        {body}
      </p>
      {showId ? (
        <p>
          <span safe>{p.t.errors.requestId}</span>: <code safe>{p.requestId}</code>
        </p>
      ) : (
        ''
      )}
      <p>
        <a href={p.user ? '/' : '/catalogue'} safe>
          {p.user ? p.t.errors.backHome : p.t.nav.catalogue}
        </a>
      </p>
    </Layout>
  );
}

export const notFoundPage = (res: Response) => {
  const p = pageOf(res);
  return render(res, <Message p={p} title={p.t.errors.notFoundTitle} body={p.t.errors.notFoundBody} />, 404);
};

/**
 * Errors of the pages, in the pages' style: a visitor who must sign in is sent to the sign-in page,
 * an invisible case is the 404 page (as the API answers 404), a refused form names its reason.
 */
export function pageErrors(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    // an answer already begun, or no page context to answer with: Express's own handler ends it
    if (res.headersSent || !res.locals.page) return next(err);
    const p = pageOf(res);
    if (err instanceof AppError) {
      if (err.kind === 'unauthenticated') return res.redirect(303, `/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
      if (err.kind === 'not_found') return notFoundPage(res);
      if (err.kind === 'too_many_requests') {
        res.setHeader('Retry-After', String(err.extra.retryAfterSeconds ?? 60));
        return render(res, <Message p={p} title={p.t.errors.errorTitle} body={p.t.errors.tooMany} />, 429);
      }
      if (err.kind === 'unavailable') {
        // a moment's overload (the password hashing queue, the database): the service's words are the API's
        res.setHeader('Retry-After', String(err.extra.retryAfterSeconds ?? 5));
        return render(res, <Message p={p} title={p.t.errors.errorTitle} body={p.t.errors.busy} showId />, 503);
      }
      const status = statusOf[err.kind];
      if (err.extra.csrf === true) return render(res, <Message p={p} title={p.t.csrf.title} body={p.t.csrf.body} />, status);
      if (err.kind === 'forbidden') {
        const why = err.errors[0] ? problemText(err.errors[0], p.locale) : p.t.errors.forbiddenBody;
        return render(res, <Message p={p} title={p.t.errors.forbiddenTitle} body={why} />, status);
      }
      const why = err.errors[0] ? problemText(err.errors[0], p.locale) : err.message;
      return render(res, <Message p={p} title={p.t.errors.errorTitle} body={why} showId />, status);
    }
    const given = (err as { status?: unknown }).status;
    if (typeof given === 'number' && given >= 400 && given < 500) {
      return render(res, <Message p={p} title={p.t.errors.errorTitle} body={p.t.errors.badRequest} showId />, given);
    }
    // text the database refuses (a NUL character, from a form or the address): the sender's mistake, as the API answers it
    if (isUnstorableValue(err)) return render(res, <Message p={p} title={p.t.errors.errorTitle} body={p.t.errors.badRequest} showId />, 400);
    log.error({ err, requestId: req.id }, 'unhandled error on a page');
    return render(res, <Message p={p} title={p.t.errors.errorTitle} body={p.t.errors.errorBody} showId />, 500);
  };
}
