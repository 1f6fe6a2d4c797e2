import type { Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { z } from 'zod';
import { searchEntries, searchQuerySchema, type SearchQuery } from '../catalogue/search';
import { listPublicEditions } from '../catalogue/public-editions';
import { editionCategories, type CategoryGroup } from '../catalogue/categories';
import { zodErrors } from '../http/problem';
import { Layout } from './layout';
import { Field, FormProblems } from './components/form';
import { filled, NextPage } from './components/pager';
import { DataTable } from './components/table';
import { date } from './format';
import { pageOf, render, type PageCtx } from './page';

type Result = Awaited<ReturnType<typeof searchEntries>>;
type Edition = Awaited<ReturnType<typeof listPublicEditions>>[number];

function Results({ p, result, query }: { p: PageCtx; result: Result | null; query: Record<string, string> }) {
  if (!result) return <p class="empty" id="results" safe>{p.t.catalogue.noEditions}</p>;
  if (result.items.length === 0) return <p class="empty" id="results" safe>{p.t.catalogue.empty}</p>;
  const c = p.t.catalogue;
  return (
    <div id="results">
      <p role="status" safe>{`${result.edition.docNumber} · ${c.total(result.total)} · ${c.results(result.items.length)}`}</p>
      <DataTable
        p={p}
        rows={result.items}
        columns={[
          { header: c.seq, num: true, text: (e) => e.seq },
          { header: c.name, text: (e) => e.name },
          { header: c.requirements, text: (e) => e.requirements },
          { header: c.field, text: (e) => e.applicationField },
          { header: c.category, text: (e) => [e.majorCategory, e.subCategory].filter(Boolean).join(' / ') },
        ]}
      />
      {query.cursor ? <PreviousPage query={{ q: query.q, category: query.category, edition: result.edition.id, limit: query.limit }} cursor={result.prevCursor} label={c.previous} /> : ''}
      <NextPage path="/catalogue" query={{ q: query.q, category: query.category, edition: result.edition.id, limit: query.limit }} cursor={result.nextCursor} label={c.more} />
    </div>
  );
}

/** The page before this one: its cursor, or none when it is the first page. */
function PreviousPage({ query, cursor, label }: { query: Record<string, string | undefined>; cursor: string | null; label: string }) {
  const params = new URLSearchParams(Object.entries({ ...query, cursor: cursor ?? undefined }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return (
    <p class="pager">
      <a href={`/catalogue?${params.toString()}`} rel="prev" safe>
        {label}
      </a>
    </p>
  );
}

/** The category filter: the edition's top categories, each with its major ones. */
function CategoryPicker({ p, groups, chosen }: { p: PageCtx; groups: CategoryGroup[]; chosen: string | undefined }) {
  const c = p.t.catalogue;
  if (groups.length === 0) return '';
  return (
    <div class="field">
      <label for="f-category" safe>{c.category}</label>
      <select id="f-category" name="category">
        <option value="" selected={!chosen} safe>{c.anyCategory}</option>
        {groups.map((g) => (
          <>
            {g.top !== null ? <option value={g.top} selected={g.top === chosen} safe>{g.top}</option> : ''}
            {g.majors.map((m) => (
              <option value={m} selected={m === chosen} safe>{g.top !== null ? `${g.top} / ${m}` : m}</option>
            ))}
          </>
        ))}
      </select>
    </div>
  );
}

/** An edition as the picker names it: in force, superseded by which, or in force from when. */
function editionLabel(p: PageCtx, e: Edition, all: readonly Edition[]): string {
  const c = p.t.catalogue;
  const marks: string[] = [];
  if (e.current) marks.push(c.current);
  if (e.status === 'superseded') {
    const by = all.find((o) => o.id === e.supersededBy);
    marks.push(by ? c.supersededBy(`${by.year} · ${by.docNumber}`) : c.superseded);
  } else if (!e.current && e.effectiveOn !== null) {
    marks.push(c.effectiveFrom(date(e.effectiveOn, p.locale)));
  }
  return `${e.year} · ${e.docNumber}${c.marks(marks)}`;
}

/** `query`: as asked, shown in the form; `used`: what was searched, which the page links keep. */
function CataloguePage({ p, editions, categories, result, query, used, errors }: { p: PageCtx; editions: Edition[]; categories: CategoryGroup[]; result: Result | null; query: Record<string, string>; used: Record<string, string>; errors: FieldError[] }) {
  const c = p.t.catalogue;
  const asked = query.edition?.toLowerCase();
  const shown = editions.some((e) => e.id === asked) ? asked : editions.find((e) => e.current)?.id;
  return (
    <Layout p={p} title={c.title}>
      <p safe>{c.intro}</p>
      {/* htmx swaps only the results while typing; without it the form is an ordinary GET */}
      <form method="get" action="/catalogue" class="search" role="search" hx-get="/catalogue" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="input changed delay:400ms from:#f-q, change from:#f-edition, change from:#f-category, submit">
        <FormProblems p={p} errors={errors} fields={['q']} />
        <Field p={p} name="q" type="search" label={c.q} hint={c.qHint} value={query.q ?? ''} errors={errors} />
        {editions.length ? (
          <div class="field">
            <label for="f-edition" safe>{c.edition}</label>
            <select id="f-edition" name="edition">
              {pickerOrder(editions).map((e) => (
                <option value={e.id} selected={e.id === shown} safe>{editionLabel(p, e, editions)}</option>
              ))}
            </select>
          </div>
        ) : (
          ''
        )}
        <CategoryPicker p={p} groups={categories} chosen={query.category} />
        <button type="submit" class="primary" safe>{c.search}</button>
      </form>
      <Results p={p} result={result} query={used} />
    </Layout>
  );
}

// the current edition first, as it is the one searched when none is named; then latest year first
const pickerOrder = (editions: readonly Edition[]) => [...editions.filter((e) => e.current), ...editions.filter((e) => !e.current)];

// The page takes the API's query but for its strictness: a shared link carries parameters of its
// own (WeChat's ?from=singlemessage&isappinstalled=0, ?utm_source=…), which the page ignores.
const pageQuerySchema = z.object(searchQuerySchema.shape);

/**
 * The query as the page searches it: a field that is not one (a keyword over 100 characters) is
 * left out, so that the catalogue is still listed with the problem beside the search box.
 */
function pageQuery(query: Record<string, string>): { data: SearchQuery; used: Record<string, string>; errors: FieldError[] } {
  const parsed = pageQuerySchema.safeParse(query, { reportInput: true });
  if (parsed.success) return { data: parsed.data, used: query, errors: [] };
  const errors = zodErrors(parsed.error, '');
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const used = Object.fromEntries(Object.entries(query).filter(([k]) => !bad.has(k)));
  const rest = pageQuerySchema.safeParse(used);
  return { data: rest.success ? rest.data : pageQuerySchema.parse({}), used: rest.success ? used : {}, errors };
}

/** The public catalogue search: GET /api/v1/catalogue/entries's schema and service, no sign-in. */
export function cataloguePage(router: Router, app: AppContext) {
  router.get('/catalogue', async (req, res) => {
    const p = pageOf(res);
    // a NUL no browser sends, which the database cannot take: dropped, as page forms drop it (form-body.ts)
    const query = Object.fromEntries(Object.entries(filled(req.query)).map(([k, v]) => [k, v.replaceAll('\u0000', '')]));
    const editions = await listPublicEditions(app);
    const { data, used: asked, errors } = pageQuery(query);
    let used = asked;
    let result: Result | null = null;
    try {
      result = await searchEntries(app, p.user ?? null, data).catch(async (err: unknown) => {
        // a cursor from an old or mangled link: said beside the search, and the catalogue listed from its start
        if (!(err instanceof AppError) || err.kind !== 'bad_request' || data.cursor === undefined) throw err;
        errors.push(...err.errors.map((e) => ({ ...e, path: e.path.replace(/^query\./, '') })));
        used = Object.fromEntries(Object.entries(used).filter(([k]) => k !== 'cursor'));
        return searchEntries(app, p.user ?? null, { ...data, cursor: undefined });
      });
    } catch (err) {
      // no published edition yet is an empty state, not an error; an edition a cursor names that is none is the 404 it is
      if (!(err instanceof AppError) || err.kind !== 'not_found' || data.edition !== undefined || editions.length > 0) throw err;
    }
    const categories = result ? await editionCategories(app, result.edition.id) : [];
    await render(res, <CataloguePage p={p} editions={editions} categories={categories} result={result} query={query} used={used} errors={errors} />, errors.length ? 400 : 200);
  });
}
