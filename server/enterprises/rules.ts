import { checkUscc } from '../domain/uscc';
import type { FieldError } from '../errors';

// Content rules shared by registration and the profile edit: each returns every problem it finds,
// with a field path, an English and a Chinese message and a stable code.

export function usccProblems(path: string, value: string): FieldError[] {
  const check = checkUscc(value);
  if (check.ok) return [];
  return [{ path, message: check.message.en, messageZh: check.message.zh, code: `uscc.${check.problem}` }];
}

/** Affiliated firms (关联企业): valid codes, each once, never the firm itself. */
export function affiliationProblems(path: string, affiliations: readonly string[], ownUscc: string): FieldError[] {
  const seen = new Set<string>();
  return affiliations.flatMap((uscc, i): FieldError[] => {
    const at = `${path}.${i}`;
    const invalid = usccProblems(at, uscc);
    if (invalid.length > 0) return invalid;
    if (uscc === ownUscc) {
      return [{ path: at, message: "a firm is not its own affiliate: this is the firm's own code", messageZh: '关联企业不能是本企业自身', code: 'affiliation.self' }];
    }
    if (seen.has(uscc)) {
      return [{ path: at, message: 'this code is listed twice', messageZh: '该关联企业代码重复', code: 'affiliation.duplicate' }];
    }
    seen.add(uscc);
    return [];
  });
}
