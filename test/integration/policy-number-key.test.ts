import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { connect } from '../../db/client';
import { policyNumberKeySql } from '../../db/schema/policy-number-key';

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

const IGNORED = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{Pd}\u2212\u02D7\u2796]/u;

function ignoredCharacters(): string[] {
  const out: string[] = [];
  for (let cp = 1; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (IGNORED.test(c)) out.push(c);
  }
  return out;
}

describe('the normalised policy number', () => {
  it('drops every whitespace, invisible and dash character Unicode knows, wherever it stands', async () => {
    const chars = ignoredCharacters();
    expect(chars.length).toBeGreaterThan(4000);
    const keys = await keysOf(chars.map((c) => `${c}P${c}1${c}`));
    const kept = chars.filter((_, i) => keys[i] !== 'p1').map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}`);
    expect(kept).toEqual([]);
  });

  it('folds full-width forms and case, and keeps every other character', async () => {
    expect(await keysOf(['ＰＩＣＣ２０２６', 'PICC/2026.1_A#', 'Ä-Ω-é', 'e\u0301'])).toEqual(['picc2026', 'picc/2026.1_a#', 'äωé', 'é']);
  });

  it('is no key at all when nothing but separators was typed', async () => {
    expect(await keysOf(['', ' - ', '\u200B\u3000—'])).toEqual([null, null, null]);
  });
});
