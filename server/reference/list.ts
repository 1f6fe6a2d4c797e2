import { asc, desc, eq } from 'drizzle-orm';
import { catalogueEditions, insurers, rounds } from '../../db/schema';
import type { AppContext } from '../context';
import { formatYuan } from '../domain/money';

export async function listInsurers(app: AppContext) {
  return app.db.select({ id: insurers.id, name: insurers.name, code: insurers.code }).from(insurers).orderBy(asc(insurers.code));
}

export async function listRounds(app: AppContext) {
  const rows = await app.db.select().from(rounds).orderBy(desc(rounds.opensAt));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    year: r.year,
    editionId: r.editionId,
    opensAt: r.opensAt.toISOString(),
    closesAt: r.closesAt.toISOString(),
    insuranceStartsOn: r.insuranceStartsOn,
    insuranceEndsOn: r.insuranceEndsOn,
    insurerIds: r.insurerIds,
    rateBp: r.rateBp,
    premiumRateCapBp: r.premiumRateCapBp,
    limitMultiple: r.limitMultiple,
    absoluteLimit: r.absoluteLimitFen === null ? null : formatYuan(r.absoluteLimitFen),
    minContract: formatYuan(r.minContractFen),
    maxYears: r.maxYears,
    requiredDocuments: r.requiredDocuments,
    clockLengths: r.clockLengths,
    rubric: r.rubric,
  }));
}

export async function listPublishedEditions(app: AppContext) {
  return app.db
    .select({
      id: catalogueEditions.id,
      year: catalogueEditions.year,
      docNumber: catalogueEditions.docNumber,
      title: catalogueEditions.title,
      status: catalogueEditions.status,
      effectiveOn: catalogueEditions.effectiveOn,
      isDemo: catalogueEditions.isDemo,
    })
    .from(catalogueEditions)
    .where(eq(catalogueEditions.status, 'published'))
    .orderBy(desc(catalogueEditions.year));
}
