import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id } from './common';

export const insurers = pgTable(
  'insurers',
  {
    id: id(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('insurers_code_key').on(t.code)],
);
