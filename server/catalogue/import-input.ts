import { z } from 'zod';
import { badRequest, type FieldError } from '../errors';
import { zodErrors } from '../http/problem';

// The form fields that go with an edition file. Multipart fields arrive as text, so numbers and
// dates are read from strings here.
export const editionFieldsSchema = z.object({
  year: z
    .string({ error: 'the catalogue year is required, e.g. 2024' })
    .trim()
    .regex(/^\d{4}$/, 'a four-digit year, e.g. 2024')
    .transform(Number)
    .pipe(z.number().int().min(2000, 'a year from 2000 on').max(2100, 'a year up to 2100')),
  docNumber: z
    .string({ error: 'the document number is required, e.g. 浙经信材料〔2024〕182号' })
    .trim()
    .min(1, 'the document number is required, e.g. 浙经信材料〔2024〕182号')
    .max(100, 'at most 100 characters'),
  effectiveOn: z.iso.date({ error: 'the effective date as YYYY-MM-DD, e.g. 2024-09-05' }),
  title: z
    .string()
    .trim()
    .max(200, 'at most 200 characters')
    .optional()
    .transform((t) => (t === '' ? undefined : t)),
});
export type EditionFields = z.output<typeof editionFieldsSchema>;

export interface EditionFile {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
}

export interface ImportInput {
  fields: EditionFields;
  file: EditionFile;
}

/** Reports a missing file and every bad field together, so one round trip shows them all. */
export function readImportInput(file: EditionFile | undefined, body: unknown): ImportInput {
  const errors: FieldError[] = [];
  if (!file) errors.push({ path: 'file', message: 'a CSV or XLSX file is required in the field "file"', messageZh: '请上传 CSV 或 XLSX 格式的目录文件', code: 'required' });
  const fields = editionFieldsSchema.safeParse(body ?? {}, { reportInput: true });
  if (!fields.success) {
    for (const e of zodErrors(fields.error, '')) errors.push({ ...e, path: e.path || 'body' });
  }
  if (!file || !fields.success) throw badRequest(`the import request is incomplete: ${errors.map((e) => e.path).join(', ')}`, errors);
  return { file, fields: fields.data };
}
