import type { FieldError } from '../../errors';
import { CSRF_FIELD } from '../csrf';
import { PAGE_FIELD, problemText, type PageCtx } from '../page';

/** Every posted form's token, and the page it is on: the page drawn again with its problems knows where it is. */
export function CsrfField({ p }: { p: PageCtx }) {
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
      <input type="hidden" name={PAGE_FIELD} value={p.url} />
    </>
  );
}

/** The problems of one field, as the service worded them. */
export const errorsAt = (errors: readonly FieldError[], path: string) => errors.filter((e) => e.path === path);

interface FieldProps {
  p: PageCtx;
  /** the service's path of the value, which is also the form field's name */
  name: string;
  label: string;
  errors: readonly FieldError[];
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  multiline?: boolean;
  hint?: string;
  /** keeps ids unique where several forms on a page have a field of the same name */
  idPrefix?: string;
}

/** A labelled field with its problems right beside it, tied to it for screen readers. */
export function Field({ p, name, label, errors, type = 'text', value = '', autocomplete, required, multiline, hint, idPrefix = 'f' }: FieldProps) {
  const id = `${idPrefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const mine = errorsAt(errors, name);
  const described = [hint ? `${id}-hint` : '', mine.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name, required, 'aria-invalid': mine.length ? 'true' : undefined, 'aria-describedby': described };
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for={id} safe>
        {label}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`} safe>
          {hint}
        </p>
      ) : (
        ''
      )}
      <FieldProblems p={p} id={`${id}-error`} errors={mine} />
      {multiline ? (
        <textarea {...common} rows="3" safe>
          {value}
        </textarea>
      ) : (
        <input {...common} type={type} value={value} autocomplete={autocomplete} />
      )}
    </div>
  );
}

/** Problems that belong to no field of the form, at its top. */
export function FormProblems({ p, errors, fields }: { p: PageCtx; errors: readonly FieldError[]; fields: readonly string[] }) {
  const loose = errors.filter((e) => !fields.includes(e.path));
  if (loose.length === 0) return '';
  return (
    <div class="problems" role="alert">
      <ul>
        {loose.map((e) => (
          <li safe>{problemText(e, p.locale)}</li>
        ))}
      </ul>
    </div>
  );
}

/** A field of a form as its problem summary names it: the service's path, the input's id, its label. */
export interface SummaryField {
  path: string;
  id: string;
  label: string;
}

/**
 * Every problem of the form at its top, in the order of the form's fields, each naming its field
 * and linking to it (the field shows the problem again beside itself); a problem of no field is
 * listed as it is. A problem whose words name the field already is not named again.
 */
export function ProblemSummary({ p, errors, fields }: { p: PageCtx; errors: readonly FieldError[]; fields: readonly SummaryField[] }) {
  if (errors.length === 0) return '';
  const place = (e: FieldError) => fields.findIndex((f) => f.path === e.path);
  const ordered = [...errors].sort((a, b) => place(a) - place(b));
  return (
    <div class="problems" role="alert">
      <p safe>{p.t.form.errorSummary}</p>
      <ul>
        {ordered.map((e) => {
          const f = fields[place(e)];
          const text = problemText(e, p.locale);
          if (!f) return <li safe>{text}</li>;
          return (
            <li>
              <a href={`#${f.id}`} safe>
                {text.startsWith(f.label) ? text : `${f.label}${p.t.colon}${text}`}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * A labelled choice with its problems beside it, as Field is for text: `empty` adds a first choice of
 * no value (any, in a filter), chosen while nothing else is.
 */
export function SelectField({ p, name, label, options, value, errors = [], idPrefix = 'f', empty, required }: { p: PageCtx; name: string; label: string; options: readonly { value: string; label: string }[]; value: string | undefined; errors?: readonly FieldError[]; idPrefix?: string; empty?: string; required?: boolean }) {
  const id = `${idPrefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const mine = errorsAt(errors, name);
  return (
    <div class={mine.length ? 'field invalid' : 'field'}>
      <label for={id} safe>
        {label}
      </label>
      <FieldProblems p={p} id={`${id}-error`} errors={mine} />
      <select id={id} name={name} required={required} aria-invalid={mine.length ? 'true' : undefined} aria-describedby={mine.length ? `${id}-error` : undefined}>
        {empty !== undefined ? (
          <option value="" selected={!value} safe>
            {empty}
          </option>
        ) : (
          ''
        )}
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The problems of one field or list, tied to it by id (its input names it in aria-describedby). */
export function FieldProblems({ p, id, errors }: { p: PageCtx; id: string; errors: readonly FieldError[] }) {
  if (errors.length === 0) return '';
  // several problems of one field (a password's length and its characters) are a list, never run together
  if (errors.length > 1) {
    return (
      <ul class="error" id={id}>
        {errors.map((e) => (
          <li safe>{problemText(e, p.locale)}</li>
        ))}
      </ul>
    );
  }
  return (
    <p class="error" id={id}>
      {errors.map((e) => (
        <span safe>{problemText(e, p.locale)}</span>
      ))}
    </p>
  );
}

/** The documents the product stores (judged from their bytes, server/documents/inspect.ts), as a file input offers them. */
export const DOCUMENT_ACCEPT = '.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png';

/** A file input named `file` with its label, its problems tied to it, and the hint that describes it, if any. */
export function FileField({ p, id, label, errors, accept, hintId }: { p: PageCtx; id: string; label: string; errors: readonly FieldError[]; accept: string; hintId?: string }) {
  const describedBy = [hintId, errors.length ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return (
    <div class={errors.length ? 'field invalid' : 'field'}>
      <label for={id} safe>{label}</label>
      <FieldProblems p={p} id={`${id}-error`} errors={errors} />
      <input type="file" id={id} name="file" accept={accept} required aria-invalid={errors.length ? 'true' : undefined} aria-describedby={describedBy || undefined} />
    </div>
  );
}
