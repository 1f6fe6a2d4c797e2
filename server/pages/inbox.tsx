import type { Response, Router } from 'express';
import { z } from 'zod';
import { listTasks, tasksQuerySchema } from '../tasks/list';
import { CLAIMER_ROLES, claimTask, releaseTask } from '../tasks/claim';
import { whereDone } from './where-done';
import { badRequest, notFound, type FieldError } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { BatchBadge, DueSoon, Overdue, StateBadge } from './components/badge';
import { shanghaiDate } from '../calendar/dates';
import { CsrfField, FormProblems } from './components/form';
import { requireCsrf } from './csrf';
import { filled, NextPage } from './components/pager';
import { DataTable, type Column } from './components/table';
import { aside, date, instantBeijing, yuan } from './format';
import { INBOX_ROLES } from './nav';
import { pageOf, refusalOf, render, serviceOf, type PageCtx } from './page';
import { hasAny } from './nav';

type Task = Awaited<ReturnType<typeof listTasks>>['items'][number];

function Due({ p, task }: { p: PageCtx; task: Task }) {
  const due = task.due;
  // SPEC §4 sets no programme deadline on an insurer's claim decision: the policy's terms do
  if (!due) return <span class="muted" safe>{task.claimId ? p.t.inbox.policyTerms : p.t.inbox.noDue}</span>;
  return (
    <>
      {/* a round closes at its hour (17:00), a clock at the end of its day */}
      <span safe>{due.kind === 'roundClosing' ? p.t.inbox.roundCloses(instantBeijing(due.dueAt, p.locale)) : date(due.dueOn, p.locale)}</span>
      {due.provisional ? <span class="muted" safe>{aside(p.t.casePage.provisional, p.locale)}</span> : ''}
      <DaysLeft p={p} due={due} />
      {due.overdue || due.dueSoon ? (
        <>
          {' '}
          {due.overdue ? <Overdue p={p} /> : <DueSoon p={p} />}
        </>
      ) : (
        ''
      )}
    </>
  );
}

/** The working days a deadline leaves, as the API counts them (list.ts); none once it is overdue. */
function DaysLeft({ p, due }: { p: PageCtx; due: NonNullable<Task['due']> }) {
  if (due.overdue) return '';
  const c = p.t.inbox;
  const left = due.status === 'paused' ? p.t.casePage.paused(due.remainingWorkingDays) : due.dueOn === shanghaiDate(p.app.clock.now()) ? c.dueToday : c.workingDaysLeft(due.remainingWorkingDays);
  return <span safe>{` · ${left}`}</span>;
}

/** What the task says, linked to where it is done when that is not the case page. */
function TaskCell({ p, task }: { p: PageCtx; task: Task }) {
  const label = p.locale === 'zh' ? task.taskZh : task.task;
  const href = whereDone(task);
  if (!href) return <span safe>{label}</span>;
  return (
    <a href={href} aria-label={`${label} ${task.number}`} safe>
      {label}
    </a>
  );
}

/**
 * Who holds a shared task, and the button to take it or give it back (an insurance claim's decision
 * and a disbursement batch are not taken this way, nor a task done elsewhere: a case waiting to be
 * put into a batch, made of the round's cases on the money pages, or onto a public notice, published
 * for several of the round's cases at once).
 */
function Holder({ p, task }: { p: PageCtx; task: Task }) {
  const c = p.t.inbox;
  const held = task.claimedBy;
  if (task.claimId || task.batchId || !task.caseId) return '';
  const taken = task.via === null;
  if (!taken && !held) return '';
  const who = held ? (held.mine ? c.mine : held.name) : c.nobody;
  const action = held?.mine ? 'release' : held || !taken ? null : 'claim';
  return (
    <>
      <span safe>{who}</span>
      {action ? <TakeForm p={p} action={action} href={`/inbox/${task.caseId}/${action}`} number={task.number} /> : ''}
    </>
  );
}

/** The button that takes a shared task or gives it back (here and on the case page, pages/case-task.tsx). */
export function TakeForm({ p, action, href, number }: { p: PageCtx; action: 'claim' | 'release'; href: string; number: string }) {
  const label = action === 'claim' ? p.t.inbox.claim : p.t.inbox.release;
  return (
    <form method="post" action={href} class="inline">
      <CsrfField p={p} />
      <button type="submit" aria-label={`${label} ${number}`} safe>
        {label}
      </button>
    </form>
  );
}

export function TaskTable({ p, items, claims = false, empty }: { p: PageCtx; items: Task[]; claims?: boolean; empty?: string }) {
  const c = p.t.inbox;
  const columns: Column<Task>[] = [
    {
      header: p.t.cases.number,
      cell: (i) =>
        i.proRataId ? (
          <>
            <span class="muted" safe>{`${c.proRata} `}</span>
            <a href={whereDone(i) ?? '/money'} safe>{i.number}</a>
          </>
        ) : i.batchId ? (
          <>
            <span class="muted" safe>{`${c.batch} `}</span>
            <a href={`/money/batches/${i.batchId}`} safe>{i.number}</a>
          </>
        ) : (
          // a claim's decision opens at the claim, its documents and the forms that decide it (pages/claims.tsx)
          <a href={i.claimId ? `/cases/${i.caseId ?? ''}#claim-${i.claimId}` : `/cases/${i.caseId ?? ''}`} safe>{i.number}</a>
        ),
    },
    { header: c.task, cell: (i) => <TaskCell p={p} task={i} /> },
    // a batch paying several firms leaves them to its page; a firm's own tasks are all its own
    ...(p.user?.roles.includes('firm') && p.user.roles.length === 1 ? [] : [{ header: c.firm, text: (i: Task) => i.firmName ?? (i.proRataId ? c.proRataFirms : c.severalFirms) }]),
    { header: p.t.cases.material, text: (i) => (i.batch ? c.batchPays(i.batch.payments, yuan(i.batch.total)) : i.proRata ? c.proRataReduces(i.proRata.cases, yuan(i.proRata.total), yuan(i.proRata.available), i.proRata.proposedBy.name) : (i.materialName ?? p.t.cases.untitled)) },
    { header: p.t.cases.state, cell: (i) => (i.batchId ? <BatchBadge p={p} state={i.state} /> : i.proRataId ? <span class="badge" safe>{p.t.money.statuses.open}</span> : <StateBadge p={p} state={i.state} />) },
    { header: c.due, cell: (i) => <Due p={p} task={i} /> },
  ];
  // only a case's task is taken from the shared inbox: a page of batches and claims has no one to name
  if (claims && items.some((i) => i.caseId && !i.claimId && !i.batchId && (i.via === null || i.claimedBy))) columns.push({ header: c.holder, cell: (i) => <Holder p={p} task={i} /> });
  return <DataTable p={p} rows={items} empty={empty} columns={columns} rowClass={(i) => (i.due?.overdue ? 'overdue' : undefined)} />;
}

const DONE = { claim: 'claimed', release: 'released' } as const;
/** What the inbox says after a step taken elsewhere: a declined assignment, or another step that took the case out of the person's sight. */
const SAID = [...Object.values(DONE), 'declined', 'left'] as const;

async function showInbox(res: Response, query: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
  const p = pageOf(res);
  const { done: said, ...listQuery } = filled(query);
  const parsed = tasksQuerySchema.safeParse(listQuery, { reportInput: true });
  if (!parsed.success) throw badRequest('the inbox query is invalid', zodErrors(parsed.error, 'query'));
  const list = await listTasks(serviceOf(p), parsed.data);
  const done = SAID.find((d) => d === said);
  await render(
    res,
    <Layout p={p} title={p.t.inbox.title}>
      {done ? <p role="status" class="done" safe>{p.t.inbox[done]}</p> : ''}
      <FormProblems p={p} errors={errors} fields={[]} />
      <TaskTable p={p} items={list.items} claims={hasAny(p.user?.roles, CLAIMER_ROLES)} empty={p.t.inbox.empty} />
      <NextPage path="/inbox" query={{}} cursor={list.nextCursor} label={p.t.inbox.more} />
    </Layout>,
    status,
  );
}

const caseIdOf = (raw: unknown) => {
  const id = z.uuid().safeParse(raw);
  if (!id.success) throw notFound('case');
  return id.data;
};

/** The reviewers', experts', insurers' and finance's inbox: GET /api/v1/tasks's service; shared tasks are taken and given back here. */
export function inboxPage(router: Router) {
  router.get('/inbox', gate('user', INBOX_ROLES), async (req, res) => showInbox(res, req.query));
  for (const action of ['claim', 'release'] as const) {
    router.post(`/inbox/:caseId/${action}`, gate('user', CLAIMER_ROLES), requireCsrf(), async (req, res) => {
      const ctx = serviceOf(pageOf(res));
      const caseId = caseIdOf(req.params.caseId);
      try {
        await (action === 'claim' ? claimTask(ctx, caseId) : releaseTask(ctx, caseId));
      } catch (err) {
        const refused = refusalOf(err);
        return showInbox(res, {}, refused.errors, refused.status);
      }
      res.redirect(303, `/inbox?done=${DONE[action]}`);
    });
  }
}
