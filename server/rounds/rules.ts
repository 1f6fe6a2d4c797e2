import { and, eq, inArray, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { catalogueEditions, catalogueEntries, insurers } from '../../db/schema';
import type { FieldError } from '../errors';
import type { RoundColumns } from './columns';
import { meanPasses, scoreOf } from '../../workflows/case/scoring';

export type RoundDraft = Required<Omit<RoundColumns, 'rubric'>> & Pick<RoundColumns, 'rubric'>;

const problem = (code: string, path: string, message: string, messageZh: string): FieldError => ({ code, path, message, messageZh });

/** Consistency of the values among themselves; shape and ranges are the zod schema's job. */
export function roundProblems(r: RoundDraft): FieldError[] {
  const out: FieldError[] = [];
  if (r.closesAt <= r.opensAt) out.push(problem('round.window_order', 'closesAt', 'closesAt must be after opensAt', '申报截止时间须晚于开始时间'));
  if (r.insuranceEndsOn <= r.insuranceStartsOn) {
    out.push(problem('round.insurance_window_order', 'insuranceEndsOn', 'insuranceEndsOn must be after insuranceStartsOn', '保险起期范围的结束日期须晚于开始日期'));
  }
  for (const field of ['insurerIds', 'excludedCategories', 'excludedEntryIds', 'requiredDocuments'] as const) {
    out.push(...duplicates(r[field], field));
  }
  if (r.rubric) out.push(...rubricProblems(r.rubric));
  return out;
}

function duplicates(values: readonly string[], field: string): FieldError[] {
  return values.flatMap((v, i) => (values.indexOf(v) < i ? [problem('round.duplicate', `${field}.${i}`, `${v} is listed twice`, `${v} 重复`)] : []));
}

function rubricProblems(rubric: NonNullable<RoundDraft['rubric']>): FieldError[] {
  const keys = rubric.criteria.map((c) => c.key);
  const out = duplicates(keys, 'rubric.criteria').map((e) => ({ ...e, path: `${e.path}.key`, message: `criterion key ${e.message}` }));
  // Σ maxPoints × weight is the best possible score; a pass mark above it could never be reached.
  // Judged as the experts' scores are, exactly: in floating point 1 × 0.7 + 2 × 0.1 falls short of 0.9.
  const best = Object.fromEntries(rubric.criteria.map((c) => [c.key, c.maxPoints]));
  if (!meanPasses(rubric, [best])) {
    const total = scoreOf(rubric, best);
    out.push(problem('round.pass_mark_unreachable', 'rubric.passMark', `passMark ${rubric.passMark} is above the best possible score ${total}`, `及格分 ${rubric.passMark} 高于满分 ${total}`));
  }
  return out;
}

/** What the values point at must exist; only the references in `changed` are looked up. */
export async function referenceProblems(db: DbOrTx, r: RoundDraft, changed: ReadonlySet<string>): Promise<FieldError[]> {
  const out: FieldError[] = [];
  if (changed.has('editionId')) out.push(...(await editionProblems(db, r.editionId)));
  if (changed.has('insurerIds') && r.insurerIds.length > 0) {
    const found = await db.select({ id: insurers.id }).from(insurers).where(inArray(insurers.id, r.insurerIds));
    out.push(...missing(r.insurerIds, found.map((f) => f.id), 'insurerIds', 'no such insurer', '保险公司不存在'));
  }
  if (changed.has('excludedEntryIds') && r.excludedEntryIds.length > 0) {
    const found = await db
      .select({ id: catalogueEntries.id })
      .from(catalogueEntries)
      .where(and(eq(catalogueEntries.editionId, r.editionId), inArray(catalogueEntries.id, r.excludedEntryIds)));
    out.push(...missing(r.excludedEntryIds, found.map((f) => f.id), 'excludedEntryIds', "not an entry of the round's edition", '不是本批次目录版本中的条目'));
  }
  if (changed.has('excludedCategories') && r.excludedCategories.length > 0) {
    out.push(...(await categoryProblems(db, r.editionId, r.excludedCategories)));
  }
  return out;
}

// FOR SHARE: a publish that would supersede this edition waits until the round is written.
async function editionProblems(db: DbOrTx, editionId: string): Promise<FieldError[]> {
  const [edition] = await db.select({ status: catalogueEditions.status }).from(catalogueEditions).where(eq(catalogueEditions.id, editionId)).for('share');
  if (!edition) return [problem('round.edition_unknown', 'editionId', 'no such catalogue edition', '目录版本不存在')];
  if (edition.status === 'draft') return [problem('round.edition_draft', 'editionId', 'the catalogue edition is not published yet', '目录版本尚未发布')];
  if (edition.status === 'superseded') {
    return [problem('round.edition_superseded', 'editionId', 'the catalogue edition has been superseded by a newer one', '目录版本已被新版本取代')];
  }
  return [];
}

// A category is excluded by name; a name that matches nothing in the edition would exclude nothing.
async function categoryProblems(db: DbOrTx, editionId: string, names: string[]): Promise<FieldError[]> {
  const rows = await db
    .selectDistinct({ top: catalogueEntries.topCategory, major: catalogueEntries.majorCategory, sub: catalogueEntries.subCategory })
    .from(catalogueEntries)
    .where(
      and(
        eq(catalogueEntries.editionId, editionId),
        or(inArray(catalogueEntries.topCategory, names), inArray(catalogueEntries.majorCategory, names), inArray(catalogueEntries.subCategory, names)),
      ),
    );
  const known = rows.flatMap((r) => [r.top, r.major, r.sub]).filter((c): c is string => c !== null);
  return missing(names, known, 'excludedCategories', "not a category of the round's edition", '不是本批次目录版本中的类别');
}

function missing(wanted: readonly string[], found: readonly string[], field: string, message: string, messageZh: string): FieldError[] {
  const have = new Set(found);
  return wanted.flatMap((v, i) => (have.has(v) ? [] : [problem('round.reference_unknown', `${field}.${i}`, `${message}: ${v}`, `${messageZh}：${v}`)]));
}
