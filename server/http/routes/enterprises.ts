import type { Router } from 'express';
import type { AppContext } from '../../context';

export function enterprisesRoutes(_router: Router, _app: AppContext): void {
  // routes of this area are mounted here
}
