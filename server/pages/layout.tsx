import type { PropsWithChildren } from '@kitajs/html';
import type { PageCtx } from './page';
import { assetUrl } from './assets';
import { navFor } from './nav';
import { CsrfField } from './components/form';
import { unreadCount } from '../notifications/list';

// htmx may neither inject its indicator styles (their rules are in app.css) nor evaluate code (the CSP allows only our files),
// nor keep copies of pages, which carry form tokens, in localStorage for the back button.
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, historyCacheSize: 0 });

function LangSwitch({ p }: { p: PageCtx }) {
  return (
    <form method="post" action="/lang" class="lang">
      <CsrfField p={p} />
      <input type="hidden" name="lang" value={p.t.lang.other} />
      <input type="hidden" id="lang-back" name="back" value={p.url} />
      <button type="submit" aria-label={p.t.lang.switchLabel} lang={p.t.lang.other === 'zh' ? 'zh-CN' : 'en'} safe>
        {p.t.lang.switchTo}
      </button>
    </form>
  );
}

/** The header's link to the person's notifications, with how many are unread (one indexed count, on every page). */
async function NotificationsLink({ p, userId }: { p: PageCtx; userId: string }) {
  const c = p.t.notifications;
  // the error page of a lost database still renders: the link then goes without its count
  const n = await unreadCount(p.app, userId).catch(() => 0);
  return (
    <a href="/notifications" aria-current={p.path === '/notifications' ? 'page' : undefined} aria-label={n > 0 ? c.navUnread(n) : undefined}>
      <span safe>{c.nav}</span>
      {n > 0 ? <span class="count" safe>{String(n)}</span> : ''}
    </a>
  );
}

function Header({ p }: { p: PageCtx }) {
  const nav = navFor(p.t, p.user?.roles ?? null);
  return (
    <header class="top">
      <a class="brand" href="/" safe>
        {p.t.programme}
      </a>
      <nav aria-label={p.t.nav.label}>
        <ul>
          {nav.map((n) => (
            <li>
              <a href={n.href} aria-current={isCurrent(p.path, n.href) ? 'page' : undefined} safe>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        {p.user ? (
          <>
            <span safe>{p.t.signedInAs(p.user.name)}</span>
            <NotificationsLink p={p} userId={p.user.id} />
            <a href="/account/password" aria-current={p.path === '/account/password' ? 'page' : undefined} safe>
              {p.t.account.menu}
            </a>
            <form method="post" action="/logout">
              <CsrfField p={p} />
              <button type="submit" safe>{p.t.nav.logout}</button>
            </form>
          </>
        ) : (
          <a href="/login" safe>{p.t.nav.login}</a>
        )}
        <LangSwitch p={p} />
      </div>
    </header>
  );
}

/** The header link of the section a page belongs to: its own path, or a path under it (a case under the list). */
const isCurrent = (path: string, href: string) => path === href || (href !== '/' && path.startsWith(`${href}/`));

export function Layout({ p, title, children }: PropsWithChildren<{ p: PageCtx; title: string }>) {
  return (
    <html lang={p.t.lang.htmlLang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title safe>{`${title} · ${p.t.programmeShort}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('htmx.js')} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          <span safe>{p.t.skip}</span>
        </a>
        <Header p={p} />
        <main id="main">
          <h1 safe>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}
