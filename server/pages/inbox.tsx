import type { Router } from 'express';
import { listTasks, tasksQuerySchema } from '../tasks/list';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { gate } from '../http/roles';
import { Layout } from './layout';
import { Overdue, StateBadge } from './components/badge';
import { filled, NextPage } from './components/pager';
import { date } from './format';
import { INBOX_ROLES } from './nav';
import { pageOf, render, serviceOf, type PageCtx } from './page';

type Task = Awaited<ReturnType<typeof listTasks>>['items'][number];

function Due({ p, due }: { p: PageCtx; due: Task['due'] }) {
  if (!due) return <span class="muted" safe>{p.t.inbox.noDue}</span>;
  return (
    <>
      <span safe>{date(due.dueOn, p.locale)}</span>
      {due.provisional ? <span class="muted" safe>{` (${p.t.casePage.provisional})`}</span> : ''}
      {due.overdue ? (
        <>
          {' '}
          <Overdue p={p} />
        </>
      ) : (
        ''
      )}
    </>
  );
}

export function TaskTable({ p, items }: { p: PageCtx; items: Task[] }) {
  const c = p.t.inbox;
  return (
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th scope="col" safe>{p.t.cases.number}</th>
            <th scope="col" safe>{c.task}</th>
            <th scope="col" safe>{c.firm}</th>
            <th scope="col" safe>{p.t.cases.material}</th>
            <th scope="col" safe>{p.t.cases.state}</th>
            <th scope="col" safe>{c.due}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr class={i.due?.overdue ? 'overdue' : undefined}>
              <td data-label={p.t.cases.number}>
                <a href={`/cases/${i.caseId}`} safe>{i.number}</a>
              </td>
              <td data-label={c.task} safe>{p.locale === 'zh' ? i.taskZh : i.task}</td>
              <td data-label={c.firm} safe>{i.firmName}</td>
              <td data-label={p.t.cases.material} safe>{i.materialName ?? p.t.cases.untitled}</td>
              <td data-label={p.t.cases.state}>
                <StateBadge p={p} state={i.state} />
              </td>
              <td data-label={c.due}>
                <Due p={p} due={i.due} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The reviewers', experts', insurers' and finance's inbox: GET /api/v1/tasks's service. */
export function inboxPage(router: Router) {
  router.get('/inbox', gate('user', INBOX_ROLES), async (req, res) => {
    const p = pageOf(res);
    const parsed = tasksQuerySchema.safeParse(filled(req.query), { reportInput: true });
    if (!parsed.success) throw badRequest('the inbox query is invalid', zodErrors(parsed.error, 'query'));
    const list = await listTasks(serviceOf(p), parsed.data);
    await render(
      res,
      <Layout p={p} title={p.t.inbox.title}>
        {list.items.length === 0 ? <p class="empty" safe>{p.t.inbox.empty}</p> : <TaskTable p={p} items={list.items} />}
        <NextPage path="/inbox" query={{}} cursor={list.nextCursor} label={p.t.inbox.more} />
      </Layout>,
    );
  });
}
