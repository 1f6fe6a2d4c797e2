import { formatYuan } from '../domain/money';
import { stateName } from './access';
import type { Money, RoundReport } from './round-report';
import type { RoundReportView } from './schema';

const money = (m: Money): RoundReportView['totals']['money'] => ({
  requested: formatYuan(m.requested),
  approved: formatYuan(m.approved),
  reduced: formatYuan(m.reduced),
  current: formatYuan(m.current),
  paid: formatYuan(m.paid),
  recovered: formatYuan(m.recovered),
});

export function roundReportView(r: RoundReport): RoundReportView {
  return {
    round: r.round,
    generatedAt: r.generatedAt.toISOString(),
    totals: { counts: r.totals.counts, money: money(r.totals.money) },
    byState: r.byState.map((s) => ({ state: s.state, nameZh: stateName(s.state).zh, nameEn: stateName(s.state).en, count: s.count })),
    byCity: r.byCity.map((c) => ({ city: c.city, name: c.name, nameEn: c.nameEn, counts: c.counts, money: money(c.money) })),
    byStateAndCity: r.byStateAndCity,
    reductions: r.reductions.map((x) => ({ kind: x.kind, cases: x.cases, amount: formatYuan(x.fen) })),
    claims: r.claims.map((c) => ({
      catalogueEntryId: c.catalogueEntryId,
      entryName: c.entryName,
      insurerId: c.insurerId,
      insurerName: c.insurerName,
      premiums: formatYuan(c.premiumsFen),
      claims: c.claims,
      claimsPaid: c.claimsPaid,
      paidAmount: formatYuan(c.paidFen),
      lossRatio: c.lossRatio,
    })),
  };
}
