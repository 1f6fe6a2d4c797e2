import { describe, expect, it } from 'vitest';
import { checkUscc, isValidUscc, makeUscc, usccCheckCharacter } from '../../server/domain/uscc.js';
import { cities } from '../../server/domain/cities.js';
import { demoFirms, demoUserUnits } from '../../seeds/data/firms.js';

// Check characters below were computed independently (a few lines of Python over GB 32100-2015 §5).
const VALID = [
  '91330100799655058B', // the example in SPEC §7
  '91330100MA2H7C0K3E',
  '11100000000013127D',
  '91110000600001760P',
  '91330200MA2C8N4R70', // check value 0: (31 − 0) mod 31
  '91330200MA2C8N4RHY', // check value 30, the last letter of the alphabet
];

function problemOf(value: string): string | undefined {
  const result = checkUscc(value);
  return result.ok ? undefined : result.problem;
}

describe('USCC (GB 32100-2015)', () => {
  it.each(VALID)('accepts %s, whose check character is right', (code) => {
    expect(checkUscc(code)).toEqual({ ok: true });
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the check character of the SPEC example as B', () => {
    expect(usccCheckCharacter('91330100799655058')).toBe('B');
  });

  it('refuses a USCC whose check character is wrong', () => {
    const result = checkUscc('91330100799655058C');
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ problem: 'check_character' });
  });

  it('refuses every wrong check character, not just one', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const wrong = [...alphabet].filter((ch) => ch !== 'B').map((ch) => `91330100799655058${ch}`);
    expect(wrong.filter(isValidUscc)).toEqual([]);
  });

  it('refuses a USCC with two digits swapped', () => {
    expect(problemOf('91331000799655058B')).toBe('check_character');
  });

  it.each(['', '91330100799655058', '91330100799655058B0', ' 91330100799655058B'])(
    'refuses %j, which is not 18 characters long',
    (code) => {
      expect(problemOf(code)).toBe('length');
    },
  );

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses a USCC containing the forbidden letter %s', (letter) => {
    expect(problemOf(`91330100MA2H7C0K${letter}E`)).toBe('forbidden_character');
  });

  it('names the position of a forbidden character in both languages', () => {
    const result = checkUscc('91330100MA2H7C0O3E');
    expect(result).toMatchObject({ ok: false, problem: 'forbidden_character' });
    if (result.ok) return;
    expect(result.message.zh).toContain('第 16 位');
    expect(result.message.en).toContain('Character 16');
  });

  it.each(['91330100MA2H7C0K3-', '91330100MA2H7C0K3 ', '９1330100MA2H7C0K3E'])(
    'refuses %j, which holds a character outside the alphabet',
    (code) => {
      expect(problemOf(code)).toBe('forbidden_character');
    },
  );

  it('refuses lowercase letters instead of silently upper-casing them', () => {
    const result = checkUscc('91330100ma2h7c0k3e');
    expect(result).toMatchObject({ ok: false, problem: 'lowercase' });
    if (result.ok) return;
    expect(result.message.zh).toContain('大写');
    expect(result.message.en).toMatch(/upper case|capital/i);
    expect(isValidUscc('91330100799655058b')).toBe(false);
  });

  it('refuses an unknown registration authority in position 1', () => {
    expect(problemOf(makeUsccUnchecked('B1330100799655058'))).toBe('registration_authority');
  });

  it('refuses an organisation category 0 in position 2', () => {
    expect(problemOf(makeUsccUnchecked('90330100799655058'))).toBe('organisation_category');
  });

  it('refuses letters in the administrative division code', () => {
    expect(problemOf(makeUsccUnchecked('9133A100799655058'))).toBe('division_code');
  });

  it('builds a valid code with makeUscc', () => {
    expect(makeUscc('91330100799655058')).toBe('91330100799655058B');
    expect(makeUscc('91330200MA2C8N4R7')).toBe('91330200MA2C8N4R70');
  });

  it.each(['9133010079965505', '913301007996550581', '91330100MA2H7C0Ka', '91330100MA2H7C0KO', '90330100799655058'])(
    'makeUscc refuses the bad prefix %j',
    (prefix) => {
      expect(() => makeUscc(prefix)).toThrow(RangeError);
    },
  );
});

describe('demo enterprises', () => {
  const all = [...demoFirms, ...demoUserUnits];
  const cityCodes = new Set<string>(cities.map((city) => city.code));

  it.each(all.map((e) => [e.key, e.uscc] as const))('gives %s the valid USCC %s', (_key, uscc) => {
    expect(checkUscc(uscc)).toEqual({ ok: true });
  });

  it('gives every demo enterprise its own USCC and key', () => {
    expect(new Set(all.map((e) => e.uscc)).size).toBe(all.length);
    expect(new Set(all.map((e) => e.key)).size).toBe(all.length);
  });

  it('registers each demo enterprise in the Zhejiang city its USCC names', () => {
    for (const e of all) {
      expect(cityCodes.has(e.city)).toBe(true);
      expect(e.uscc.slice(2, 8)).toBe(e.city);
    }
  });

  it('has a Hangzhou firm hz and a Ningbo firm nb for the demo accounts', () => {
    expect(demoFirms.find((f) => f.key === 'hz')?.city).toBe('330100');
    expect(demoFirms.find((f) => f.key === 'nb')?.city).toBe('330200');
  });

  it('lists the 11 Zhejiang cities with distinct GB/T 2260 codes', () => {
    expect(cities).toHaveLength(11);
    expect(cityCodes.size).toBe(11);
    expect(cities.find((city) => city.code === '331100')?.name).toBe('丽水市');
  });
});

// Appends the check character without makeUscc's structural checks, to reach the later rules.
function makeUsccUnchecked(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}
