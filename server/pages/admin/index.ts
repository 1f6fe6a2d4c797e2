import type { Router } from 'express';
import { adminOnly } from './common';
import { adminHome } from './home';
import { adminUsers } from './users';
import { adminRounds } from './rounds';
import { adminCatalogue } from './catalogue';
import { adminInsurers } from './insurers';
import { adminCalendar } from './calendar';
import { adminClock } from './clock';

/** The administrator's pages (系统管理), every one behind the services' own admin check. */
export function adminPages(router: Router) {
  router.use('/admin', adminOnly);
  adminHome(router);
  adminUsers(router);
  adminRounds(router);
  adminCatalogue(router);
  adminInsurers(router);
  adminCalendar(router);
  adminClock(router);
}
