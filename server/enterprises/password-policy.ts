import type { FieldError } from '../errors';
import { weaknessOf } from './password-strength';

// Length first (NIST SP 800-63B), plus cheap guards against the commonest weak shapes: a password
// of a single character class ("aaaaaaaaaa", "1234567890") or one built from the email. What
// passes them meets a guessing estimator (zxcvbn), which knows the passwords leaks show people
// use, their l33t spellings, keyboard patterns, dates and names.
export const MIN_PASSWORD_LENGTH = 10;
// POST /auth/login accepts at most 200 characters; a longer password could never sign in.
export const MAX_PASSWORD_LENGTH = 200;

const CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

const problem = (path: string, code: string, en: string, zh: string): FieldError => ({ path, code, message: en, messageZh: zh });

export function passwordProblems(path: string, password: string, email: string): FieldError[] {
  // hashPassword normalises to NFKC, so the policy judges what is actually hashed
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  const problems: FieldError[] = [];
  if (length < MIN_PASSWORD_LENGTH) {
    problems.push(problem(path, 'password.too_short', `use at least ${MIN_PASSWORD_LENGTH} characters (this one has ${length})`, `密码至少 ${MIN_PASSWORD_LENGTH} 位（当前 ${length} 位）`));
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(problem(path, 'password.too_long', `use at most ${MAX_PASSWORD_LENGTH} characters`, `密码最多 ${MAX_PASSWORD_LENGTH} 位`));
  }
  if (length > 0 && CLASSES.filter((c) => c.test(normalised)).length < 2) {
    problems.push(
      problem(path, 'password.one_class', 'mix at least two kinds of character: lower-case, upper-case, digits, symbols', '密码须包含小写字母、大写字母、数字、符号中的至少两类'),
    );
  }
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  const lower = normalised.toLowerCase();
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) {
    problems.push(problem(path, 'password.contains_email', 'do not build the password from your email address', '密码不能包含邮箱地址'));
  }
  // one reason at a time: the estimate is for a password that keeps the rules above
  if (problems.length > 0) return problems;
  const weakness = weaknessOf(normalised);
  if (weakness) problems.push(problem(path, weakness.common ? 'password.common' : 'password.guessable', weakness.en, weakness.zh));
  return problems;
}
