import { z } from 'zod';

// Characters that put nothing on the page: controls and format characters (the zero-width space
// and joiners, bidi marks, the BOM), white space of every kind, combining marks with nothing to
// sit on, and the Hangul and Braille fillers — letters and symbols that draw nothing.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{M}\s\u115f\u1160\u3164\uffa0\u2800]/gu;

/** The text without the characters that put nothing on the page. */
export const withoutInvisible = (text: string): string => text.replace(INVISIBLE, '');

/** How many characters of the text a reader sees. */
export const visibleLength = (text: string): number => [...withoutInvisible(text)].length;

/**
 * Trimmed text of at most `max` characters, at least `min` of them visible: a name of zero-width
 * spaces is no name, and ten of them are no reason. `messageZh` travels with the issue
 * (server/http/problem.ts zodErrors), since zod's own Chinese can only say "invalid input".
 */
export function visibleText(min: number, max: number, message: string, messageZh: string) {
  // one check for "too short", empty included, so that it says its own Chinese words (zod's say "数值过小")
  return z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((s) => visibleLength(s) >= min, { message, params: { messageZh } })
    .meta({ minLength: min });
}

/** A LIKE/ILIKE pattern finding `q` anywhere, its `%`, `_` and `\` matched as themselves. */
export const containsPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The words of a search box, each to be found (AND): NFKC first, so that full-width letters, digits
 * and the ideographic space (typed by Chinese input methods) mean what they look like.
 */
export const keywordWords = (q: string | undefined): string[] =>
  (q ?? '')
    .normalize('NFKC')
    .split(/\s+/u)
    .filter((w) => w.length > 0);
