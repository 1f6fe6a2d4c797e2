import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { cases, enterprises, payments } from '../../db/schema';
import type { ServiceContext } from '../context';
import { afterCursor, cursorTime, encodeCursor, UUID } from '../domain/keyset';
import { badRequest } from '../errors';
import { formatYuan } from '../domain/money';
import { visibleCases } from './visibility';
import { seesSubsidy } from './present';
import { PRIMARY_STATES } from '../../workflows/case/chart';
import { containsPattern, keywordWords } from '../domain/text';
import { policyNumberKeyOf } from '../../db/schema/policy-number-key';

// the insurance region runs beside the review (SPEC §4): a case is approved when both are done
export const INSURANCE_STATES = ['pendingVerification', 'mismatch', 'verified'] as const;
const insuranceState = sql<(typeof INSURANCE_STATES)[number] | null>`${cases.snapshot}->'value'->'inReview'->>'insurance'`;

export const listQuerySchema = z.strictObject({
  // a state no case can be in matches nothing: said rather than answered with an empty list
  state: z.enum(PRIMARY_STATES as [string, ...string[]]).optional().meta({ description: 'a state of the chart (draft, municipal, …, paid): the states a case is listed by' }),
  insurance: z.enum(INSURANCE_STATES).optional().meta({ description: "the insurance region's state, for cases in review" }),
  roundId: z.uuid().optional(),
  city: z.string().regex(/^\d{6}$/, 'a GB/T 2260 city code, e.g. 330100').optional(),
  q: z
    .string()
    .trim()
    .max(50, 'at most 50 characters')
    .optional()
    .meta({
      description:
        "a part of the case number, the material's name or the applicant firm's name, and for all but firms of the firm's USCC or the policy number (dashes and spaces aside), matched literally and case-insensitively, within the cases the caller may see",
    }),
  sort: z
    .enum(['-created', 'created', 'number', '-number', 'amount', '-amount'])
    .default('-created')
    .meta({ description: 'the order: by opening time, case number or contract amount; a leading minus for descending (cases without an amount count as the smallest)' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** LIKE treats % and _ as wildcards and \\ as their escape: a search for "5%" means the text "5%". */

/**
 * The cases whose number, material name or firm's name holds the text; for staff also the firm's
 * USCC or the policy number (compared as its key, db/schema/policy-number-key.ts). A union of
 * one lookup per column, each under its pg_trgm index (migrations 0025, 0028): an OR across the
 * joined tables would read every visible case instead.
 */
function matching(q: string, staff: boolean): SQL {
  const like = containsPattern(q);
  const key = policyNumberKeyOf(q);
  const lookups = [
    sql`select m.id from ${cases} m where m.number ilike ${like}`,
    sql`select m.id from ${cases} m where (m.material->>'name') ilike ${like}`,
    sql`select m.id from ${cases} m join ${enterprises} f on f.id = m.enterprise_id where f.name ilike ${like}`,
  ];
  if (staff) {
    lookups.push(sql`select m.id from ${cases} m join ${enterprises} f on f.id = m.enterprise_id where f.uscc ilike ${like}`);
    if (key.length > 0) lookups.push(sql`select m.id from ${cases} m where m.policy_number_key like ${containsPattern(key)}`);
  }
  return sql`${cases.id} in (${sql.join(lookups, sql` union all `)})`;
}

export type ListQuery = z.output<typeof listQuerySchema>;
export type CaseSort = ListQuery['sort'];

// The orders other than newest first, each keyset-paginated on (key, id): the key as text in the
// cursor, cast back to the column's type in the comparison.
const amountKey = sql`coalesce(${cases.contractAmountFen}, -1)`;
const KEYS = {
  number: { key: sql`${cases.number}`, text: sql<string>`${cases.number}`, cast: sql`::text`, valid: (k: string) => k.length <= 40 },
  amount: { key: amountKey, text: sql<string>`${amountKey}::text`, cast: sql`::bigint`, valid: (k: string) => /^-?\d{1,18}$/.test(k) },
};

interface KeyCursor {
  s: string;
  k: string;
  id: string;
}

const wrongCursor = () => badRequest('the cursor is not one this server gave out', [{ path: 'query.cursor', message: 'invalid cursor', messageZh: '分页游标无效' }]);

/** A cursor of an order by number or amount: refused when it was given out for another order. */
function decodeKeyCursor(s: string, sort: string, valid: (k: string) => boolean): KeyCursor {
  let c: Partial<KeyCursor> | null;
  try {
    c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<KeyCursor> | null;
  } catch {
    throw wrongCursor();
  }
  if (c?.s !== sort || typeof c.k !== 'string' || typeof c.id !== 'string' || !UUID.test(c.id) || !valid(c.k)) throw wrongCursor();
  return { s: c.s, k: c.k, id: c.id };
}

/** The ORDER BY, the row's cursor and the "after the cursor" condition of each order. */
function ordering(q: ListQuery) {
  const descending = q.sort.startsWith('-');
  const name = q.sort.replace('-', '') as 'created' | 'number' | 'amount';
  const dir = descending ? desc : asc;
  const cmp = descending ? sql`<` : sql`>`;
  if (name === 'created') {
    return {
      orderBy: [dir(cases.createdAt), dir(cases.id)],
      key: cursorTime(cases.createdAt),
      after: q.cursor ? afterCursor(q.cursor, cases.createdAt, cases.id, descending ? 'newest' : 'ascending') : undefined,
      cursorOf: (k: string, id: string) => (descending ? encodeCursor({ t: k, id }) : encodeCursor({ t: k, id, s: q.sort })),
    };
  }
  const key = KEYS[name];
  const c = q.cursor ? decodeKeyCursor(q.cursor, q.sort, key.valid) : null;
  return {
    orderBy: [dir(key.key), dir(cases.id)],
    key: key.text,
    after: c ? sql`(${key.key}, ${cases.id}) ${cmp} (${c.k}${key.cast}, ${c.id}::uuid)` : undefined,
    cursorOf: (k: string, id: string) => Buffer.from(JSON.stringify({ s: q.sort, k, id } satisfies KeyCursor)).toString('base64url'),
  };
}

/**
 * Newest first unless asked otherwise, keyset-paginated on (key, id) so deep pages cost what the
 * first one does.
 */
export async function listCases(ctx: ServiceContext, q: ListQuery) {
  const order = ordering(q);
  // the subsidy and its payment day as GET /cases/:id/subsidy shows them, to those it answers; the
  // day read in the same statement (one paid payment a case at most: payments_case_live_key)
  const money = seesSubsidy(ctx.user);
  const paidOn = money
    ? sql<string | null>`(select p.paid_on::text from ${payments} p where p.case_id = "cases"."id" and p.status = 'paid' limit 1)`
    : sql<string | null>`null::text`;
  const where: (SQL | undefined)[] = [visibleCases(ctx.user)];
  if (q.state) where.push(eq(cases.state, q.state));
  if (q.insurance) where.push(sql`${insuranceState} = ${q.insurance}`);
  if (q.roundId) where.push(eq(cases.roundId, q.roundId));
  if (q.city) where.push(eq(cases.city, q.city));
  // every word of the box (the catalogue's reading of it: full-width as plain), each in some column
  for (const word of keywordWords(q.q)) where.push(matching(word, ctx.user.roles.some((r) => r !== 'firm')));
  where.push(order.after);
  const rows = await ctx.app.db
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      insurance: insuranceState,
      version: cases.version,
      city: cases.city,
      roundId: cases.roundId,
      enterpriseId: cases.enterpriseId,
      firmName: enterprises.name,
      material: cases.material,
      contractAmountFen: cases.contractAmountFen,
      subsidyFen: cases.subsidyFen,
      paidOn,
      createdAt: cases.createdAt,
      submittedAt: cases.submittedAt,
      cursorKey: order.key,
    })
    .from(cases)
    .innerJoin(enterprises, eq(enterprises.id, cases.enterpriseId))
    .where(and(...where))
    .orderBy(...order.orderBy)
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ contractAmountFen, subsidyFen, paidOn: paid, material, createdAt, submittedAt, cursorKey: _cursorKey, ...r }) => ({
      ...r,
      materialName: material.name ?? null,
      contractAmount: contractAmountFen === null ? null : formatYuan(contractAmountFen),
      subsidy: subsidyFen === null || !money ? null : formatYuan(subsidyFen),
      paidOn: money ? paid : null,
      createdAt: createdAt.toISOString(),
      submittedAt: submittedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit && last ? order.cursorOf(last.cursorKey, last.id) : null,
  };
}
