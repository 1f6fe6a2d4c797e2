import type { Router } from 'express';
import { listEnterprises, ENTERPRISE_LIST_READERS } from '../enterprises/list';
import { enterpriseListQuerySchema } from '../enterprises/list-schema';
import { cityByCode } from '../domain/cities';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { filled, NextPage } from './components/pager';
import { DataTable } from './components/table';
import { pageOf, render, serviceOf, type PageCtx } from './page';
import { date } from './format';

type Item = Awaited<ReturnType<typeof listEnterprises>>['items'][number];

function FirmTable({ p, items, empty }: { p: PageCtx; items: Item[]; empty: string }) {
  const t = p.t.firms;
  const cityName = (code: string) => {
    const city = cityByCode(code);
    return city ? (p.locale === 'zh' ? city.name : city.nameEn) : code;
  };
  return (
    <DataTable
      p={p}
      rows={items}
      empty={empty}
      caption={t.title}
      columns={[
        {
          header: t.name,
          cell: (i) => (
            <>
              <a href={`/firm/${i.id}`} safe>
                {i.name}
              </a>
              {i.bannedUntil ? (
                <>
                  {' '}
                  <span class="badge banned" safe>
                    {p.t.ban.badge(date(i.bannedUntil, p.locale))}
                  </span>
                </>
              ) : (
                ''
              )}
            </>
          ),
        },
        { header: t.uscc, class: 'code', text: (i) => i.uscc },
        { header: t.city, text: (i) => cityName(i.city) },
        { header: t.profile, text: (i) => (i.profileComplete ? t.complete : t.incomplete(i.missing.length)) },
        { header: t.applications, num: true, text: (i) => i.applications },
        { header: t.live, num: true, text: (i) => i.liveApplications },
      ]}
    />
  );
}

function Search({ p, q }: { p: PageCtx; q: string | undefined }) {
  const t = p.t.firms;
  return (
    <form method="get" action="/firms" class="filters" role="search" aria-label={t.filter}>
      <div class="field">
        <label for="filter-q" safe>
          {t.search}
        </label>
        <input id="filter-q" name="q" type="search" maxlength="50" value={q ?? ''} placeholder={t.searchHint} />
      </div>
      <button type="submit" safe>
        {t.apply}
      </button>
    </form>
  );
}

/** The firms the reviewer may read (GET /api/v1/enterprises's schema and service), each linked to its profile. */
export function firmsPage(router: Router) {
  router.get('/firms', gate('user', ENTERPRISE_LIST_READERS), async (req, res) => {
    const p = pageOf(res);
    const parsed = enterpriseListQuerySchema.safeParse(filled(req.query), { reportInput: true });
    if (!parsed.success) throw badRequest('the list query is invalid', zodErrors(parsed.error, 'query'));
    const q = parsed.data;
    const list = await listEnterprises(serviceOf(p), q);
    const t = p.t.firms;
    await render(
      res,
      <Layout p={p} title={t.title}>
        <p safe>{t.intro}</p>
        <Search p={p} q={q.q} />
        <FirmTable p={p} items={list.items} empty={q.q ? t.emptyFiltered : t.empty} />
        {q.cursor ? (
          <p class="pager">
            <a href={q.q ? `/firms?${new URLSearchParams({ q: q.q }).toString()}` : '/firms'} rel="first" safe>
              {t.first}
            </a>
          </p>
        ) : (
          ''
        )}
        <NextPage path="/firms" query={{ q: q.q }} cursor={list.nextCursor} label={t.more} />
      </Layout>,
    );
  });
}
