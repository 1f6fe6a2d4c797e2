import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import type { Db } from '../db/client';
import { calendarDays, calendarYears, catalogueEditions, catalogueEntries, enterprises, insurers, users } from '../db/schema';
import type { Role } from '../db/schema/accounts';
import { parseCsv } from '../server/catalogue/parse';
import { officialOverrides } from '../server/calendar/official';
import { makeUscc } from '../server/domain/uscc';
import { demoFirms } from './data/firms';
import { factoryDates, makeRound, passwordHashFor } from './factories';

const demoInsurers = [
  { code: 'PICC', name: '中国人民财产保险股份有限公司' },
  { code: 'PINGAN', name: '中国平安财产保险股份有限公司' },
  { code: 'CPIC', name: '中国太平洋财产保险股份有限公司' },
];

/** True when the database has no users yet: `npm start` seeds only then. */
export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/** Loads the State Council working-day schedule for every year the calendar package knows. */
export async function seedCalendar(db: Db): Promise<void> {
  const { rows, years } = officialOverrides(2004, 2030);
  await db.insert(calendarYears).values(years.map((year) => ({ year, published: true }))).onConflictDoNothing();
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(calendarDays)
      .values(rows.slice(i, i + 500).map((r) => ({ date: r.date, kind: r.kind, name: r.name, source: 'official' as const })))
      .onConflictDoNothing();
  }
}

export async function seedDemo(db: Db, password: string): Promise<void> {
  await seedCalendar(db);
  const insurerRows = await db.insert(insurers).values(demoInsurers).returning();
  const edition = await seedEdition(db);
  // this year's round, whatever the year the demo starts in (the factories date the applications around today)
  const { year } = factoryDates;
  await makeRound(db, {
    name: `${year}年度重点新材料首批次应用保险补偿申报`,
    year,
    editionId: edition.id,
    // open on the day the demo starts: from 1 March (1 January, before then) to the year's last day
    // at 17:00 (on that day itself, to the end of January, so that it does not close within hours)
    opensAt: new Date(`${year}-${factoryDates.today < `${year}-03-01` ? '01' : '03'}-01T00:00:00+08:00`),
    closesAt: factoryDates.today < `${year}-12-31` ? new Date(`${year}-12-31T17:00:00+08:00`) : new Date(`${year + 1}-01-31T17:00:00+08:00`),
    insuranceStartsOn: `${year - 1}-09-01`,
    insuranceEndsOn: `${year}-12-31`,
    insurerIds: insurerRows.map((i) => i.id),
  });
  const firmRows = await db.insert(enterprises).values(demoFirms.map(({ key: _key, ...f }) => f)).returning();
  const firmId = (uscc: string | undefined) => firmRows.find((f) => f.uscc === uscc)?.id ?? null;
  const hash = await passwordHashFor(password);
  const picc = insurerRows.find((i) => i.code === 'PICC')?.id ?? null;
  const account = (email: string, name: string, roles: Role[], extra: Partial<typeof users.$inferInsert> = {}) => ({ email, name, roles, passwordHash: hash, ...extra });
  await db.insert(users).values([
    account('admin@demo.local', '系统管理员', ['admin']),
    account('firm@demo.local', '杭州企业申报员', ['firm'], { enterpriseId: firmId(demoFirms.find((f) => f.key === 'hz')?.uscc) }),
    account('firm2@demo.local', '宁波企业申报员', ['firm'], { enterpriseId: firmId(demoFirms.find((f) => f.key === 'nb')?.uscc) }),
    account('municipal.hz@demo.local', '杭州市经信局初审员', ['municipal'], { city: '330100' }),
    account('municipal.nb@demo.local', '宁波市经信局初审员', ['municipal'], { city: '330200' }),
    account('provincial@demo.local', '省经信厅复审员', ['provincial']),
    account('provincial2@demo.local', '省经信厅复审员（二）', ['provincial']),
    // an expert's organisation is required with the role (SPEC §7); public institutions' codes start 12
    account('expert1@demo.local', '评审专家一', ['expert'], { organisationUscc: makeUscc('12330000MB1D7E2F5'), organisationName: '浙江省新材料产业研究院（演示）' }),
    account('expert2@demo.local', '评审专家二', ['expert'], { organisationUscc: makeUscc('12330100MB0X3Y8K6'), organisationName: '杭州材料科学研究所（演示）' }),
    account('expert3@demo.local', '评审专家三', ['expert'], { organisationUscc: makeUscc('12330200MB2G4H9J1'), organisationName: '宁波先进材料检测中心（演示）' }),
    account('insurer.picc@demo.local', '人保财险核保员', ['insurer'], { insurerId: picc }),
    account('finance1@demo.local', '财务人员一', ['finance']),
    account('finance2@demo.local', '财务人员二', ['finance']),
  ]);
}

/**
 * The demo edition is the one in force today: Zhejiang's editions are annual and take effect on
 * 5 September (SPEC §10), so before that day it is last year's.
 */
async function seedEdition(db: Db) {
  const file = fileURLToPath(new URL('./data/catalogue-demo.csv', import.meta.url));
  const parsed = await parseCsv(await readFile(file));
  const year = factoryDates.today >= `${factoryDates.year}-09-05` ? factoryDates.year : factoryDates.year - 1;
  const [edition] = await db
    .insert(catalogueEditions)
    .values({
      year,
      docNumber: `浙经信材料〔${year}〕演示号`,
      title: parsed.title?.replace(/\d{4}年版/, `${year}年版`) ?? `浙江省重点新材料首批次应用示范指导目录（${year}年版，演示数据）`,
      status: 'published',
      effectiveOn: `${year}-09-05`,
      isDemo: true,
      publishedAt: new Date(`${year}-09-05T00:00:00+08:00`),
    })
    .returning();
  if (!edition) throw new Error('edition insert returned nothing');
  await db.insert(catalogueEntries).values(
    parsed.entries.map((e) => ({
      editionId: edition.id,
      seq: e.seq,
      name: e.name,
      requirements: e.requirements,
      applicationField: e.applicationField,
      topCategory: e.topCategory,
      majorCategory: e.majorCategory,
      subCategory: e.subCategory,
    })),
  );
  return edition;
}
