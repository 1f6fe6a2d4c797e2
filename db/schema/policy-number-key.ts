import { sql, type SQL } from 'drizzle-orm';

// SPEC §5: a policy number is compared after normalisation, so that `PICC-2026-1`,
// `picc－2026－1` and `PICC 2026 1` are one policy. The key is computed by PostgreSQL alone (a
// stored generated column): the backfill of existing rows, every later write and the unique
// index all use this one definition, and no writer can forget it.
//
// Steps: NFKC (full-width letters, digits and dashes become ASCII), lower case (ICU, whatever the
// database's own collation), then every character below removed. Whitespace and dashes both
// vanish rather than becoming one separator: `PICC2026-1` is then the same policy as well.
// Character lists are Unicode 17 properties, checked exhaustively against Node's own tables in
// test/integration/policy-number-key.test.ts.

/** White_Space. */
const WHITE_SPACE = String.raw`\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000`;

/** Default_Ignorable_Code_Point and general category Cf: zero-width and other invisible characters. */
const INVISIBLE = [
  String.raw`\u00AD\u034F\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u115F\u1160\u17B4\u17B5\u180B-\u180F`,
  String.raw`\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB`,
  String.raw`\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF`,
].join('');

/**
 * The Dash property: all of general category Pd (dash punctuation) and the dashes filed under other
 * categories, the minus signs and U+2053 SWUNG DASH `⁓`; then the look-alikes typed in their place,
 * U+02D7 MODIFIER LETTER MINUS SIGN and U+2796 HEAVY MINUS SIGN.
 */
export const DASHES = [
  String.raw`\u002D\u058A\u05BE\u1400\u1806\u2010-\u2015\u2053\u207B\u208B\u2212\u2E17\u2E1A\u2E3A\u2E3B\u2E40\u2E5D`,
  String.raw`\u301C\u3030\u30A0\uFE31\uFE32\uFE58\uFE63\uFF0D\U00010D6E\U00010EAD`,
  String.raw`\u02D7\u2796`,
].join('');

/** The SQL of the key of the policy number held in the `policy` jsonb column; NULL when nothing is left. */
export function policyNumberKeySql(): SQL {
  return sql.raw(
    `nullif(regexp_replace(lower(normalize("policy"->>'number', NFKC) collate "und-x-icu"), '[${WHITE_SPACE}${INVISIBLE}${DASHES}]', '', 'g'), '')`,
  );
}

const JS_REMOVED = new RegExp(`[${[WHITE_SPACE, INVISIBLE, DASHES].join('').replace(/\\U0*([0-9A-F]+)/g, '\\u{$1}')}]`, 'gu');

/** The same key computed in JavaScript, for a part of a policy number typed into a search box. */
export const policyNumberKeyOf = (text: string): string => text.normalize('NFKC').toLowerCase().replace(JS_REMOVED, '');
