import type { Router } from 'express';
import { gate } from '../http/roles';
import { badRequest } from '../errors';
import { zodErrors } from '../http/problem';
import { listNotifications } from '../notifications/list';
import { markAllNotificationsRead, markNotificationRead } from '../notifications/read';
import { notificationsQuerySchema } from '../notifications/schema';
import { CsrfField } from './components/form';
import { filled, NextPage } from './components/pager';
import { DataTable } from './components/table';
import { requireCsrf } from './csrf';
import { instantBeijing } from './format';
import { Layout } from './layout';
import { idParam, pageOf, render, serviceOf, type PageCtx } from './page';

// The signed-in person's in-app notifications (the words the engine wrote beside each email, in
// Chinese as the API gives them), newest first, the unread marked and marked read from here.

const PAGE_SIZE = 30;
type Item = Awaited<ReturnType<typeof listNotifications>>['items'][number];

function What({ n }: { n: Item }) {
  const title = n.readAt ? <span safe>{n.title}</span> : <strong safe>{n.title}</strong>;
  return (
    <>
      {n.path ? <a href={n.path}>{title}</a> : title}
      <br />
      <span class="muted" safe>{n.body}</span>
    </>
  );
}

function State({ p, n }: { p: PageCtx; n: Item }) {
  const c = p.t.notifications;
  if (n.readAt) return <span class="muted" safe>{c.read}</span>;
  return (
    <>
      <span class="badge state-unread" safe>{c.unread}</span>{' '}
      <form method="post" action={`/notifications/${n.id}/read`} class="inline">
        <CsrfField p={p} />
        <button type="submit" aria-label={`${c.markRead} ${n.title}`} safe>{c.markRead}</button>
      </form>
    </>
  );
}

export function notificationPages(router: Router) {
  router.get('/notifications', gate('user', undefined), async (req, res) => {
    const p = pageOf(res);
    const c = p.t.notifications;
    const { done, ...query } = filled(req.query as Record<string, unknown>);
    const parsed = notificationsQuerySchema.safeParse({ limit: PAGE_SIZE, ...query }, { reportInput: true });
    if (!parsed.success) throw badRequest('the notifications query is invalid', zodErrors(parsed.error, 'query'));
    const list = await listNotifications(serviceOf(p), parsed.data);
    await render(
      res,
      <Layout p={p} title={c.title}>
        {done === 'one' || done === 'all' ? <p role="status" class="done" safe>{done === 'one' ? c.markedOne : c.markedAll}</p> : ''}
        <p safe>{c.unreadCount(list.unread)}</p>
        {list.unread > 0 ? (
          <form method="post" action="/notifications/read">
            <CsrfField p={p} />
            <button type="submit" safe>{c.markAll}</button>
          </form>
        ) : (
          ''
        )}
        <DataTable
          p={p}
          rows={list.items}
          empty={c.empty}
          rowClass={(n) => (n.readAt ? undefined : 'unread')}
          columns={[
            { header: c.when, text: (n) => instantBeijing(n.createdAt, p.locale) },
            { header: c.what, cell: (n) => <What n={n} /> },
            { header: c.state, cell: (n) => <State p={p} n={n} /> },
          ]}
        />
        <NextPage path="/notifications" query={{ limit: query.limit }} cursor={list.nextCursor} label={c.more} />
      </Layout>,
    );
  });

  // back to the page of the list the button was on
  const back = (url: string, done: string) => {
    const u = new URL(url, 'http://local');
    const target = u.pathname === '/notifications' ? u : new URL('/notifications', 'http://local');
    target.searchParams.set('done', done);
    return `${target.pathname}${target.search}`;
  };

  router.post('/notifications/read', gate('user', undefined), requireCsrf(), async (_req, res) => {
    const p = pageOf(res);
    await markAllNotificationsRead(serviceOf(p));
    res.redirect(303, back(p.url, 'all'));
  });

  router.post('/notifications/:id/read', gate('user', undefined), requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    await markNotificationRead(serviceOf(p), idParam(req.params.id, 'notification'));
    res.redirect(303, back(p.url, 'one'));
  });
}
