import { describe, expect, it } from 'vitest';
import { checkUscc, makeUscc, usccCheckCharacter } from '../../server/domain/uscc.js';
import { cities, cityByCode, isCityCode } from '../../server/domain/cities.js';

// What a firm reads when its code is refused, in both languages: the words are part of the rule.
const refusal = (code: string) => {
  const result = checkUscc(code);
  return result.ok ? null : { problem: result.problem, ...result.message };
};
const withCheck = (first17: string) => first17 + usccCheckCharacter(first17);

describe('why a USCC is refused', () => {
  it('says how long the code was', () => {
    expect(refusal('9133')).toEqual({
      problem: 'length',
      zh: '统一社会信用代码应为 18 位，当前为 4 位',
      en: 'A unified social credit code has 18 characters; this one has 4',
    });
  });

  it('shows the forbidden character and its position', () => {
    expect(refusal('91330100MA2H7C0O3E')).toEqual({
      problem: 'forbidden_character',
      zh: '第 16 位字符“O”不允许；统一社会信用代码只含数字和除 I、O、S、V、Z 以外的大写字母',
      en: 'Character 16 ("O") is not allowed; the code uses digits and capital letters except I, O, S, V and Z',
    });
    // a character outside the Basic Multilingual Plane is shown whole
    expect(refusal('9133010😀MA2H7C0K3')?.en).toBe('Character 8 ("😀") is not allowed; the code uses digits and capital letters except I, O, S, V and Z');
  });

  it('names a wrong registration authority, organisation category or division code', () => {
    expect(refusal(withCheck('B1330100799655058'))).toEqual({
      problem: 'registration_authority',
      zh: '第 1 位登记管理部门码“B”无效',
      en: 'Character 1 ("B") is not a registration authority code',
    });
    expect(refusal(withCheck('90330100799655058'))).toEqual({
      problem: 'organisation_category',
      zh: '第 2 位机构类别码“0”无效',
      en: 'Character 2 ("0") is not an organisation category code',
    });
    expect(refusal(withCheck('9133A100799655058'))).toEqual({
      problem: 'division_code',
      zh: '第 3–8 位应为 6 位数字的行政区划代码',
      en: 'Characters 3–8 must be the 6-digit administrative division code',
    });
  });

  it('points at the business licence for a wrong check character', () => {
    expect(refusal('91330100799655058C')).toEqual({
      problem: 'check_character',
      zh: '统一社会信用代码校验位不正确，请核对营业执照',
      en: 'The check character of the unified social credit code is wrong; please compare it with the business licence',
    });
  });

  it('accepts every registration authority and organisation category of the standard', () => {
    for (const authority of '123456789ANY') expect(refusal(withCheck(`${authority}1330100799655058`))).toBeNull();
    for (const category of '123456789') expect(refusal(withCheck(`9${category}330100799655058`))).toBeNull();
  });
});

describe('computing a check character', () => {
  it('needs exactly 17 characters of the alphabet, and says which one is wrong', () => {
    expect(() => usccCheckCharacter('9133010079965505')).toThrow(new RangeError('usccCheckCharacter needs 17 characters, got 16'));
    expect(() => usccCheckCharacter('913301007996550581')).toThrow(new RangeError('usccCheckCharacter needs 17 characters, got 18'));
    expect(() => usccCheckCharacter('91330100MA2H7C0I3')).toThrow(new RangeError('usccCheckCharacter: character 16 ("I") is not in the USCC alphabet'));
    expect(() => usccCheckCharacter('-1330100MA2H7C0K3')).toThrow(new RangeError('usccCheckCharacter: character 1 ("-") is not in the USCC alphabet'));
  });

  it('explains why makeUscc refuses a prefix', () => {
    expect(() => makeUscc('90330100799655058')).toThrow(new RangeError('makeUscc("90330100799655058"): Character 2 ("0") is not an organisation category code'));
  });
});

describe('cities of the province', () => {
  it('knows each city by its code, and no other code', () => {
    for (const city of cities) {
      expect(isCityCode(city.code)).toBe(true);
      expect(cityByCode(city.code)).toBe(city);
    }
    expect(isCityCode('320100')).toBe(false);
    expect(isCityCode('')).toBe(false);
    expect(cityByCode('320100')).toBeUndefined();
    expect(cityByCode('330200')).toEqual({ code: '330200', name: '宁波市', nameEn: 'Ningbo' });
  });
});
