// The answers of the catalogue routes (edition-view.ts, import.ts, publish.ts, search.ts, and the
// list in server/reference), for the OpenAPI document.
import { z } from 'zod';
import { editionStatuses } from '../../db/schema/catalogue';
import { dateOut, idOut, instantOut, nextCursorOut } from '../domain/formats';

const editionFacts = {
  id: idOut('the edition'),
  year: z.int(),
  docNumber: z.string().meta({ description: 'the issuing document', example: '浙经信材料〔2024〕182号' }),
  title: z.string(),
  status: z.enum(editionStatuses).meta({ description: 'draft (administrators only), published (the latest published) or superseded (replaced by a later one, still searchable)' }),
  effectiveOn: dateOut('in force from').nullable(),
  isDemo: z.boolean().meta({ description: 'demonstration data, not an official catalogue (SPEC §10)' }),
};

/** GET /catalogue/editions (server/reference/list.ts): a shorter row than the summary below. */
export const publishedEditionListSchema = z
  .strictObject({
    items: z
      .array(
        z
          .strictObject({
            ...editionFacts,
            current: z.boolean().meta({ description: 'the edition searched when none is named: the newest whose effective date has come (Asia/Shanghai), else the newest published' }),
            supersededBy: z.uuid().nullable().meta({ description: 'for a superseded edition, the edition published after it; superseded editions stay searchable' }),
          })
          .meta({ id: 'CatalogueEditionRow' }),
      )
      .meta({ description: 'published and superseded editions (drafts never), latest year first' }),
  })
  .meta({ id: 'CatalogueEditionList' });

export const editionSummarySchema = z
  .strictObject({ ...editionFacts, createdAt: instantOut('imported'), publishedAt: instantOut('published').nullable() })
  .meta({ id: 'CatalogueEditionSummary' });

const subNode = z.strictObject({ sub: z.string(), entryCount: z.int() });
const majorNode = z.strictObject({ major: z.string().nullable(), entryCount: z.int(), subs: z.array(subNode) });
const topNode = z.strictObject({ top: z.string().nullable(), entryCount: z.int(), majors: z.array(majorNode) });

const editionViewShape = {
  ...editionSummarySchema.shape,
  entryCount: z.int(),
  categories: z.array(topNode).meta({ description: 'entries counted per top, major and sub-category, in file order' }),
};

export const editionViewSchema = z.strictObject(editionViewShape).meta({ id: 'CatalogueEdition' });

const fileIssueSchema = z
  .strictObject({
    path: z.string().meta({ example: 'file.row.12' }),
    message: z.string(),
    messageZh: z.string(),
    code: z.string().meta({ example: 'catalogue.duplicate_seq' }),
    rowNumber: z.int().meta({ description: 'row as a spreadsheet shows it; 0 for the whole file' }),
    column: z.string().optional().meta({ example: '序号' }),
  })
  .meta({ id: 'CatalogueFileIssue' });

export const importedEditionSchema = z
  .strictObject({ ...editionViewShape, warnings: z.array(fileIssueSchema).meta({ description: 'rows imported as read that an administrator should look at' }) })
  .meta({ id: 'CatalogueEditionImported' });

/** POST /catalogue/editions?dryRun=true (import.ts `previewEdition`), answered with 200. */
export const editionPreviewSchema = z
  .strictObject({
    title: z.string(),
    isDemo: z.boolean(),
    entryCount: z.int(),
    categories: z.array(z.strictObject({ top: z.string(), major: z.string().nullable(), sub: z.string().nullable() })).meta({ description: 'one path per category row, in file order' }),
    entries: z
      .array(
        z.strictObject({
          rowNumber: z.int(),
          seq: z.int(),
          name: z.string(),
          requirements: z.string(),
          applicationField: z.string(),
          topCategory: z.string().nullable(),
          majorCategory: z.string().nullable(),
          subCategory: z.string().nullable(),
        }),
      )
      .meta({ description: 'the first 50 entries' }),
    errors: z.array(fileIssueSchema),
    warnings: z.array(fileIssueSchema),
  })
  .meta({ id: 'CatalogueEditionPreview' });

export const publishedEditionSchema = z
  .strictObject({
    ...editionViewShape,
    superseded: z.array(z.uuid()).meta({ description: 'editions that were published before and are now superseded' }),
    openRounds: z
      .array(
        z.strictObject({
          id: idOut('the round'),
          name: z.string(),
          editionId: idOut('the superseded edition it keeps'),
          closesAt: instantOut('its application window closes'),
        }),
      )
      .meta({ description: 'rounds on a superseded edition whose application window has not closed: they keep their edition; new rounds take the published one' }),
  })
  .meta({ id: 'CatalogueEditionPublished' });

const entrySchema = z
  .strictObject({
    id: idOut('the entry'),
    seq: z.int().meta({ description: '序号 in the edition' }),
    name: z.string(),
    requirements: z.string().meta({ description: '性能要求' }),
    applicationField: z.string().meta({ description: '应用领域' }),
    topCategory: z.string().nullable(),
    majorCategory: z.string().nullable(),
    subCategory: z.string().nullable(),
  })
  .meta({ id: 'CatalogueEntry' });

export const entryPageSchema = z
  .strictObject({
    edition: editionSummarySchema,
    total: z.int().meta({ description: 'how many entries of the edition match the text and category, on every page' }),
    items: z.array(entrySchema).meta({ description: 'in 序号 order' }),
    nextCursor: nextCursorOut,
    prevCursor: z
      .string()
      .nullable()
      .meta({ description: 'opaque cursor of the previous page, to pass back as `cursor`; null when there is none, and on the second page, whose previous is asked for without a cursor' }),
  })
  .meta({ id: 'CatalogueEntryPage' });
