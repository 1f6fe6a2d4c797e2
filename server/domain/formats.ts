// Building blocks of the response schemas in the OpenAPI document. Answers are not validated at
// run time (a presenter is the truth); test/integration/openapi-responses.test.ts parses real
// answers with these schemas so that the document cannot drift from what the server sends.
import { z } from 'zod';
import { yuanStringOut } from './money';

/** An instant as `Date.toISOString()` writes it: UTC, milliseconds, `Z`. */
export const instantOut = (description: string) => z.iso.datetime().meta({ description, example: '2026-04-01T01:30:00.000Z' });

/** A business date in Asia/Shanghai, YYYY-MM-DD. */
export const dateOut = (description: string) => z.iso.date().meta({ description, example: '2026-04-01' });

/** Money as `formatYuan` writes it: yuan with exactly two decimals, never a JSON number. */
export const yuanOut = (description: string) =>
  yuanStringOut.meta({ description: `${description}; yuan as a string with two decimals`, example: '1500000.00' });

export const idOut = (description: string) => z.uuid().meta({ description });

/** A page of a keyset-paginated list: pass `nextCursor` back as `cursor` for the next one. */
export const nextCursorOut = z
  .string()
  .nullable()
  .meta({ description: 'opaque cursor of the next page, to pass back as `cursor`; null on the last page' });
