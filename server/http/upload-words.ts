// Multer's refusals of a multipart body (its error codes), in Chinese: its own words are English only.
const words: Record<string, string> = {
  LIMIT_PART_COUNT: '表单的部分过多',
  LIMIT_FILE_SIZE: '文件过大',
  LIMIT_FILE_COUNT: '一次只能上传一个文件',
  LIMIT_FIELD_KEY: '表单字段名过长',
  LIMIT_FIELD_VALUE: '表单字段内容过长',
  LIMIT_FIELD_COUNT: '表单字段过多',
  LIMIT_UNEXPECTED_FILE: '只能在“文件”一栏上传一个文件',
  MISSING_FIELD_NAME: '表单字段缺少名称',
};

/** Why the upload was refused, in Chinese, by multer's code. */
export const uploadRefusalZh = (code: string): string => words[code] ?? '上传的表单无法读取，请重新选择文件上传';
