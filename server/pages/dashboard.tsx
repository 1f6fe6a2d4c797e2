import type { Router } from 'express';
import { listCases } from '../cases/list';
import { listTasks } from '../tasks/list';
import { Layout } from './layout';
import { CaseTable } from './cases';
import { nextStepsOf } from './case-list-steps';
import { TaskTable } from './inbox';
import { CLAIMER_ROLES } from '../tasks/claim';
import { CASE_ROLES, hasAny, INBOX_ROLES } from './nav';
import { pageOf, render, serviceOf } from './page';
import { AdminOverview, adminOverview } from './admin/overview';

const FEW = 5;

/** After sign-in: what waits for this person, by role, with the way to the full lists. */
export function dashboardPage(router: Router) {
  router.get('/', async (_req, res) => {
    const p = pageOf(res);
    const ctx = serviceOf(p);
    const roles = ctx.user.roles;
    const d = p.t.dashboard;
    const tasks = await listTasks(ctx, { limit: FEW });
    const isFirm = hasAny(roles, ['firm']);
    const recent = isFirm ? await listCases(ctx, { limit: FEW, sort: '-created' }) : null;
    const overview = hasAny(roles, ['admin']) ? await adminOverview(ctx) : null;
    const steps = recent ? await nextStepsOf(ctx, recent.items.map((i) => i.id), p.locale, p.t) : undefined;
    await render(
      res,
      <Layout p={p} title={d.title}>
        <p class="lead" safe>{d.welcome(ctx.user.name)}</p>
        <p>
          <span safe>{`${d.yourRoles}${p.t.colon}`}</span>
          <span safe>{roles.map((r) => p.t.roles[r]).join('、')}</span>
        </p>
        {hasAny(roles, CASE_ROLES) ? (
          <section aria-labelledby="todo">
            <h2 id="todo" safe>{d.todo}</h2>
            <TaskTable p={p} items={tasks.items} claims={hasAny(p.user?.roles, CLAIMER_ROLES)} empty={d.noTodo} />
            {hasAny(roles, INBOX_ROLES) ? (
              <p>
                <a href="/inbox" safe>{d.openInbox}</a>
              </p>
            ) : (
              ''
            )}
          </section>
        ) : (
          ''
        )}
        {recent ? (
          <section aria-labelledby="recent">
            <h2 id="recent" safe>{d.recentCases}</h2>
            <p>
              <a class="button primary" href="/cases/new" safe>{p.t.application.newLink}</a>
            </p>
            <CaseTable p={p} items={recent.items} empty={d.noCasesFirm} steps={steps} />
            <p>
              <a href="/cases" safe>{d.openCases}</a>
            </p>
          </section>
        ) : (
          ''
        )}
        {overview ? <AdminOverview p={p} o={overview} /> : ''}
      </Layout>,
    );
  });
}
