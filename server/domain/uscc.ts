// 统一社会信用代码 (unified social credit code), GB 32100-2015.
//
// Layout (§4 of the standard): position 1 registration authority (登记管理部门码), 2 organisation
// category (机构类别码), 3–8 administrative division (GB/T 2260), 9–17 organisation code body,
// 18 check character (§5, ISO 7064 MOD 31-3 style: weight of position i is 3^(i-1) mod 31).

// §4: Arabic digits and capital Latin letters, except I, O, S, V and Z (easily confused with 1, 0,
// 5, U and 2).
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const OUTSIDE_ALPHABET = /[^0-9A-HJ-NPQRTUWXY]/u;

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

// Table 1 of the standard: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
// 9 工商 (市场监管), A 中央军委改革和编制办公室, N 农业, Y 其他.
const REGISTRATION_AUTHORITIES = '123456789ANY';

// Table 1 lists category codes 1–9 under every authority; checked loosely (any of them under any
// authority) so that a newly added category does not lock a real organisation out.
const ORGANISATION_CATEGORIES = '123456789';

export type UsccProblem =
  | 'length'
  | 'lowercase'
  | 'forbidden_character'
  | 'registration_authority'
  | 'organisation_category'
  | 'division_code'
  | 'check_character';

export interface UsccMessage {
  zh: string;
  en: string;
}

export type UsccCheck = { ok: true } | { ok: false; problem: UsccProblem; message: UsccMessage };

type Failure = Extract<UsccCheck, { ok: false }>;

function fail(problem: UsccProblem, zh: string, en: string): Failure {
  return { ok: false, problem, message: { zh, en } };
}

function checkLength(value: string): Failure | null {
  if (value.length === 18) return null;
  return fail(
    'length',
    `统一社会信用代码应为 18 位，当前为 ${value.length} 位`,
    `A unified social credit code has 18 characters; this one has ${value.length}`,
  );
}

// The forms' schemas upper-case what is typed (normalUscc) before this check: it still holds for a
// code that reaches checkUscc some other way.
function checkCase(value: string): Failure | null {
  if (!/[a-z]/.test(value)) return null;
  return fail(
    'lowercase',
    '统一社会信用代码中的字母须为大写，请使用大写字母重新输入',
    'Letters in a unified social credit code are capitals; please type them in upper case',
  );
}

function checkAlphabet(value: string): Failure | null {
  const index = value.search(OUTSIDE_ALPHABET);
  if (index < 0) return null;
  const ch = String.fromCodePoint(value.codePointAt(index) ?? 0);
  return fail(
    'forbidden_character',
    `第 ${index + 1} 位字符“${ch}”不允许；统一社会信用代码只含数字和除 I、O、S、V、Z 以外的大写字母`,
    `Character ${index + 1} ("${ch}") is not allowed; the code uses digits and capital letters except I, O, S, V and Z`,
  );
}

function checkStructure(value: string): Failure | null {
  if (!REGISTRATION_AUTHORITIES.includes(value.charAt(0))) {
    return fail(
      'registration_authority',
      `第 1 位登记管理部门码“${value.charAt(0)}”无效`,
      `Character 1 ("${value.charAt(0)}") is not a registration authority code`,
    );
  }
  if (!ORGANISATION_CATEGORIES.includes(value.charAt(1))) {
    return fail(
      'organisation_category',
      `第 2 位机构类别码“${value.charAt(1)}”无效`,
      `Character 2 ("${value.charAt(1)}") is not an organisation category code`,
    );
  }
  if (!/^\d{6}$/.test(value.slice(2, 8))) {
    return fail(
      'division_code',
      '第 3–8 位应为 6 位数字的行政区划代码',
      'Characters 3–8 must be the 6-digit administrative division code',
    );
  }
  return null;
}

function checkCheckCharacter(value: string): Failure | null {
  const expected = usccCheckCharacter(value.slice(0, 17));
  if (value.charAt(17) === expected) return null;
  return fail(
    'check_character',
    '统一社会信用代码校验位不正确，请核对营业执照',
    'The check character of the unified social credit code is wrong; please compare it with the business licence',
  );
}

/** Validates a USCC exactly as typed; the first problem found is reported. */
export function checkUscc(value: string): UsccCheck {
  const failure =
    checkLength(value) ??
    checkCase(value) ??
    checkAlphabet(value) ??
    checkStructure(value) ??
    checkCheckCharacter(value);
  return failure ?? { ok: true };
}

export function isValidUscc(value: string): boolean {
  return checkUscc(value).ok;
}

/** GB 32100-2015 §5: C18 = 31 − (Σ Ci·Wi mod 31), with 31 read as 0. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError(`usccCheckCharacter needs 17 characters, got ${first17.length}`);
  }
  let sum = 0;
  for (const [i, weight] of WEIGHTS.entries()) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) {
      throw new RangeError(`usccCheckCharacter: character ${i + 1} ("${first17.charAt(i)}") is not in the USCC alphabet`);
    }
    sum += value * weight;
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** Appends the check character; throws when the first 17 characters break any other rule. */
export function makeUscc(first17: string): string {
  const code = first17 + usccCheckCharacter(first17);
  const check = checkUscc(code);
  if (!check.ok) throw new RangeError(`makeUscc(${JSON.stringify(first17)}): ${check.message.en}`);
  return code;
}

/**
 * A USCC as typed, as the forms take it: NFKC (full-width letters and digits from a Chinese input
 * method), trimmed and upper-cased. The code has capitals only (§4), so a lower-case letter is a
 * typing habit, not another code; I, O, S, V and Z stay refused once upper-cased.
 */
export const normalUscc = (typed: string): string => typed.normalize('NFKC').trim().toUpperCase();
