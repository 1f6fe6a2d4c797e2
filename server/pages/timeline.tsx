import type { caseHistoryOf } from '../audit/verify';
import { StateBadge } from './components/badge';
import { instant } from './format';
import type { PageCtx } from './page';
import { actorLabel } from './actors';
import { changeWords, editChanges, uploadWords } from './history-details';

type History = Awaited<ReturnType<typeof caseHistoryOf>>['items'];

/** The words an entry carried: a reason, the reasons of a return, a comment, the firm's reply to a return, an expert's declaration. */
function saidIn(p: PageCtx, payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['reason', 'comment'] as const) if (typeof payload[key] === 'string') out.push(payload[key]);
  if (Array.isArray(payload.reasons)) for (const r of payload.reasons as { message?: unknown }[]) if (typeof r.message === 'string') out.push(r.message);
  if (typeof payload.response === 'string' && payload.response.trim() !== '') out.push(p.t.casePage.replied(payload.response));
  // an expert's declaration on accepting or declining (SPEC §2), kept in the event's body
  if (payload.noConflict === true) out.push(p.t.casePage.declaredNoConflict);
  if (payload.conflictOfInterest === true) out.push(p.t.casePage.declaredConflict);
  return out;
}

/** What an edit changed, or which document an upload added. */
function detailOf(p: PageCtx, h: History[number], changes: ReturnType<typeof editChanges>, index: number): string | null {
  if (h.eventType === 'DOCUMENT_UPLOADED') return uploadWords(p, h.payload);
  const changed = h.eventType === 'EDIT' ? changes.get(index) : undefined;
  return changed && changed.length > 0 ? changeWords(p, changed) : null;
}

export function Timeline({ p, items, names = new Map() }: { p: PageCtx; items: History; names?: ReadonlyMap<string, string> }) {
  const c = p.t.casePage;
  const what = (type: string) => p.t.historyKinds[type] ?? (type in p.t.events ? p.t.events[type as keyof typeof p.t.events] : type);
  const changes = editChanges(items);
  const who = (role: string | null) => (role && role in p.t.roles ? p.t.roles[role as keyof typeof p.t.roles] : p.t.actions.system);
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline" safe>{c.timeline}</h2>
      {items.length === 0 ? (
        <p class="empty" safe>{c.noHistory}</p>
      ) : (
        <ol class="timeline">
          {items
            .map((h, i) => ({ h, detail: detailOf(p, h, changes, i) }))
            .reverse()
            .map(({ h, detail }) => (
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
              {detail ? <span class="detail" safe>{` ${detail}`}</span> : ''}
              <br />
              <span class="muted" safe>{`${instant(h.at, p.locale)} · ${c.by(h.panelLetter ? p.t.review.anonymous(h.panelLetter) : actorLabel(who(h.actorRole), h.actorId ? names.get(h.actorId) : undefined))}`}</span>
              {saidIn(p, (h.payload ?? {}) as Record<string, unknown>).map((s) => (
                <p class="text" safe>{s}</p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
