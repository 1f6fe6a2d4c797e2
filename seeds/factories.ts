import { createHash, randomUUID } from 'node:crypto';
import { and, eq, max } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { catalogueEditions, catalogueEntries, documents, enterprises, insurers, rounds, users, type DocumentType } from '../db/schema';
import type { Role } from '../db/schema/accounts';
import { defaultClockLengths } from '../server/engine/clock-kinds';
import { makeUscc, USCC_ALPHABET } from '../server/domain/uscc';
import { hashPassword } from '../server/auth/password';
import { DEFAULT_REQUIRED_DOCUMENTS, DEFAULT_RUBRIC } from '../server/rounds/columns';
import { addCalendarDays, dateParts, isoDate, shanghaiDate } from '../server/calendar/dates';

// Factories shared by the demo seed and the tests: every test makes its own rows with them.

export const REQUIRED_DOCUMENTS = DEFAULT_REQUIRED_DOCUMENTS;

// The factories date what they make around the present (Asia/Shanghai, read once when this module
// loads), so that a factory round is open and a factory policy in force in whatever year the tests
// or the demo run: the programme year is this year, and the policy started a few months ago.

/** The first day of the month `months` after (or, negative, before) the month of `date`. */
function monthStart(date: string, months: number): string {
  const { year, month } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  return isoDate({ year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 });
}

const today = shanghaiDate(new Date());
const year = dateParts(today).year;
/** The policy starts on the first of the month three months back: in force today, its end 8–9 months away. */
const policyStartsOn = monthStart(today, -3);

/**
 * The dates every factory row is made with. Tests that assert a date or a year the factories chose
 * read it here rather than writing it out, so they pass in any year.
 */
export const factoryDates = {
  /** Today's date in Asia/Shanghai when the factories loaded. */
  today,
  /** The programme year of factory rounds and editions: this year. */
  year,
  /** Factory editions are in force from the start of the year. */
  editionEffectiveOn: isoDate({ year, month: 1, day: 1 }),
  /** A factory round takes applications from the start of this year to the end of the next. */
  roundOpensAt: new Date(`${year}-01-01T00:00:00+08:00`),
  roundClosesAt: new Date(`${year + 1}-12-31T23:59:59+08:00`),
  /** Policies that started as early as the start of last year qualify: a test's may have begun 200 days ago. */
  insuranceStartsOn: isoDate({ year: year - 1, month: 1, day: 1 }),
  insuranceEndsOn: isoDate({ year: year + 1, month: 12, day: 31 }),
  contractSignedOn: monthStart(today, -4),
  deliveredOn: policyStartsOn,
  premiumPaidOn: addCalendarDays(policyStartsOn, -7),
  policyStartsOn,
  /** One policy year: 365 or 366 days after the start, less one. */
  policyEndsOn: addCalendarDays(monthStart(today, 9), -1),
  /** A day on which the policy was in force and which has passed: a loss that may be claimed. */
  lossOn: monthStart(today, -1),
} as const;
export const defaultRubric = DEFAULT_RUBRIC;

/** A fresh, valid USCC for a firm in `city` (random body, computed check character). */
export function randomUscc(city = '330100'): string {
  let body = '';
  for (let i = 0; i < 9; i++) body += USCC_ALPHABET[Math.floor(Math.random() * USCC_ALPHABET.length)] ?? '0';
  return makeUscc(`91${city}${body}`);
}

let cachedHash: { password: string; cost: number | undefined; hash: Promise<string> } | null = null;
/** scrypt is slow on purpose; factories hash each distinct password once per process. */
export function passwordHashFor(password: string, cost?: number): Promise<string> {
  if (cachedHash?.password !== password || cachedHash.cost !== cost) cachedHash = { password, cost, hash: hashPassword(password, cost) };
  return cachedHash.hash;
}

// Throw-away accounts of the tests sign in dozens of times a run: a lower scrypt cost keeps that quick.
const factoryCost = process.env.NODE_ENV === 'test' ? 2 ** 14 : undefined;

export async function makeEnterprise(db: DbOrTx, over: Partial<typeof enterprises.$inferInsert> = {}) {
  const city = over.city ?? '330100';
  const [row] = await db
    .insert(enterprises)
    .values({
      name: `测试新材料有限公司-${randomUUID().slice(0, 8)}`,
      uscc: randomUscc(city),
      city,
      address: '杭州市滨江区测试路 1 号',
      contactName: '测试联系人',
      contactPhone: '13800000000',
      contactEmail: 'contact@example.test',
      bankName: '中国工商银行杭州分行',
      bankAccount: '1202000000000000001',
      ...over,
    })
    .returning();
  if (!row) throw new Error('enterprise insert returned nothing');
  return row;
}

export async function makeUser(db: DbOrTx, over: Partial<typeof users.$inferInsert> & { roles: Role[]; password?: string }) {
  const { password = 'Test-password-1', ...rest } = over;
  const [row] = await db
    .insert(users)
    .values({ email: `${randomUUID()}@example.test`, name: '测试用户', passwordHash: await passwordHashFor(password, factoryCost), ...rest })
    .returning();
  if (!row) throw new Error('user insert returned nothing');
  return row;
}

export async function makeInsurer(db: DbOrTx, over: Partial<typeof insurers.$inferInsert> = {}) {
  const [row] = await db.insert(insurers).values({ name: '测试财产保险股份有限公司', code: `T${randomUUID().slice(0, 8)}`, ...over }).returning();
  if (!row) throw new Error('insurer insert returned nothing');
  return row;
}

export async function makeEdition(db: DbOrTx, entries: { name: string; requirements?: string; applicationField?: string; topCategory?: string; majorCategory?: string; subCategory?: string }[], over: Partial<typeof catalogueEditions.$inferInsert> = {}) {
  const [edition] = await db
    .insert(catalogueEditions)
    .values({ year, docNumber: `测试〔${year}〕${randomUUID().slice(0, 4)}号`, title: '测试目录', status: 'published', effectiveOn: factoryDates.editionEffectiveOn, ...over })
    .returning();
  if (!edition) throw new Error('edition insert returned nothing');
  const rows = entries.length
    ? await db
        .insert(catalogueEntries)
        .values(entries.map((e, i) => ({ editionId: edition.id, seq: i + 1, requirements: '', applicationField: '', topCategory: '关键战略材料', ...e })))
        .returning()
    : [];
  return { edition, entries: rows };
}

export async function makeRound(db: DbOrTx, over: Partial<typeof rounds.$inferInsert> & { editionId: string }) {
  const [row] = await db
    .insert(rounds)
    .values({
      name: `测试批次-${randomUUID().slice(0, 6)}`,
      year,
      opensAt: factoryDates.roundOpensAt,
      closesAt: factoryDates.roundClosesAt,
      insuranceStartsOn: factoryDates.insuranceStartsOn,
      insuranceEndsOn: factoryDates.insuranceEndsOn,
      requiredDocuments: [...REQUIRED_DOCUMENTS],
      clockLengths: defaultClockLengths,
      rubric: defaultRubric,
      ...over,
    })
    .returning();
  if (!row) throw new Error('round insert returned nothing');
  return row;
}

/**
 * Document rows without files: enough for the §5 "every required document present" rule, which
 * looks only at which types a case has. Each call adds a new version of every type given.
 */
export async function attachRequiredDocuments(db: DbOrTx, caseId: string, uploadedBy: string, types: readonly DocumentType[] = REQUIRED_DOCUMENTS) {
  const rows = [];
  for (const type of types) {
    const [latest] = await db
      .select({ version: max(documents.version) })
      .from(documents)
      .where(and(eq(documents.caseId, caseId), eq(documents.type, type)));
    const version = (latest?.version ?? 0) + 1;
    const [row] = await db
      .insert(documents)
      .values({
        caseId,
        type,
        version,
        fileName: `${type}-v${version}.pdf`,
        mediaType: 'application/pdf',
        sizeBytes: 1024,
        sha256: createHash('sha256').update(`${caseId}:${type}:${version}`).digest('hex'),
        uploadedBy,
      })
      .returning();
    if (!row) throw new Error('document insert returned nothing');
    rows.push(row);
  }
  return rows;
}

/**
 * A complete application body (SPEC §7) that passes every SUBMIT rule of §5 in a factory round,
 * dated by `factoryDates` (its figures are those of SPEC §6's first worked example).
 */
export function completeCaseBody(ids: { roundId: string; catalogueEntryId: string; insurerId: string }) {
  return {
    roundId: ids.roundId,
    catalogueEntryId: ids.catalogueEntryId,
    material: { name: '低缺陷高平坦度大尺寸半导体硅晶圆', specification: '300 mm, P型', batchNo: `B${year}-001` },
    userUnit: { name: '测试用户单位有限公司', uscc: randomUscc('330200'), notAffiliate: true, notTrader: true },
    contract: { number: `HT-${year}-018`, signedOn: factoryDates.contractSignedOn, amount: '10000000.00', quantity: '20000', unit: '片', deliveredOn: factoryDates.deliveredOn },
    policy: {
      insurerId: ids.insurerId,
      number: `PICC-${year}-${randomUUID().slice(0, 12)}`,
      liabilityLimit: '60000000.00',
      premium: '1500000.00',
      startsOn: factoryDates.policyStartsOn,
      endsOn: factoryDates.policyEndsOn,
      premiumInvoiceNo: 'FP-0001',
      paidOn: factoryDates.premiumPaidOn,
    },
  };
}
