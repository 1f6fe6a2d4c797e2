import { boolean, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant } from './common';

export const editionStatuses = ['draft', 'published', 'superseded'] as const;

export const catalogueEditions = pgTable(
  'catalogue_editions',
  {
    id: id(),
    year: integer('year').notNull(),
    docNumber: text('doc_number').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: editionStatuses }).notNull().default('draft'),
    effectiveOn: date('effective_on', { mode: 'string' }),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: createdAt(),
    publishedAt: instant('published_at'),
  },
  (t) => [index('catalogue_editions_status_idx').on(t.status)],
);

export const catalogueEntries = pgTable(
  'catalogue_entries',
  {
    id: id(),
    editionId: uuid('edition_id').notNull().references(() => catalogueEditions.id),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    requirements: text('requirements').notNull().default(''),
    applicationField: text('application_field').notNull().default(''),
    topCategory: text('top_category'),
    majorCategory: text('major_category'),
    subCategory: text('sub_category'),
  },
  (t) => [
    uniqueIndex('catalogue_entries_edition_seq_key').on(t.editionId, t.seq),
    index('catalogue_entries_category_idx').on(t.editionId, t.topCategory, t.majorCategory, t.subCategory),
    // Chinese has no word boundaries: substring search runs on trigrams (pg_trgm, migration 0001)
    // on the NFKC form, like the words searched for, so （MBR） and (MBR), Ｐ and P are one
    index('catalogue_entries_search_idx').using('gin', sql`normalize(${t.name} || ' ' || ${t.requirements} || ' ' || ${t.applicationField}, NFKC) gin_trgm_ops`),
  ],
);
