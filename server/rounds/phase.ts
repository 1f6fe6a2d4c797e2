// Where a round's application window stands at an instant, by the rule submission uses
// (server/cases/rules/eligibility.ts): open from opensAt, up to but not including closesAt.

export const roundPhases = ['upcoming', 'open', 'closed'] as const;
export type RoundPhase = (typeof roundPhases)[number];

export function roundPhase(r: { opensAt: Date | string; closesAt: Date | string }, now: Date): RoundPhase {
  const t = now.getTime();
  if (t < new Date(r.opensAt).getTime()) return 'upcoming';
  return t < new Date(r.closesAt).getTime() ? 'open' : 'closed';
}
