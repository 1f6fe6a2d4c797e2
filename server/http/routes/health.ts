import { Router } from 'express';
import type { AppContext } from '../../context';
import { readiness } from '../../health';

// Liveness says the process answers; readiness says its dependencies do (SPEC §7).
export function healthRouter(app: AppContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness(app);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
