import type { User } from '../context';
import { seesSubsidy } from './present';
import type { CaseContext } from '../../workflows/case/types';
import { panelLetters } from './experts-view';

// The history of a case says who did what; for the expert review it must say no more than the case
// page does (experts-view.ts): the provincial reviewer reads it whole; an expert reads their own
// entries, and the other experts' scores, without their names, once their own score is in; every
// other reader sees that the steps happened, not who the experts are or what they wrote. To an
// expert of the panel, another expert's step names them by the letter the case page gives them
// (评审专家 B), the same whoever reads it.

const EXPERT_EVENTS = new Set(['ASSIGN_EXPERTS', 'ACCEPT_ASSIGNMENT', 'DECLINE_ASSIGNMENT', 'SCORE']);
// the money a case's history carries: read only by those who see its subsidy (present.ts seesSubsidy)
const MONEY_EVENTS = new Set(['SUBSIDY_REDUCED', 'PAID', 'PAYMENT_FAILED', 'RECOVERED']);

interface Entry {
  eventType: string;
  actorId: string | null;
  payload: unknown;
}

export function historyFor<E extends Entry>(entries: readonly E[], context: Partial<CaseContext>, viewer: User): (E & { panelLetter?: string })[] {
  const money = seesSubsidy(viewer);
  const shown = money ? entries : entries.map((e) => (MONEY_EVENTS.has(e.eventType) ? { ...e, payload: {} } : e));
  return expertRedacted(shown, context, viewer);
}

function expertRedacted<E extends Entry>(entries: readonly E[], context: Partial<CaseContext>, viewer: User): (E & { panelLetter?: string })[] {
  if (viewer.roles.includes('provincial')) return [...entries];
  const experts = context.experts ?? [];
  const ownScoreIn = experts.some((a) => a.expertId === viewer.id && a.status === 'scored');
  // the letters only to a reader who sees the panel (experts-view.ts): an expert who is on it
  const onPanel = viewer.roles.includes('expert') && experts.some((a) => a.expertId === viewer.id && a.status !== 'replaced');
  const letters = onPanel ? panelLetters(experts) : new Map<string, string>();
  const letterOf = (actorId: string | null) => {
    const l = actorId ? letters.get(actorId) : undefined;
    return l ? { panelLetter: l } : {};
  };
  return entries.map((e) => {
    if (!EXPERT_EVENTS.has(e.eventType) || (e.actorId === viewer.id && e.eventType !== 'ASSIGN_EXPERTS')) return e;
    if (e.eventType === 'ASSIGN_EXPERTS') return { ...e, payload: {} };
    if (e.eventType === 'SCORE' && ownScoreIn) return { ...e, actorId: null, ...letterOf(e.actorId) };
    return { ...e, actorId: null, payload: {}, ...letterOf(e.actorId) };
  });
}
