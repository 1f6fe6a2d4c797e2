import type { RowError, Severity } from './parse-types';

// Codes are stable: the admin UI and the import API key translations and tests off them.
// Messages do not repeat the row number because every consumer shows rowNumber beside them.

type Message = { zh: string; en: string };

function make(code: string, severity: Severity, rowNumber: number, message: Message, column?: string): RowError {
  const base = { rowNumber, code: `catalogue.${code}`, severity, message };
  return column === undefined ? base : { ...base, column };
}

export const COLUMN = { seq: '序号', name: '材料名称', requirements: '性能要求', field: '应用领域' } as const;

export const fileErrors = {
  empty: (): RowError => make('empty_file', 'error', 0, { zh: '文件为空', en: 'The file is empty' }),
  unsupported: (what: string): RowError =>
    make('unsupported_format', 'error', 0, {
      zh: `不支持的文件格式（${what}），请上传 XLSX 或 CSV`,
      en: `Unsupported file format (${what}); upload XLSX or CSV`,
    }),
  tooManyEntries: (found: number, max: number): RowError =>
    make('too_many_entries', 'error', 0, {
      zh: `文件含 ${found} 个条目，超过上限 ${max} 个（最大的官方目录为 445 个）`,
      en: `The file holds ${found} entries, more than the ${max} allowed (the largest official edition has 445)`,
    }),
  unreadable: (detail: string): RowError =>
    make('unreadable_file', 'error', 0, { zh: `文件无法读取：${detail}`, en: `The file cannot be read: ${detail}` }),
  tooLargeUnpacked: (detail: string): RowError =>
    make('file_too_large_unpacked', 'error', 0, {
      zh: `工作簿解压后过大或压缩比异常（${detail}），解压后合计不得超过 24 MB，单个工作表不得超过 8 MB`,
      en: `The workbook unpacks too large or is compressed suspiciously well (${detail}); at most 24 MB unpacked, 8 MB per sheet`,
    }),
  noWorksheet: (): RowError => make('no_worksheet', 'error', 0, { zh: '工作簿中没有工作表', en: 'The workbook has no worksheet' }),
  csvSyntax: (rowNumber: number, detail: string): RowError =>
    make('csv_syntax', 'error', rowNumber, { zh: `CSV 格式错误：${detail}`, en: `CSV syntax error: ${detail}` }),
  missingHeader: (): RowError =>
    make('missing_header', 'error', 0, {
      zh: '未找到表头行（序号 | 材料名称 | 性能要求 | 应用领域），已按该列顺序读取',
      en: 'No header row (序号 | 材料名称 | 性能要求 | 应用领域) found; read the columns in that order',
    }),
  missingColumn: (rowNumber: number, column: string): RowError =>
    make('missing_column', 'error', rowNumber, { zh: `表头缺少“${column}”列`, en: `The header has no “${column}” column` }, column),
  noEntries: (): RowError => make('no_entries', 'error', 0, { zh: '文件中没有目录条目', en: 'The file contains no catalogue entries' }),
};

export const rowErrors = {
  missingName: (row: number): RowError =>
    make('missing_name', 'error', row, { zh: '缺少材料名称', en: 'The material name is missing' }, COLUMN.name),
  invalidSeq: (row: number, value: string): RowError =>
    make('invalid_seq', 'error', row, {
      zh: value === '' ? '缺少序号' : `序号“${value}”不是正整数`,
      en: value === '' ? 'The sequence number (序号) is missing' : `The sequence number (序号) “${value}” is not a positive integer`,
    }, COLUMN.seq),
  seqTooLarge: (row: number, value: string, max: number): RowError =>
    make('invalid_seq', 'error', row, {
      zh: `序号“${value}”超过上限 ${max}`,
      en: `The sequence number (序号) “${value}” is above the maximum ${max}`,
    }, COLUMN.seq),
  duplicateSeq: (row: number, seq: number, firstRow: number): RowError =>
    make('duplicate_seq', 'error', row, {
      zh: `序号 ${seq} 与第 ${firstRow} 行重复`,
      en: `The sequence number ${seq} repeats row ${firstRow}`,
    }, COLUMN.seq),
  nameTooLong: (row: number, max: number): RowError =>
    make('name_too_long', 'error', row, { zh: `材料名称超过 ${max} 个字符`, en: `The material name is longer than ${max} characters` }, COLUMN.name),
  extraCells: (row: number, width: number): RowError =>
    make('extra_cells', 'error', row, {
      zh: `该行超出表头的 ${width} 列，内容可能错位（如名称中含未加引号的逗号）`,
      en: `The row has cells beyond the header's ${width} columns; its values look shifted (e.g. an unquoted comma)`,
    }),
  missingRequirements: (row: number): RowError =>
    make('missing_requirements', 'warning', row, { zh: '性能要求为空', en: 'The performance requirements are empty' }, COLUMN.requirements),
  missingField: (row: number): RowError =>
    make('missing_application_field', 'warning', row, { zh: '应用领域为空', en: 'The application field is empty' }, COLUMN.field),
  entryWithoutCategory: (row: number): RowError =>
    make('entry_without_category', 'warning', row, {
      zh: '条目出现在任何类别行之前，其类别为空',
      en: 'Entries appear before any category row; their categories are left empty',
    }),
  categoryWithoutTop: (row: number): RowError =>
    make('category_without_top', 'warning', row, {
      zh: '类别行出现在一级类别（先进基础材料／关键战略材料／前沿新材料）之前',
      en: 'A category row appears before any top category (先进基础材料 / 关键战略材料 / 前沿新材料)',
    }),
  categoryTooDeep: (row: number, text: string): RowError =>
    make('category_too_deep', 'warning', row, {
      zh: `类别“${text}”的编号层级多于三级，按子类处理`,
      en: `The category “${text}” is numbered deeper than three levels; treated as a sub-category`,
    }),
};
