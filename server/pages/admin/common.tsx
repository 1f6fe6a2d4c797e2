import type { PropsWithChildren } from '@kitajs/html';
import type { RequestHandler } from 'express';
import type { ServiceContext } from '../../context';
import type { FieldError } from '../../errors';
import { requireAdmin } from '../../rounds/access';
import { Layout } from '../layout';
import { pageOf, problemsOf as pageProblemsOf, serviceOf, statusOfProblem, type PageCtx } from '../page';

// What every administrator page shares: who may open them (the services' own admin check), the
// way a service's refusal becomes problems beside the fields, and the status line after a form.

/** The service context of an administrator; a visitor is sent to sign in, anyone else gets 403. */
export function adminOf(p: PageCtx): ServiceContext {
  const ctx = serviceOf(p);
  requireAdmin(ctx, 'open the administration pages');
  return ctx;
}

/** Mounted before every /admin page, so a form from someone else is refused before its body is read. */
export const adminOnly: RequestHandler = (_req, res, next) => {
  adminOf(pageOf(res));
  next();
};

/** A refusal to show beside the form's fields; anything else, a forbidden act included, goes to the error page. */
export const problemsOf = (err: unknown): FieldError[] => pageProblemsOf(err, false);

export { statusOfProblem };

/** Problems whose path is below a field (roles.0, days.3.date) belong to that field. */
export const atFields = (errors: readonly FieldError[], map: (path: string) => string) => errors.map((e) => ({ ...e, path: map(e.path) }));

/** A form value, empty when left blank. */
export const blank = (s: string) => s.trim() === '';

export function AdminLayout({ p, title, done, children }: PropsWithChildren<{ p: PageCtx; title: string; done?: string | undefined }>) {
  return (
    <Layout p={p} title={title}>
      <p class="crumb">
        <a href="/admin" safe>{p.t.admin.back}</a>
      </p>
      {done ? (
        <p role="status" class="done" safe>
          {done}
        </p>
      ) : (
        ''
      )}
      {children}
    </Layout>
  );
}

/** The status message named by ?done= after a redirect, from the page's own list. */
export const doneOf = (query: unknown, messages: Record<string, string>): string | undefined => {
  const key = (query as Record<string, unknown>).done;
  return typeof key === 'string' ? messages[key] : undefined;
};
