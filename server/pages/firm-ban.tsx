import { shanghaiDate } from '../calendar/dates';
import type { FirmBan } from '../enterprises/bans';
import { date } from './format';
import type { PageCtx } from './page';

/**
 * A firm's ban, where its readers meet the firm (its profile, its cases): until when, and the
 * recoveries that set it, each linked to its case with the reason given when it was started.
 */
export function FirmBanNote({ p, ban, own }: { p: PageCtx; ban: FirmBan | null; own: boolean }) {
  if (!ban) return '';
  const b = p.t.ban;
  const until = date(ban.until, p.locale);
  return (
    <div class="caution" role="note" id="firm-ban">
      <p>
        <strong safe>{own ? b.own(until) : b.title(until)}</strong>
      </p>
      <p safe>{b.effect}</p>
      <ul>
        {ban.recoveries.map((r) => (
          <li>
            <a href={`/cases/${r.caseId}`} safe>
              {b.recovery(r.number, date(shanghaiDate(new Date(r.startedAt)), p.locale))}
            </a>
            <span safe>{`${p.t.colon}${r.reason}`}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
