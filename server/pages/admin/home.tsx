import type { Router } from 'express';
import { SettableClock } from '../../clock';
import { pageOf, render } from '../page';
import { Layout } from '../layout';
import { adminOf } from './common';

/** GET /admin: the administrator's dashboard, a link to each page with what it is for. */
export function adminHome(router: Router) {
  router.get('/admin', async (_req, res) => {
    const p = pageOf(res);
    adminOf(p);
    const h = p.t.admin.home;
    const links: [string, string, string][] = [
      ['/admin/users', h.users, h.usersHint],
      ['/admin/rounds', h.rounds, h.roundsHint],
      ['/admin/catalogue', h.catalogue, h.catalogueHint],
      ['/admin/insurers', h.insurers, h.insurersHint],
      ['/admin/calendar', h.calendar, h.calendarHint],
      // the settable clock exists outside production only (server/runtime.ts)
      ...(p.app.clock instanceof SettableClock ? [['/admin/clock', h.clock, h.clockHint] as [string, string, string]] : []),
    ];
    await render(
      res,
      <Layout p={p} title={h.title}>
        <p class="lead" safe>{h.intro}</p>
        <ul class="cards">
          {links.map(([href, label, hint]) => (
            <li>
              <a href={href} safe>{label}</a>
              <p class="hint" safe>{hint}</p>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });
}
