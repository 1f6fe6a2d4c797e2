import { Router } from 'express';
import type { AppContext } from '../../context';
import { authRoutes } from './auth';
import { caseRoutes } from './cases';
import { miscRoutes } from './misc';

export function apiRouter(app: AppContext): Router {
  const router = Router();
  authRoutes(router, app);
  caseRoutes(router, app);
  miscRoutes(router, app);
  return router;
}
