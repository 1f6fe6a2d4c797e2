import type { Router } from 'express';
import { listCases, listQuerySchema, type CaseSort } from '../cases/list';
import { PRIMARY_STATES } from '../../workflows/case/chart';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { StateBadge } from './components/badge';
import { filled, NextPage } from './components/pager';
import { SortHeader, type SortableColumn } from './components/sort';
import { date, yuan } from './format';
import { CASE_ROLES, hasAny } from './nav';
import { nextStep } from './next-step';
import { pageOf, render, serviceOf, type PageCtx } from './page';
import { shanghaiDate } from '../calendar/dates';

type Item = Awaited<ReturnType<typeof listCases>>['items'][number];

/** How the list is sorted and filtered, when the table's headers sort it (the case list page). */
interface Sorting {
  sort: CaseSort;
  query: Record<string, string | undefined>;
}

/** A header that sorts the list by its column when the table has sorting, plain text otherwise. */
function Header({ p, column, sorting }: { p: PageCtx; column: SortableColumn; sorting?: Sorting }) {
  if (sorting) return <SortHeader p={p} column={column} sort={sorting.sort} path="/cases" query={sorting.query} />;
  return (
    <th scope="col" class={column.num ? 'num' : undefined} safe>
      {column.label}
    </th>
  );
}

export function CaseTable({ p, items, sorting }: { p: PageCtx; items: Item[]; sorting?: Sorting }) {
  const c = p.t.cases;
  return (
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <Header p={p} column={{ key: 'number', label: c.number }} sorting={sorting} />
            <th scope="col" safe>{c.material}</th>
            <th scope="col" safe>{c.state}</th>
            <th scope="col" safe>{c.next}</th>
            <Header p={p} column={{ key: 'amount', label: c.amount, num: true, descendingFirst: true }} sorting={sorting} />
            <Header p={p} column={{ key: 'created', label: c.created, descendingFirst: true }} sorting={sorting} />
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

/** The state filter: a GET form keeping the order; every state of the chart, worded as its badge. */
function StateFilter({ p, state, sort }: { p: PageCtx; state: string | undefined; sort: CaseSort }) {
  const c = p.t.cases;
  return (
    <form method="get" action="/cases" class="filters" role="search" aria-label={c.filter}>
      <input type="hidden" name="sort" value={sort} />
      <div class="field">
        <label for="filter-state" safe>
          {c.state}
        </label>
        <select id="filter-state" name="state">
          <option value="" selected={!state} safe>
            {c.anyState}
          </option>
          {PRIMARY_STATES.map((s) => (
            <option value={s} selected={s === state} safe>
              {p.t.states[s] ?? s}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" safe>
        {c.apply}
      </button>
    </form>
  );
}

/** The cases the person may see (GET /api/v1/cases's schema and service), sorted by a column's header. */
export function casesPage(router: Router) {
  router.get('/cases', gate('user', CASE_ROLES), async (req, res) => {
    const p = pageOf(res);
    const parsed = listQuerySchema.safeParse(filled(req.query), { reportInput: true });
    if (!parsed.success) throw badRequest('the list query is invalid', zodErrors(parsed.error, 'query'));
    const q = parsed.data;
    const list = await listCases(serviceOf(p), q);
    const empty = hasAny(p.user?.roles, ['firm']) ? p.t.cases.empty : p.t.cases.emptyReviewer;
    const filters = { state: q.state, roundId: q.roundId, city: q.city, insurance: q.insurance };
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
        <StateFilter p={p} state={q.state} sort={q.sort} />
        {list.items.length === 0 ? <p class="empty" safe>{empty}</p> : <CaseTable p={p} items={list.items} sorting={{ sort: q.sort, query: filters }} />}
        {q.cursor ? (
          <p class="pager">
            <a href={`/cases?${new URLSearchParams(Object.entries({ ...filters, sort: q.sort }).filter((e): e is [string, string] => typeof e[1] === 'string')).toString()}`} rel="first" safe>
              {p.t.cases.first}
            </a>
          </p>
        ) : (
          ''
        )}
        <NextPage path="/cases" query={{ ...filters, sort: q.sort }} cursor={list.nextCursor} label={p.t.cases.more} />
      </Layout>,
    );
  });
}
