import type { Response, Router } from 'express';
import { asc } from 'drizzle-orm';
import { rounds } from '../../db/schema';
import { AppError, forbidden, type FieldError } from '../errors';
import { formatYuan } from '../domain/money';
import { roundFigures } from '../pro-rata/figures';
import { proposeProRata } from '../pro-rata/propose';
import { approveProRata } from '../pro-rata/approve';
import { getProRata } from '../pro-rata/get';
import { listProRata, type ProRataListLine } from '../pro-rata/list';
import type { ProRataProposalView } from '../pro-rata/view-schema';
import { Layout } from './layout';
import { CsrfField, FormProblems } from './components/form';
import { DataTable } from './components/table';
import { requireCsrf } from './csrf';
import { instant, yuan } from './format';
import { idParam, type PageCtx, pageOf, problemsOf, render, serviceOf, statusOfProblem } from './page';
import { BatchSections, batchPages, loadBatchSections, type BatchSectionsData } from './batches';

// Finance's money page (SPEC §6, §7): each round's approved subsidies against its budget, and the
// pro-rata reduction (按比例核减) proposed by one finance user and applied by another — the same
// services as POST /rounds/:id/pro-rata and …/approve.

const READERS = ['finance', 'provincial'] as const;
interface RoundLine {
  id: string;
  name: string;
  budget: string | null;
  committed: string;
  available: string | null;
  total: string;
  calculated: number;
  overBudget: boolean;
  /** the calculated cases ask for more than is left: a reduction can be proposed */
  reducible: boolean;
  /** calculated cases wait and nothing of the budget is left for them: no batch can take any, and no reduction is offered */
  spent: boolean;
}

async function roundLines(p: PageCtx): Promise<RoundLine[]> {
  const all = await p.app.db.select({ id: rounds.id, name: rounds.name, budgetFen: rounds.budgetFen }).from(rounds).orderBy(asc(rounds.opensAt));
  return p.app.db.transaction(async (tx) =>
    Promise.all(
      all.map(async (r) => {
        const f = await roundFigures(tx, r.id, r.budgetFen ?? 0n, false);
        return {
          id: r.id,
          name: r.name,
          budget: r.budgetFen === null ? null : formatYuan(r.budgetFen),
          committed: formatYuan(f.committedFen),
          // overspent (a budget lowered below what is committed): how far, as a negative amount
          available: r.budgetFen === null ? null : formatYuan(r.budgetFen - f.committedFen),
          total: formatYuan(f.totalFen),
          calculated: f.lines.length,
          // what is committed counts too: a budget lowered below it is overspent, whatever is left to reduce
          overBudget: r.budgetFen !== null && f.committedFen + f.totalFen > r.budgetFen,
          // something left to share: with nothing left, a reduction would set every calculated case to zero
          reducible: f.totalFen > f.availableFen && f.availableFen > 0n,
          spent: r.budgetFen !== null && f.lines.length > 0 && f.availableFen === 0n,
        };
      }),
    ),
  );
}

type Proposals = Awaited<ReturnType<typeof listProRata>>;

function MoneyPage({ p, lines, errors, batches, proposals }: { p: PageCtx; lines: RoundLine[]; errors: FieldError[]; batches: BatchSectionsData; proposals: Proposals }) {
  const m = p.t.money;
  const finance = p.user?.roles.includes('finance') ?? false;
  return (
    <Layout p={p} title={m.title}>
      <p safe>{m.intro}</p>
      <FormProblems p={p} errors={errors} fields={[]} />
      <DataTable
        p={p}
        rows={lines}
        empty={m.empty}
        columns={[
          { header: m.round, text: (l) => l.name },
          { header: m.budget, num: true, text: (l) => (l.budget === null ? m.noBudget : yuan(l.budget)) },
          { header: m.committed, num: true, text: (l) => yuan(l.committed) },
          { header: m.available, num: true, text: (l) => (l.available === null ? '—' : yuan(l.available)) },
          { header: m.total, num: true, text: (l) => `${yuan(l.total)}${p.locale === 'zh' ? `（${m.cases(l.calculated)}）` : ` (${m.cases(l.calculated)})`}` },
          {
            header: m.budgetState,
            cell: (l) => (
              <>
                <span safe>{l.overBudget ? m.overBudget : m.withinBudget}</span>
                {finance && l.overBudget && l.reducible ? (
                  <form method="post" action={`/money/rounds/${l.id}/pro-rata`}>
                    <CsrfField p={p} />
                    <button type="submit" class="primary" safe>{m.propose}</button>
                  </form>
                ) : (
                  ''
                )}
                {l.spent ? <p class="hint" safe>{m.spent(l.calculated)}</p> : ''}
              </>
            ),
          },
        ]}
      />
      <ProposalList p={p} proposals={proposals} />
      <BatchSections p={p} data={batches} />
    </Layout>
  );
}

/** The open pro-rata proposals, each linked to its page where a second finance user approves it, and the latest decided ones. */
function ProposalList({ p, proposals }: { p: PageCtx; proposals: Proposals }) {
  const m = p.t.money;
  const mine = (l: ProRataListLine) => l.proposedBy.id === p.user?.id;
  const finance = p.user?.roles.includes('finance') ?? false;
  const table = (rows: ProRataListLine[], empty: string, decided: boolean) => (
    <DataTable
      p={p}
      rows={rows}
      empty={empty}
      columns={[
        { header: m.round, cell: (l) => <a href={`/money/rounds/${l.roundId}/pro-rata/${l.id}`} aria-label={`${m.proposalTitle} ${l.roundName} ${instant(l.proposedAt, p.locale)}`} safe>{l.roundName}</a> },
        { header: m.status, text: (l) => m.statuses[l.status] },
        { header: m.reduces, text: (l) => m.reducesWhat(l.cases, yuan(l.total), yuan(l.available)) },
        { header: m.proposedBy, text: (l) => (mine(l) ? `${l.proposedBy.name}${p.t.money.you}` : l.proposedBy.name) },
        { header: m.proposedOn, text: (l) => instant(l.proposedAt, p.locale) },
        decided
          ? { header: m.decided, text: (l) => (l.decidedAt === null ? '—' : l.approvedBy ? m.approvedBy(l.approvedBy.name, instant(l.decidedAt, p.locale)) : m.supersededAt(instant(l.decidedAt, p.locale))) }
          : { header: m.nextStep, text: (l) => (!finance ? m.awaitsFinance : mine(l) ? m.awaitsOther : m.awaitsYou) },
      ]}
    />
  );
  return (
    <section aria-labelledby="pro-rata">
      <h2 id="pro-rata" safe>{m.proposalsTitle}</h2>
      <p safe>{m.proposalsIntro}</p>
      <h3 safe>{m.openTitle}</h3>
      {table(proposals.open, m.noOpen, false)}
      {proposals.decided.length > 0 ? (
        <>
          <h3 safe>{m.decidedTitle}</h3>
          {table(proposals.decided, '', true)}
        </>
      ) : (
        ''
      )}
    </section>
  );
}

function ProposalPage({ p, proposal, errors, done }: { p: PageCtx; proposal: ProRataProposalView; errors: FieldError[]; done: boolean }) {
  const m = p.t.money;
  const mayApprove = proposal.status === 'open' && (p.user?.roles.includes('finance') ?? false) && p.user?.id !== proposal.proposedBy;
  return (
    <Layout p={p} title={m.proposalTitle}>
      <p safe>{m.proposalFigures(yuan(proposal.budget), yuan(proposal.committed), yuan(proposal.available), yuan(proposal.total))}</p>
      <p safe>{`${m.status}${p.t.colon}${m.statuses[proposal.status]} · ${m.proposedAt(instant(proposal.proposedAt, p.locale))}`}</p>
      {done ? <p role="status" class="done" safe>{m.applied}</p> : ''}
      <FormProblems p={p} errors={errors} fields={[]} />
      <DataTable
        p={p}
        rows={proposal.cases}
        columns={[
          { header: m.caseNumber, cell: (c) => <a href={`/cases/${c.caseId}`} safe>{c.caseNumber}</a> },
          { header: m.before, num: true, text: (c) => yuan(c.before) },
          { header: m.after, num: true, text: (c) => yuan(c.after) },
        ]}
      />
      {mayApprove ? (
        <form method="post" action={`/money/rounds/${proposal.roundId}/pro-rata/${proposal.id}/approve`} class="decision">
          <CsrfField p={p} />
          <button type="submit" class="primary" safe>{m.approve}</button>
        </form>
      ) : proposal.status === 'open' ? (
        <p class="hint" safe>{m.fourEyes}</p>
      ) : (
        ''
      )}
    </Layout>
  );
}

function readable(p: PageCtx) {
  if (!p.user) throw new AppError('unauthenticated', 'sign in first');
  if (!p.user.roles.some((r) => (READERS as readonly string[]).includes(r))) throw forbidden('only finance staff and provincial reviewers see the money of a round');
}


async function showProposal(res: Response, roundId: string, proposalId: string, errors: FieldError[], status = 200, done = false) {
  const p = pageOf(res);
  await render(res, <ProposalPage p={p} proposal={await getProRata(serviceOf(p), roundId, proposalId)} errors={errors} done={done} />, status);
}

/** /money with the round lines and the batch sections; `batchErrors` are the new-batch form's. */
async function showMoney(res: Response, query: Record<string, unknown>, errors: FieldError[], status: number, batchErrors: FieldError[] = []) {
  const p = pageOf(res);
  const lines = await roundLines(p);
  const batches = await loadBatchSections(p, lines, query, batchErrors);
  const proposals = await listProRata(serviceOf(p));
  await render(res, <MoneyPage p={p} lines={lines} errors={errors} batches={batches} proposals={proposals} />, status);
}

export function moneyPages(router: Router) {
  batchPages(router, roundLines, (res, query, errors, status) => showMoney(res, query, [], status, errors));
  router.get('/money', async (req, res) => {
    const p = pageOf(res);
    readable(p);
    await showMoney(res, req.query, [], 200);
  });

  router.post('/money/rounds/:id/pro-rata', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    readable(p);
    const roundId = idParam(req.params.id, 'round');
    try {
      const proposal = await proposeProRata(serviceOf(p), roundId);
      res.redirect(303, `/money/rounds/${roundId}/pro-rata/${proposal.id}`);
    } catch (err) {
      await showMoney(res, req.query, problemsOf(err), statusOfProblem(err));
    }
  });

  router.get('/money/rounds/:id/pro-rata/:proposalId', async (req, res) => {
    readable(pageOf(res));
    await showProposal(res, idParam(req.params.id, 'round'), idParam(req.params.proposalId, 'proposal'), [], 200, req.query.done === '1');
  });

  router.post('/money/rounds/:id/pro-rata/:proposalId/approve', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    readable(p);
    const [roundId, proposalId] = [idParam(req.params.id, 'round'), idParam(req.params.proposalId, 'proposal')];
    try {
      await approveProRata(serviceOf(p), roundId, proposalId);
    } catch (err) {
      return showProposal(res, roundId, proposalId, problemsOf(err), statusOfProblem(err));
    }
    res.redirect(303, `/money/rounds/${roundId}/pro-rata/${proposalId}?done=1`);
  });
}
