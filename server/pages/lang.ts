import type { Router } from 'express';
import type { AppContext } from '../context';
import { requireCsrf } from './csrf';
import { isLocale, LANG_COOKIE } from './i18n';
import { field, localPath } from './page';

/** The language switch: remembered for a year in a cookie, then back to the page it was pressed on. */
export function langPages(router: Router, app: AppContext) {
  router.post('/lang', requireCsrf(), (req, res) => {
    const lang = field(req, 'lang');
    if (isLocale(lang)) {
      res.cookie(LANG_COOKIE, lang, { maxAge: 365 * 86_400_000, sameSite: 'lax', httpOnly: true, secure: app.env.NODE_ENV === 'production', path: '/' });
    }
    res.redirect(303, localPath(field(req, 'back')));
  });
}
