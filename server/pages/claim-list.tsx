import type { Router } from 'express';
import { CLAIM_READERS, CLAIM_STATES, claimsQuerySchema, listClaims } from '../claims/list';
import { listInsurers } from '../insurers/list';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { gate, type Role } from '../http/roles';
import { Layout } from './layout';
import { filled, NextPage } from './components/pager';
import { DataTable } from './components/table';
import { date, instant, yuan } from './format';
import { pageOf, render, serviceOf, type PageCtx } from './page';
import { SelectField } from './components/form';

// 理赔列表: every claim the person may read (GET /api/v1/claims's schema and service), open or
// decided, each opening at its place on its case's page, where it is read and decided.

type Item = Awaited<ReturnType<typeof listClaims>>['items'][number];
interface Insurer {
  id: string;
  name: string;
}

const only = (roles: readonly Role[] | undefined, role: Role) => roles?.length === 1 && roles[0] === role;

function ClaimTable({ p, items, empty, insurerColumn }: { p: PageCtx; items: Item[]; empty: string; insurerColumn: boolean }) {
  const c = p.t.claimList;
  const words = p.t.claims;
  // a firm's claims are all its own, an insurer's all its company's: the column would repeat one name
  const firm = only(p.user?.roles, 'firm') ? [] : [{ header: c.firm, text: (i: Item) => i.firmName }];
  const insurer = insurerColumn ? [{ header: c.insurer, text: (i: Item) => i.insurerName ?? '—' }] : [];
  return (
    <DataTable
      p={p}
      rows={items}
      empty={empty}
      caption={c.title}
      columns={[
        { header: c.claim, cell: (i) => <a href={`/cases/${i.caseId}#claim-${i.id}`} safe>{i.number}</a> },
        { header: c.caseNumber, cell: (i) => <a href={`/cases/${i.caseId}`} safe>{i.caseNumber}</a> },
        ...firm,
        ...insurer,
        { header: c.kind, text: (i) => words.kinds[i.kind] },
        { header: c.occurredOn, text: (i) => date(i.occurredOn, p.locale) },
        { header: c.amount, num: true, text: (i) => yuan(i.amount) },
        { header: c.paidAmount, num: true, text: (i) => (i.paidAmount === null ? '—' : yuan(i.paidAmount)) },
        {
          header: c.status,
          cell: (i) => (
            <span class={`badge state-claim-${i.state}`} safe>
              {words.states[i.state as keyof typeof words.states] ?? i.state}
            </span>
          ),
        },
        { header: c.decidedAt, text: (i) => (i.decidedAt === null ? c.undecided : instant(i.decidedAt, p.locale)) },
      ]}
    />
  );
}

function Filters({ p, status, insurerId, insurers }: { p: PageCtx; status: string | undefined; insurerId: string | undefined; insurers: Insurer[] | null }) {
  const c = p.t.claimList;
  return (
    <form method="get" action="/claims" class="filters" role="search" aria-label={c.filter}>
      <SelectField p={p} idPrefix="filter" name="status" label={c.status} empty={c.anyStatus} value={status} options={CLAIM_STATES.map((s) => ({ value: s, label: p.t.claims.states[s] }))} />
      {insurers ? <SelectField p={p} idPrefix="filter" name="insurerId" label={c.insurer} empty={c.anyInsurer} value={insurerId} options={insurers.map((i) => ({ value: i.id, label: i.name }))} /> : ''}
      <button type="submit" safe>
        {c.apply}
      </button>
    </form>
  );
}

/** The claims the person may read, by status and (for those who see several insurers') by insurer. */
export function claimListPage(router: Router) {
  router.get('/claims', gate('user', CLAIM_READERS), async (req, res) => {
    const p = pageOf(res);
    const parsed = claimsQuerySchema.safeParse(filled(req.query), { reportInput: true });
    if (!parsed.success) throw badRequest('the list query is invalid', zodErrors(parsed.error, 'query'));
    const q = parsed.data;
    const ctx = serviceOf(p);
    const list = await listClaims(ctx, q);
    // an insurer's staff see their company's claims only: no insurer to choose
    const several = !only(p.user?.roles, 'insurer');
    const insurers = several ? (await listInsurers(ctx)).items : null;
    const c = p.t.claimList;
    const filters = { status: q.status, insurerId: q.insurerId };
    const filtered = q.status !== undefined || q.insurerId !== undefined;
    await render(
      res,
      <Layout p={p} title={c.title}>
        <p safe>{c.intro}</p>
        <Filters p={p} status={q.status} insurerId={q.insurerId} insurers={insurers} />
        <ClaimTable p={p} items={list.items} empty={filtered ? c.emptyFiltered : c.empty} insurerColumn={several} />
        {q.cursor ? (
          <p class="pager">
            <a href={`/claims?${new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string')).toString()}`} rel="first" safe>
              {c.first}
            </a>
          </p>
        ) : (
          ''
        )}
        <NextPage path="/claims" query={filters} cursor={list.nextCursor} label={c.more} />
      </Layout>,
    );
  });
}
