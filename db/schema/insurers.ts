import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id } from './common';

export const insurers = pgTable(
  'insurers',
  {
    id: id(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    createdAt: createdAt(),
  },
  // `PICC` and `picc` are one insurer: codes are unique whatever their letter case
  (t) => [uniqueIndex('insurers_code_key').on(sql`lower(${t.code})`)],
);
