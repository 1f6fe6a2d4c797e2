import type { FieldError } from '../errors';
import { en } from './i18n/en';
import { zh } from './i18n/zh';

// A password chosen on a page (invitation, registration) is typed twice, so that a slip of the
// finger does not lock its owner out. The check is the page's alone: the API takes one password.

/** The refusal beside the confirmation field, in both languages; none when the two agree. */
export function confirmationProblems(path: string, password: string, confirmation: string): FieldError[] {
  if (password === confirmation) return [];
  if (confirmation === '') return [{ path, code: 'password.repeat', message: en.form.passwordRepeat, messageZh: zh.form.passwordRepeat }];
  return [{ path, code: 'password.mismatch', message: en.form.passwordMismatch, messageZh: zh.form.passwordMismatch }];
}
