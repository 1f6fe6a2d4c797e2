import { adminOverview } from '../../admin/overview';
import { date, instantBeijing } from '../format';
import type { PageCtx } from '../page';

type Overview = Awaited<ReturnType<typeof adminOverview>>;

/** The administrator's part of the 工作台: what waits, what failed, what is open, which catalogue is in force. */
export function AdminOverview({ p, o }: { p: PageCtx; o: Overview }) {
  const d = p.t.dashboard.admin;
  return (
    <section aria-labelledby="admin-overview">
      <h2 id="admin-overview" safe>{d.title}</h2>
      <ul class="cards">
        <li>
          <a href="/admin/users?status=invited" safe>{d.pendingInvitations(o.pendingInvitations)}</a>
          <p class="hint" safe>{d.pendingHint}</p>
        </li>
        <li>
          {o.failedEmails + o.retryingEmails > 0 ? <strong class="error" safe>{d.failedEmails(o.failedEmails, o.retryingEmails)}</strong> : <span safe>{d.noFailedEmails}</span>}
          <p class="hint" safe>{d.failedHint}</p>
        </li>
        <li>
          <a href="/admin/rounds" safe>{d.openRounds(o.openRounds.length)}</a>
          {o.openRounds.length > 0 ? (
            <ul>
              {o.openRounds.map((r) => (
                <li>
                  <a href={`/admin/rounds/${r.id}`} safe>{r.name}</a> <span class="hint" safe>{d.closes(instantBeijing(r.closesAt, p.locale))}</span>
                </li>
              ))}
            </ul>
          ) : (
            ''
          )}
        </li>
        <li>
          {o.edition ? (
            <a href={`/admin/catalogue/editions/${o.edition.id}`} safe>{d.edition(o.edition.year, o.edition.docNumber)}</a>
          ) : (
            <a href="/admin/catalogue" safe>{d.noEdition}</a>
          )}
          {o.edition?.effectiveOn ? <p class="hint" safe>{d.effectiveOn(date(o.edition.effectiveOn, p.locale))}</p> : ''}
        </li>
      </ul>
      <p>
        <a href="/admin" safe>{p.t.dashboard.adminNote}</a>
      </p>
    </section>
  );
}

export { adminOverview };
