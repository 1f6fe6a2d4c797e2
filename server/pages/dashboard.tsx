import type { Router } from 'express';
import { Layout } from './layout';
import { pageOf, render, serviceOf } from './page';

export function dashboardPage(router: Router) {
  router.get('/', async (_req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    await render(
      res,
      <Layout p={p} title={p.t.dashboard.title}>
        <p safe>{p.t.dashboard.welcome(ctx.user.name)}</p>
      </Layout>,
    );
  });
}
