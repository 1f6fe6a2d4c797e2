import type { Router } from 'express';
import { listCases, listQuerySchema } from '../cases/list';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { StateBadge } from './components/badge';
import { filled, NextPage } from './components/pager';
import { date, yuan } from './format';
import { CASE_ROLES, hasAny } from './nav';
import { nextStep } from './next-step';
import { pageOf, render, serviceOf, type PageCtx } from './page';
import { shanghaiDate } from '../calendar/dates';

type Item = Awaited<ReturnType<typeof listCases>>['items'][number];

export function CaseTable({ p, items }: { p: PageCtx; items: Item[] }) {
  const c = p.t.cases;
  return (
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th scope="col" safe>{c.number}</th>
            <th scope="col" safe>{c.material}</th>
            <th scope="col" safe>{c.state}</th>
            <th scope="col" safe>{c.next}</th>
            <th scope="col" class="num" safe>{c.amount}</th>
            <th scope="col" safe>{c.created}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr>
              <td data-label={c.number}>
                <a href={`/cases/${i.id}`} safe>{i.number}</a>
              </td>
              <td data-label={c.material} safe>{i.materialName ?? c.untitled}</td>
              <td data-label={c.state}>
                <StateBadge p={p} state={i.state} />
              </td>
              <td data-label={c.next} safe>{nextStep(i.state, p.locale, p.t) ?? c.noNext}</td>
              <td data-label={c.amount} class="num" safe>{yuan(i.contractAmount)}</td>
              <td data-label={c.created} safe>{date(shanghaiDate(new Date(i.createdAt)), p.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The cases the person may see (GET /api/v1/cases's schema and service), newest first. */
export function casesPage(router: Router) {
  router.get('/cases', gate('user', CASE_ROLES), async (req, res) => {
    const p = pageOf(res);
    const parsed = listQuerySchema.safeParse(filled(req.query), { reportInput: true });
    if (!parsed.success) throw badRequest('the list query is invalid', zodErrors(parsed.error, 'query'));
    const list = await listCases(serviceOf(p), parsed.data);
    const empty = hasAny(p.user?.roles, ['firm']) ? p.t.cases.empty : p.t.cases.emptyReviewer;
    await render(
      res,
      <Layout p={p} title={p.t.cases.title}>
        {hasAny(p.user?.roles, ['firm']) ? (
          <p>
            <a class="button primary" href="/cases/new" safe>{p.t.application.newLink}</a>
          </p>
        ) : (
          ''
        )}
        {list.items.length === 0 ? <p class="empty" safe>{empty}</p> : <CaseTable p={p} items={list.items} />}
        <NextPage path="/cases" query={{ state: parsed.data.state }} cursor={list.nextCursor} label={p.t.cases.more} />
      </Layout>,
    );
  });
}
