import { catalogueEditions, catalogueEntries } from '../../db/schema';
import type { ServiceContext } from '../context';
import { unprocessable, type FieldError } from '../errors';
import { requireAdmin } from './access';
import { editionView } from './edition-view';
import type { ImportInput } from './import-input';
import { hasBlockingErrors, type ParseResult, type RowError } from './parse';
import { parseEditionFileOffThread } from './parse-off-thread';

const PREVIEW_ENTRIES = 50;
// Postgres allows 65,535 bind parameters per statement; 8 columns × 1,000 rows stays well below.
const INSERT_CHUNK = 1000;

export interface FileIssue extends FieldError {
  code: string;
  messageZh: string;
  rowNumber: number;
  column?: string;
}

function issueOf(e: RowError): FileIssue {
  const issue: FileIssue = {
    path: e.rowNumber > 0 ? `file.row.${e.rowNumber}` : 'file',
    message: e.message.en,
    messageZh: e.message.zh,
    code: e.code,
    rowNumber: e.rowNumber,
  };
  return e.column === undefined ? issue : { ...issue, column: e.column };
}

const issues = (parsed: ParseResult, severity: RowError['severity']) => parsed.errors.filter((e) => e.severity === severity).map(issueOf);

function titleOf(input: ImportInput, parsed: ParseResult): string {
  return input.fields.title ?? parsed.title ?? `重点新材料首批次应用示范指导目录（${input.fields.year}年，${input.fields.docNumber}）`;
}

/** Demo data must be marked (SPEC §10); the file's own title counts as much as the one typed in. */
const isDemoTitle = (title: string, parsed: ParseResult) => title.includes('演示') || (parsed.title?.includes('演示') ?? false);

/** `?dryRun=true`: what the import would create, and every problem found, with nothing written. */
export async function previewEdition(ctx: ServiceContext, input: ImportInput) {
  requireAdmin(ctx.user, 'import catalogue editions');
  const parsed = await parseEditionFileOffThread(input.file.buffer, input.file.originalname, input.file.mimetype);
  const title = titleOf(input, parsed);
  return {
    title,
    isDemo: isDemoTitle(title, parsed),
    entryCount: parsed.entries.length,
    categories: parsed.categories,
    entries: parsed.entries.slice(0, PREVIEW_ENTRIES),
    errors: issues(parsed, 'error'),
    warnings: issues(parsed, 'warning'),
  };
}

/** A file with any blocking error is refused whole: a catalogue with holes is worse than none. */
export async function importEdition(ctx: ServiceContext, input: ImportInput) {
  requireAdmin(ctx.user, 'import catalogue editions');
  const parsed = await parseEditionFileOffThread(input.file.buffer, input.file.originalname, input.file.mimetype);
  if (hasBlockingErrors(parsed)) {
    const errors = issues(parsed, 'error');
    throw unprocessable(`the file has ${errors.length} error(s); nothing was imported`, errors);
  }
  const title = titleOf(input, parsed);
  const { year, docNumber, effectiveOn } = input.fields;
  const view = await ctx.app.db.transaction(async (tx) => {
    const [edition] = await tx
      .insert(catalogueEditions)
      .values({ year, docNumber, effectiveOn, title, status: 'draft', isDemo: isDemoTitle(title, parsed), createdAt: ctx.app.clock.now() })
      .returning();
    if (!edition) throw new Error('edition insert returned nothing');
    for (let i = 0; i < parsed.entries.length; i += INSERT_CHUNK) {
      const chunk = parsed.entries.slice(i, i + INSERT_CHUNK);
      await tx.insert(catalogueEntries).values(chunk.map(({ rowNumber: _row, ...entry }) => ({ editionId: edition.id, ...entry })));
    }
    return editionView(tx, edition);
  });
  return { ...view, warnings: issues(parsed, 'warning') };
}
