import type { caseHistoryOf } from '../audit/verify';
import { StateBadge } from './components/badge';
import { instant } from './format';
import type { PageCtx } from './page';
import { actorLabel } from './actors';

type History = Awaited<ReturnType<typeof caseHistoryOf>>['items'];

/** The words an entry carried: a reason, the reasons of a return, a comment. */
function saidIn(payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['reason', 'comment'] as const) if (typeof payload[key] === 'string') out.push(payload[key]);
  if (Array.isArray(payload.reasons)) for (const r of payload.reasons as { message?: unknown }[]) if (typeof r.message === 'string') out.push(r.message);
  return out;
}

export function Timeline({ p, items, names = new Map() }: { p: PageCtx; items: History; names?: ReadonlyMap<string, string> }) {
  const c = p.t.casePage;
  const what = (type: string) => p.t.historyKinds[type] ?? (type in p.t.events ? p.t.events[type as keyof typeof p.t.events] : type);
  const who = (role: string | null) => (role && role in p.t.roles ? p.t.roles[role as keyof typeof p.t.roles] : p.t.actions.system);
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline" safe>{c.timeline}</h2>
      {items.length === 0 ? (
        <p class="empty" safe>{c.noHistory}</p>
      ) : (
        <ol class="timeline">
          {[...items].reverse().map((h) => (
            <li>
              {/* the step it took, from where to where: a city's approval reads 市级初审 → 省级复审 */}
              <strong safe>{what(h.eventType)}</strong>{' '}
              {h.stateBefore && h.stateBefore !== h.stateAfter && h.stateBefore !== 'new' ? (
                <>
                  <StateBadge p={p} state={h.stateBefore} />
                  <span aria-hidden="true"> → </span>
                  <span class="visually-hidden" safe>{` ${c.to} `}</span>
                </>
              ) : (
                ''
              )}
              <StateBadge p={p} state={h.stateAfter} />
              <br />
              <span class="muted" safe>{`${instant(h.at, p.locale)} · ${c.by(actorLabel(who(h.actorRole), h.actorId ? names.get(h.actorId) : undefined))}`}</span>
              {saidIn((h.payload ?? {}) as Record<string, unknown>).map((s) => (
                <p safe>{s}</p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
