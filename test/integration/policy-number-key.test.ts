import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { connect } from '../../db/client';
import { DASHES, policyNumberKeySql } from '../../db/schema/policy-number-key';

// The key is defined once, in SQL (db/schema/policy-number-key.ts); its character lists are typed
// by hand, so they are checked here against the Unicode properties of Node's own tables.
const database = connect(process.env.DATABASE_URL ?? '', { max: 1 });
afterAll(async () => database.close());

async function keysOf(numbers: string[]): Promise<(string | null)[]> {
  const rows = await database.db.execute<{ key: string | null }>(sql`
    select ${policyNumberKeySql()} as key
    from (select jsonb_build_object('number', n) as policy, i
          from jsonb_array_elements_text(${JSON.stringify(numbers)}::jsonb) with ordinality as u(n, i)) as given
    order by i`);
  return [...rows].map((r) => r.key);
}

// Dash holds all of Pd and the minus signs and swung dash besides; U+02D7 and U+2796 are minus
// look-alikes typed in their place.
const IGNORED = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{Dash}\u02D7\u2796]/u;

function characters(wanted: (c: string) => boolean): string[] {
  const out: string[] = [];
  for (let cp = 1; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (wanted(c)) out.push(c);
  }
  return out;
}
const ignoredCharacters = () => characters((c) => IGNORED.test(c));
const hex = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}`;
const codePoints = (wanted: (c: string) => boolean) => characters(wanted).map(hex);

describe('the normalised policy number', () => {
  it('drops every whitespace, invisible and dash character Unicode knows, wherever it stands', async () => {
    const chars = ignoredCharacters();
    expect(chars.length).toBeGreaterThan(4000);
    const keys = await keysOf(chars.map((c) => `${c}P${c}1${c}`));
    const kept = chars.filter((_, i) => keys[i] !== 'p1').map(hex);
    expect(kept).toEqual([]);
  });

  it('lists every Dash character itself, not only those that NFKC turns into a listed one', () => {
    // the SQL class as a JavaScript one: \UXXXXXXXX is PostgreSQL's spelling of \u{XXXXXXXX}
    const listed = new RegExp(`[${DASHES.replace(/\\U([0-9A-F]{8})/g, '\\u{$1}')}]`, 'u');
    const missing = codePoints((c) => /\p{Dash}/u.test(c) && !listed.test(c));
    expect(missing).toEqual([]);
  });

  it('folds full-width forms and case, and keeps every other character', async () => {
    expect(await keysOf(['ＰＩＣＣ２０２６', 'PICC/2026.1_A#', 'Ä-Ω-é', 'e\u0301'])).toEqual(['picc2026', 'picc/2026.1_a#', 'äωé', 'é']);
  });

  it('is no key at all when nothing but separators was typed', async () => {
    expect(await keysOf(['', ' - ', '\u200B\u3000—'])).toEqual([null, null, null]);
  });
});
