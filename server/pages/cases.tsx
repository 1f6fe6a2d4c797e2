import type { Router } from 'express';
import { listCases, listQuerySchema, type CaseSort, type ListQuery } from '../cases/list';
import { PRIMARY_STATES } from '../../workflows/case/chart';
import { badRequest, type FieldError } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { StateBadge } from './components/badge';
import { filled, NextPage } from './components/pager';
import { DataTable } from './components/table';
import { errorsAt, FieldProblems, FormProblems, SelectField } from './components/form';
import { listRounds } from '../rounds/list';
import { cities } from '../domain/cities';
import { date, yuan } from './format';
import { CASE_ROLES, hasAny } from './nav';
import { nextStep } from './next-step';
import { nextStepsOf } from './case-list-steps';
import { pageOf, render, serviceOf, type PageCtx } from './page';
import { shanghaiDate } from '../calendar/dates';
import { seesSubsidy } from '../cases/present';

type Item = Awaited<ReturnType<typeof listCases>>['items'][number];

/**
 * The cases as a table; its headers sort the list where `sorting` says how (the case list page).
 * `steps`: each case's next step as its page tells the reader (nextStepsOf); else the step's own.
 */
export function CaseTable({
  p,
  items,
  sorting,
  empty,
  steps,
}: {
  p: PageCtx;
  items: Item[];
  sorting?: { sort: CaseSort; query: Record<string, string | undefined> };
  empty?: string;
  steps?: ReadonlyMap<string, string | null>;
}) {
  const c = p.t.cases;
  // the approved cases' subsidy, to those GET /cases/:id/subsidy answers (the list gives it to them only)
  const subsidy = p.user && seesSubsidy(p.user) ? [{ header: c.subsidy, num: true, text: (i: Item) => (i.subsidy === null ? '—' : i.paidOn ? c.paid(yuan(i.subsidy), date(i.paidOn, p.locale)) : yuan(i.subsidy)) }] : [];
  // a firm's list is all its own: the column would say its name on every row
  const firm = p.user && !(p.user.roles.length === 1 && p.user.roles[0] === 'firm') ? [{ header: c.firm, text: (i: Item) => i.firmName }] : [];
  return (
    <DataTable
      p={p}
      rows={items}
      empty={empty}
      sorting={sorting ? { ...sorting, path: '/cases' } : undefined}
      columns={[
        { header: c.number, sort: { key: 'number' }, cell: (i) => <a href={`/cases/${i.id}`} safe>{i.number}</a> },
        ...firm,
        { header: c.material, text: (i) => i.materialName ?? c.untitled },
        { header: c.state, cell: (i) => <StateBadge p={p} state={i.state} /> },
        { header: c.next, text: (i) => (steps?.has(i.id) ? steps.get(i.id) : nextStep(i.state, p.locale, p.t)) ?? c.noNext },
        { header: c.amount, num: true, sort: { key: 'amount', descendingFirst: true }, text: (i) => yuan(i.contractAmount) },
        ...subsidy,
        { header: c.created, sort: { key: 'created', descendingFirst: true }, text: (i) => date(shanghaiDate(new Date(i.createdAt)), p.locale) },
      ]}
    />
  );
}

/**
 * The search and the state filter: a GET form keeping the order; every state of the chart, worded
 * as its badge. A refused value is shown as it was typed, its problem beside it.
 */
function StateFilter({
  p,
  state,
  q,
  sort,
  errors,
  roundId,
  city,
  rounds,
}: {
  p: PageCtx;
  state: string | undefined;
  q: string | undefined;
  sort: CaseSort;
  errors: readonly FieldError[];
  roundId: string | undefined;
  city: string | undefined;
  rounds: readonly { id: string; name: string }[];
}) {
  const c = p.t.cases;
  const qErrors = errorsAt(errors, 'q');
  const stateErrors = errorsAt(errors, 'state');
  return (
    <form method="get" action="/cases" class="filters" role="search" aria-label={c.filter}>
      <FormProblems p={p} errors={errors} fields={['q', 'state', 'roundId', ...(seesCities(p) ? ['city'] : [])]} />
      <input type="hidden" name="sort" value={sort} />
      <div class={qErrors.length ? 'field invalid' : 'field'}>
        <label for="filter-q" safe>
          {c.search}
        </label>
        <FieldProblems p={p} id="filter-q-error" errors={qErrors} />
        <input id="filter-q" name="q" type="search" maxlength="50" value={q ?? ''} placeholder={p.user?.roles.every((r) => r === 'firm') ? c.searchHintFirm : c.searchHint} aria-invalid={qErrors.length ? 'true' : undefined} aria-describedby={qErrors.length ? 'filter-q-error' : undefined} />
      </div>
      <div class={stateErrors.length ? 'field invalid' : 'field'}>
        <label for="filter-state" safe>
          {c.state}
        </label>
        <FieldProblems p={p} id="filter-state-error" errors={stateErrors} />
        <select id="filter-state" name="state" aria-invalid={stateErrors.length ? 'true' : undefined} aria-describedby={stateErrors.length ? 'filter-state-error' : undefined}>
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
      <SelectField p={p} idPrefix="filter" name="roundId" label={c.round} empty={c.anyRound} value={roundId} errors={errors} options={rounds.map((r) => ({ value: r.id, label: r.name }))} />
      {seesCities(p) ? (
        <SelectField p={p} idPrefix="filter" name="city" label={c.city} empty={c.anyCity} value={city} errors={errors} options={cities.map((x) => ({ value: x.code, label: p.locale === 'zh' ? x.name : x.nameEn }))} />
      ) : (
        ''
      )}
      <button type="submit" safe>
        {c.apply}
      </button>
    </form>
  );
}

/** Whether the person sees the cases of more than one city: a firm and a municipal reviewer see their own city's only. */
const seesCities = (p: PageCtx): boolean => p.user?.roles.some((r) => r !== 'firm' && r !== 'municipal') ?? false;

/** A field the address gives more than once (`?q=a&q=b`): said, as the API refuses it, rather than one of them picked. */
const repeated = (key: string): FieldError => ({ path: key, code: 'repeated', message: 'give one value only: the address names this field more than once', messageZh: '此项只能填写一个值：地址中重复给出了该项' });

/**
 * The list's query, and the problems of the fields it refuses: those fields are left out of the
 * list shown (their problems beside them), as long as the rest is a query the list takes.
 */
export function listQueryOf(query: Record<string, unknown>): { q: ListQuery; errors: FieldError[]; typed: Record<string, string> } {
  const twice = Object.keys(query).filter((k) => Array.isArray(query[k]));
  const asked = filled(query);
  // a repeated field is shown again with its first value, for the person to correct
  const firsts = twice.flatMap((k) => {
    const first: unknown = (query[k] as unknown[])[0];
    return typeof first === 'string' ? [[k, first] as const] : [];
  });
  const typed: Record<string, string> = { ...asked, ...Object.fromEntries(firsts) };
  const parsed = listQuerySchema.safeParse(asked, { reportInput: true });
  const errors = [...twice.map(repeated), ...(parsed.success ? [] : zodErrors(parsed.error, ''))];
  if (parsed.success && errors.length === 0) return { q: parsed.data, errors, typed };
  const refused = new Set(errors.map((e) => e.path.split('.')[0] ?? ''));
  const rest = listQuerySchema.safeParse(Object.fromEntries(Object.entries(asked).filter(([k]) => !refused.has(k))));
  // a problem of no one field (an unknown one) leaves no list to show: the error page says it
  if (!rest.success || refused.has('')) throw badRequest('the list query is invalid', errors.map((e) => ({ ...e, path: e.path ? `query.${e.path}` : 'query' })));
  return { q: rest.data, errors, typed };
}

/** The cases the person may see (GET /api/v1/cases's schema and service), sorted by a column's header. */
export function casesPage(router: Router) {
  router.get('/cases', gate('user', CASE_ROLES), async (req, res) => {
    const p = pageOf(res);
    const { q, errors, typed } = listQueryOf(req.query);
    const ctx = serviceOf(p);
    const [list, rounds] = await Promise.all([listCases(ctx, q), listRounds(ctx)]);
    const steps = await nextStepsOf(ctx, list.items.map((i) => i.id), p.locale, p.t);
    const filters = { q: q.q, state: q.state, roundId: q.roundId, city: q.city, insurance: q.insurance };
    // a filter that matches nothing says so, rather than that there are no cases at all
    const filtered = Object.values(filters).some((v) => v !== undefined && v !== '');
    const empty = filtered ? p.t.cases.emptyFiltered : hasAny(p.user?.roles, ['firm']) ? p.t.cases.empty : p.t.cases.emptyReviewer;
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
        <StateFilter p={p} state={q.state} q={errorsAt(errors, 'q').length ? typed.q : q.q} sort={q.sort} errors={errors} roundId={q.roundId} city={q.city} rounds={rounds.items} />
        <CaseTable p={p} items={list.items} sorting={{ sort: q.sort, query: filters }} empty={empty} steps={steps} />
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
      errors.length ? 400 : 200,
    );
  });
}
