import { Router } from 'express';
import type { AppContext } from '../../context';
import { authRoutes } from './auth';
import { caseRoutes } from './cases';
import { miscRoutes } from './misc';
import { enterprisesRoutes } from './enterprises';
import { catalogueRoutes } from './catalogue';
import { roundsRoutes } from './rounds';
import { documentsRoutes } from './documents';
import { calendarRoutes } from './calendar';
import { usersRoutes } from './users';
import { noticesRoutes } from './notices';
import { claimsRoutes } from './claims';
import { proRataRoutes } from './pro-rata';
import { disbursementsRoutes } from './disbursements';
import { reportsRoutes } from './reports';

export function apiRouter(app: AppContext): Router {
  const router = Router();
  authRoutes(router, app);
  enterprisesRoutes(router, app);
  catalogueRoutes(router, app);
  roundsRoutes(router, app);
  caseRoutes(router, app);
  documentsRoutes(router, app);
  calendarRoutes(router, app);
  usersRoutes(router, app);
  noticesRoutes(router, app);
  claimsRoutes(router, app);
  proRataRoutes(router, app);
  disbursementsRoutes(router, app);
  reportsRoutes(router, app);
  miscRoutes(router, app);
  return router;
}
