import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { getEdition } from '../../catalogue/get';
import { importEdition, previewEdition } from '../../catalogue/import';
import { readImportInput } from '../../catalogue/import-input';
import { publishEdition } from '../../catalogue/publish';
import { searchEntries, searchQuerySchema } from '../../catalogue/search';
import { editionUpload } from '../../catalogue/upload';
import { editionPreviewSchema, editionViewSchema, entryPageSchema, importedEditionSchema, publishedEditionSchema } from '../../catalogue/view-schema';
import { mount, reply } from '../route';

const idParams = z.object({ id: z.uuid({ error: 'not a catalogue edition id' }).toLowerCase() });
const importQuery = z.strictObject({
  dryRun: z.enum(['true', 'false'], { error: 'true or false' }).optional().transform((v) => v === 'true'),
});

const importForm = z.object({
  file: z.string().meta({ format: 'binary', description: 'the edition in the official layout (序号 | 材料名称 | 性能要求 | 应用领域), CSV or XLSX, at most 10 MB' }),
  year: z.string().meta({ example: '2024' }),
  docNumber: z.string().meta({ example: '浙经信材料〔2024〕182号' }),
  effectiveOn: z.string().meta({ example: '2024-09-05' }),
  title: z.string().optional(),
});
export function catalogueRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'post',
    path: '/catalogue/editions',
    operationId: 'importCatalogueEdition',
    summary: 'Import a catalogue edition as a draft (multipart CSV or XLSX); ?dryRun=true previews it and writes nothing',
    tags: ['catalogue'],
    auth: 'user',
    roles: ['admin'],
    query: importQuery,
    before: editionUpload,
    form: importForm,
    ok: { status: 201, description: 'the new draft edition with its category counts', schema: importedEditionSchema },
    alsoOk: [{ status: 200, description: 'with ?dryRun=true: a preview (title, entry count, categories, the first 50 entries, errors and warnings); nothing is written', schema: editionPreviewSchema }],
    errors: [403, 413, 415, 422],
    handler: async ({ ctx, query, req }) => {
      const input = readImportInput(req.file, req.body);
      if (query.dryRun) return reply({ status: 200, body: await previewEdition(ctx, input) });
      const edition = await importEdition(ctx, input);
      return reply({ status: 201, body: edition, headers: { Location: `/api/v1/catalogue/editions/${edition.id}` } });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/catalogue/editions/:id',
    operationId: 'getCatalogueEdition',
    summary: 'One catalogue edition with its category tree (drafts to administrators only)',
    tags: ['catalogue'],
    auth: 'public',
    params: idParams,
    ok: { status: 200, description: 'the edition, its entry count and entries per category', schema: editionViewSchema },
    errors: [404],
    handler: async ({ ctx, params }) => getEdition(ctx.app, ctx.user, params.id),
  });
  mount(router, app, {
    method: 'post',
    path: '/catalogue/editions/:id/publish',
    operationId: 'publishCatalogueEdition',
    summary: 'Publish a draft edition; the edition published before it becomes superseded',
    description:
      'A superseded edition stays searchable. Rounds keep the edition they were created with: the answer lists, in openRounds, those on a superseded edition whose application window has not closed.',
    tags: ['catalogue'],
    auth: 'user',
    roles: ['admin'],
    params: idParams,
    ok: { status: 200, description: 'the published edition and the ids it superseded', schema: publishedEditionSchema },
    errors: [403, 404, 409],
    handler: async ({ ctx, params }) => publishEdition(ctx, params.id),
  });
  mount(router, app, {
    method: 'get',
    path: '/catalogue/entries',
    operationId: 'searchCatalogueEntries',
    summary: 'Search the catalogue (default: the current edition, the newest in force) by text and category, in 序号 order',
    description: 'Any edition but a draft may be named, superseded ones too; without one, the newest edition whose effective date has come is searched, or the newest published one while none has.',
    tags: ['catalogue'],
    auth: 'public',
    query: searchQuerySchema,
    ok: { status: 200, description: 'a page of entries and the cursor of the next', schema: entryPageSchema },
    errors: [404],
    handler: async ({ ctx, query }) => searchEntries(ctx.app, ctx.user, query),
  });
}
