import { z } from 'zod';
import { MONEY_FORMAT_MESSAGE, MONEY_FORMAT_MESSAGE_ZH } from '../domain/money';
import { ACCOUNT_MESSAGE, ACCOUNT_MESSAGE_ZH, PHONE_MESSAGE, PHONE_MESSAGE_ZH } from '../enterprises/schema';

// What a validation issue says to a person, in plain English and Chinese, by its zod code: zod's
// own words ("Too small: expected array to have >=1 items", "数值过小：期望 array >=1 项") name
// types and operators, not what to do. A schema's own English (`error: '…'`) stays as it is
// written; its Chinese comes from here, or from the refinement's `params.messageZh`.

export interface Words {
  en: string;
  zh: string;
}

type Issue = z.core.$ZodIssue;
const en = z.locales.en();

/** Numbers and dates as the bounds of a check say them. */
const bound = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'bigint' || typeof v === 'number' ? v.toString() : String(v));

const typeWords: Record<string, Words> = {
  string: { en: 'must be text', zh: '应填写文字' },
  number: { en: 'must be a number', zh: '应填写数字' },
  int: { en: 'must be a whole number', zh: '应填写整数' },
  bigint: { en: 'must be a whole number', zh: '应填写整数' },
  boolean: { en: 'must be true or false', zh: '应为“是”或“否”' },
  array: { en: 'must be a list', zh: '应为一组值' },
  object: { en: 'must be an object', zh: '应为一组字段' },
  date: { en: 'must be a date', zh: '应为日期' },
};

const formatWords: Record<string, Words> = {
  email: { en: 'must be an email address, e.g. name@example.com', zh: '邮箱地址格式不正确，例如 name@example.com' },
  uuid: { en: 'not a valid id', zh: '编号无效' },
  guid: { en: 'not a valid id', zh: '编号无效' },
  url: { en: 'must be a web address', zh: '网址格式不正确' },
  date: { en: 'must be a date as YYYY-MM-DD', zh: '日期格式应为 YYYY-MM-DD，例如 2026-10-01' },
  datetime: { en: 'must be a date and time with its offset, e.g. 2026-10-01T09:00:00+08:00', zh: '应为带时区的日期和时间，例如 2026-10-01T09:00:00+08:00' },
  time: { en: 'must be a time as HH:MM', zh: '时间格式应为 HH:MM' },
  duration: { en: 'must be a duration such as P3D (three days) or PT2H (two hours)', zh: '应为时长，例如 P3D（3 天）或 PT2H（2 小时）' },
};

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): Words | null {
  const n = bound(issue.minimum);
  switch (issue.origin) {
    case 'array':
    case 'set':
      if (issue.exact) return { en: `choose exactly ${n}`, zh: `应选择 ${n} 项` };
      return n === '1' ? { en: 'choose at least one', zh: '至少选择一项' } : { en: `choose at least ${n}`, zh: `至少选择 ${n} 项` };
    case 'string':
      if (issue.exact) return { en: `must be exactly ${n} characters`, zh: `应为 ${n} 个字符` };
      return n === '1' ? { en: 'must not be empty', zh: '此项必填，不能为空' } : { en: `at least ${n} characters`, zh: `至少 ${n} 个字符` };
    case 'number':
    case 'int':
    case 'bigint':
      return issue.inclusive ? { en: `must be at least ${n}`, zh: `不能小于 ${n}` } : { en: `must be more than ${n}`, zh: `必须大于 ${n}` };
    case 'date':
      return issue.inclusive ? { en: `must not be before ${n}`, zh: `不能早于 ${n}` } : { en: `must be after ${n}`, zh: `必须晚于 ${n}` };
    case 'file':
      return { en: `the file must have at least ${n} bytes`, zh: `文件至少应有 ${n} 字节` };
    default:
      return null;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): Words | null {
  const n = bound(issue.maximum);
  switch (issue.origin) {
    case 'array':
    case 'set':
      if (issue.exact) return { en: `choose exactly ${n}`, zh: `应选择 ${n} 项` };
      return { en: `choose at most ${n}`, zh: `最多选择 ${n} 项` };
    case 'string':
      if (issue.exact) return { en: `must be exactly ${n} characters`, zh: `应为 ${n} 个字符` };
      return { en: `at most ${n} characters`, zh: `最多 ${n} 个字符` };
    case 'number':
    case 'int':
    case 'bigint':
      return issue.inclusive ? { en: `must be at most ${n}`, zh: `不能大于 ${n}` } : { en: `must be less than ${n}`, zh: `必须小于 ${n}` };
    case 'date':
      return issue.inclusive ? { en: `must not be after ${n}`, zh: `不能晚于 ${n}` } : { en: `must be before ${n}`, zh: `必须早于 ${n}` };
    case 'file':
      return { en: `the file must have at most ${n} bytes`, zh: `文件不能超过 ${n} 字节` };
    default:
      return null;
  }
}

/**
 * Whether a value was missing: the issue's input where the parse reported it, else zod's own
 * English, which names the type it received (a schema's own words do not).
 */
function missing(issue: Extract<Issue, { code: 'invalid_type' }>): boolean {
  if ('input' in issue) return issue.input === undefined;
  return issue.message.endsWith(', received undefined');
}

const list = (values: readonly unknown[], sep: string) => values.map((v) => (typeof v === 'string' ? v : String(v))).join(sep);

const KEYS_NAMED = 20;

/** Plain words for an issue by its code; null where there are none better than the issue's own. */
export function issueWords(issue: Issue): Words | null {
  switch (issue.code) {
    case 'invalid_type':
      if (missing(issue)) return { en: 'required', zh: '此项必填' };
      return typeWords[issue.expected] ?? { en: `must be ${issue.expected}`, zh: '填写的内容类型不对' };
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return formatWords[issue.format] ?? { en: 'not in the expected form', zh: '格式不正确' };
    case 'invalid_value':
      return issue.values.length === 1
        ? { en: `must be ${list(issue.values, '')}`, zh: `应为 ${list(issue.values, '')}` }
        : { en: `must be one of ${list(issue.values, ', ')}`, zh: `请从可选的项中选择（${list(issue.values, '、')}）` };
    case 'not_multiple_of':
      return { en: `must be a multiple of ${bound(issue.divisor)}`, zh: `应为 ${bound(issue.divisor)} 的整数倍` };
    case 'unrecognized_keys': {
      // the first few by name: a body of thousands of stray keys is not echoed back whole
      const named = issue.keys.slice(0, KEYS_NAMED).map((k) => k.slice(0, 100));
      const more = issue.keys.length - named.length;
      return {
        en: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        zh: `不认识的字段：${named.join('、')}${more > 0 ? ` 等 ${issue.keys.length} 个` : ''}`,
      };
    }
    case 'invalid_union':
      return { en: 'matches none of the accepted forms', zh: '不符合任何一种可接受的格式' };
    case 'invalid_key':
    case 'invalid_element':
      return { en: 'holds a value that is not allowed', zh: '含有不允许的值' };
    case 'custom':
      return null;
    default:
      return null;
  }
}

/** Whether the issue's English is zod's own (so ours replaces it), not words a schema gave it. */
function zodsOwnEnglish(issue: Issue): boolean {
  // zod's invalid_type names what it received, which a reported-less issue no longer holds
  if (issue.code === 'invalid_type') return issue.message.startsWith(`Invalid input: expected ${issue.expected}, received `);
  const said = en.localeError(issue as Parameters<typeof en.localeError>[0]);
  return issue.message === (typeof said === 'string' ? said : said?.message);
}

/** The issue's words in both languages: the schema's own where it gave them, else plain ones by its code. */
/** A schema's own English words that a check of a built-in kind (a regex) gives, with their Chinese. */
export const OWN_WORDS_ZH: ReadonlyMap<string, string> = new Map([
  [MONEY_FORMAT_MESSAGE, MONEY_FORMAT_MESSAGE_ZH],
  [PHONE_MESSAGE, PHONE_MESSAGE_ZH],
  [ACCOUNT_MESSAGE, ACCOUNT_MESSAGE_ZH],
  // the schemas' own words for a pattern (`.regex(…, '…')`): a unit test finds every one in server/
  ['must be 2–32 letters, digits, _ or -', '应为 2–32 位字母、数字、下划线（_）或连字符（-），例如 PICC'],
  ['must be a decimal number as a string, e.g. "20000"', '应为数字，例如 20000（最多 4 位小数）'],
  ['a GB/T 2260 city code, e.g. 330100', '应为 GB/T 2260 城市代码，例如 330100'],
  ['must be a letter followed by letters, digits or _ (at most 40)', '应以字母开头，只含字母、数字或下划线（_），最多 40 个字符'],
  ['a four-digit year, e.g. 2024', '应为四位数年份，例如 2024'],
  ['must be a four-digit year', '应为四位数年份，例如 2027'],
  // the ids the routes name in their own English: what the Chinese says too, whatever the value's type
  ...(
    [
      ['case', '申请'],
      ['catalogue edition', '目录版本'],
      ['claim', '理赔'],
      ['disbursement batch', '拨付批次'],
      ['document', '材料'],
      ['notice', '公示'],
      ['proposal', '核减方案'],
      ['round', '申报批次'],
      ['user', '用户'],
    ] as const
  ).map(([thing, zh]) => [`not a ${thing} id`, `不是有效的${zh}编号`] as const),
]);

export function wordsOf(issue: Issue): Words {
  const ours = issueWords(issue);
  const ownZh = issue.code === 'custom' && typeof issue.params?.messageZh === 'string' ? issue.params.messageZh : (OWN_WORDS_ZH.get(issue.message) ?? undefined);
  return {
    en: ours && zodsOwnEnglish(issue) ? ours.en : issue.message,
    zh: ownZh ?? ours?.zh ?? '填写的内容不符合要求',
  };
}
