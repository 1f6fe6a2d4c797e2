import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppContext } from '../context';
import { authenticate } from '../auth/sessions';
import { sessionCookieOf } from '../http/session';
import { pageContext } from './page';
import { withoutNul } from './form-body';
import { MAX_BATCH_CASES } from '../batches/create';
import { notFoundPage, pageErrors } from './errors';
import { loginPages } from './login';
import { invitationPages } from './invitation';
import { accountPages } from './account';
import { firmPages } from './firm';
import { firmsPage } from './firms';
import { langPages } from './lang';
import { dashboardPage } from './dashboard';
import { cataloguePage } from './catalogue';
import { casesPage } from './cases';
import { claimListPage } from './claim-list';
import { inboxPage } from './inbox';
import { casePage } from './case';
import { noticePages } from './notices';
import { moneyPages } from './money';
import { adminPages } from './admin';
import { registerPages } from './register';
import { applicationPages } from './application';
import { noticeStaffPages } from './notice-staff';
import { notificationPages } from './notifications';

// Paths the API, its documents and the operators' probes own: the pages never answer them.
const NOT_PAGES = /^\/(api|docs|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/** Pages sign in with the session cookie only: a bearer token is the API's. */
function cookieSession(app: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionCookieOf(req);
    if (token) req.user = (await authenticate(app, token)) ?? undefined;
    next();
  };
}

// Scripts and styles from this origin only; no inline code, no framing, forms post only here.
const csp = (app: AppContext) =>
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(app.env.NODE_ENV === 'production' ? { upgradeInsecureRequests: [] } : {}),
    },
  });

const pageForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
// a new batch's check boxes: one field per ticked case, as many as a batch holds
const batchForm = express.urlencoded({ extended: false, limit: '128kb', parameterLimit: MAX_BATCH_CASES + 10 });
const formBody: RequestHandler = (req, res, next) => (req.method === 'POST' && req.path === '/money/batches' ? batchForm : pageForm)(req, res, next);

/** The server-rendered pages (SPEC §7 "Web pages"), answering every path the API does not own. */
export function pagesRouter(app: AppContext): RequestHandler {
  const router = Router();
  // the page context comes before the form body, so a body the parser refuses gets the styled error page
  router.use(csp(app), cookieSession(app), pageContext(app), formBody, withoutNul);
  loginPages(router, app);
  invitationPages(router, app);
  accountPages(router, app);
  firmPages(router);
  firmsPage(router);
  registerPages(router, app);
  langPages(router, app);
  dashboardPage(router);
  cataloguePage(router, app);
  casesPage(router);
  claimListPage(router);
  inboxPage(router);
  applicationPages(router);
  casePage(router, app);
  noticePages(router, app);
  noticeStaffPages(router, app);
  notificationPages(router);
  moneyPages(router);
  adminPages(router);
  router.use((_req, res) => notFoundPage(res));
  router.use(pageErrors(app.log));
  return (req, res, next) => (NOT_PAGES.test(req.path) ? next() : router(req, res, next));
}
