import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MONEY_FORMAT_MESSAGE, yuanString } from '../../server/domain/money';
import { zodErrors } from '../../server/http/problem';

// What a refused field says on a page and in the API's problem: plain words by the code,
// not zod's own ("Too small: expected array to have >=1 items", "数值过小：期望 array >=1 项").
const refusal = (schema: z.ZodType, value: unknown, reportInput = false) => {
  const parsed = schema.safeParse(value, { reportInput });
  if (parsed.success) throw new Error('the value was taken');
  return zodErrors(parsed.error, '').map(({ path, message, messageZh }) => ({ path, message, messageZh }));
};
const one = (schema: z.ZodType, value: unknown, reportInput = false) => refusal(z.strictObject({ v: schema }), { v: value }, reportInput)[0];

describe('the words of a validation issue', () => {
  it('say how many to choose, how long and how large, for lists, texts and numbers', () => {
    expect(one(z.array(z.string()).min(1), [])).toEqual({ path: 'v', message: 'choose at least one', messageZh: '至少选择一项' });
    expect(one(z.array(z.string()).min(2), ['a'])).toMatchObject({ message: 'choose at least 2', messageZh: '至少选择 2 项' });
    expect(one(z.array(z.string()).max(2), ['a', 'b', 'c'])).toMatchObject({ message: 'choose at most 2', messageZh: '最多选择 2 项' });
    expect(one(z.string().min(1), '')).toMatchObject({ message: 'must not be empty', messageZh: '此项必填，不能为空' });
    expect(one(z.string().min(5), 'abc')).toMatchObject({ message: 'at least 5 characters', messageZh: '至少 5 个字符' });
    expect(one(z.string().max(3), 'abcd')).toMatchObject({ message: 'at most 3 characters', messageZh: '最多 3 个字符' });
    expect(one(z.string().length(18), 'abc')).toMatchObject({ message: 'must be exactly 18 characters', messageZh: '应为 18 个字符' });
    expect(one(z.number().min(0), -1)).toMatchObject({ message: 'must be at least 0', messageZh: '不能小于 0' });
    expect(one(z.number().positive(), 0)).toMatchObject({ message: 'must be more than 0', messageZh: '必须大于 0' });
    expect(one(z.int().max(365), 400)).toMatchObject({ message: 'must be at most 365', messageZh: '不能大于 365' });
  });

  it('call a missing field required, whether or not the parse reported its input, and a wrong type by what is wanted', () => {
    expect(refusal(z.strictObject({ v: z.string() }), {})).toEqual([{ path: 'v', message: 'required', messageZh: '此项必填' }]);
    expect(refusal(z.strictObject({ v: z.string() }), {}, true)).toEqual([{ path: 'v', message: 'required', messageZh: '此项必填' }]);
    // a schema's own words hide what zod received: the reported input still tells a missing field
    expect(one(z.string({ error: 'the year, e.g. 2024' }), undefined, true)).toMatchObject({ message: 'the year, e.g. 2024', messageZh: '此项必填' });
    expect(one(z.string(), 42)).toMatchObject({ message: 'must be text', messageZh: '应填写文字' });
    expect(one(z.string(), 42, true)).toMatchObject({ message: 'must be text', messageZh: '应填写文字' });
    expect(one(z.int(), 1.5)).toMatchObject({ message: 'must be a whole number', messageZh: '应填写整数' });
    expect(one(z.boolean(), 'yes')).toMatchObject({ message: 'must be true or false', messageZh: '应为“是”或“否”' });
  });

  it('name the form a text should have, an option to choose and a field not known', () => {
    expect(one(z.email(), 'x')).toMatchObject({ messageZh: '邮箱地址格式不正确，例如 name@example.com' });
    expect(one(z.iso.date(), '2026-13-01')).toMatchObject({ message: 'must be a date as YYYY-MM-DD', messageZh: '日期格式应为 YYYY-MM-DD，例如 2026-10-01' });
    expect(one(z.iso.duration(), '3 days')).toMatchObject({ messageZh: '应为时长，例如 P3D（3 天）或 PT2H（2 小时）' });
    expect(one(z.uuid(), 'u')).toMatchObject({ message: 'not a valid id', messageZh: '编号无效' });
    expect(one(z.enum(['holiday', 'workday']), 'x')).toMatchObject({ message: 'must be one of holiday, workday', messageZh: '请从可选的项中选择（holiday、workday）' });
    expect(refusal(z.strictObject({}), { a: 1, b: 2 })).toEqual([{ path: '', message: 'unknown fields: a, b', messageZh: '不认识的字段：a、b' }]);
    // thousands of stray keys: the first twenty by name, the rest counted
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    const [flood] = refusal(z.strictObject({}), many);
    expect(flood?.message).toBe(`unknown fields: ${Array.from({ length: 20 }, (_, i) => `k${i}`).join(', ')} and 4980 more`);
    expect(flood?.messageZh).toMatch(/^不认识的字段：k0、k1、.*k19 等 5000 个$/);
  });

  it("keep a schema's own English, with Chinese by the issue's code or the refinement's own", () => {
    expect(one(z.array(z.string()).min(1, 'at least one role'), [])).toMatchObject({ message: 'at least one role', messageZh: '至少选择一项' });
    // an amount of money, refused by its pattern, is explained in Chinese too
    expect(one(yuanString, '12,000.001')).toMatchObject({ message: MONEY_FORMAT_MESSAGE, messageZh: '金额应以元为单位填写，最多两位小数，例如 1500000.00' });
    expect(one(z.iso.duration({ error: 'an ISO 8601 duration such as "P3D"' }), 'x')).toMatchObject({ message: 'an ISO 8601 duration such as "P3D"', messageZh: '应为时长，例如 P3D（3 天）或 PT2H（2 小时）' });
    expect(one(z.string().refine(() => false, { message: 'say why', params: { messageZh: '请说明理由' } }), 'x')).toMatchObject({ message: 'say why', messageZh: '请说明理由' });
  });

  it('never pass on the generic Chinese of zod', () => {
    const schema = z.strictObject({ a: z.array(z.string()).min(1), b: z.string().max(2), c: z.number(), d: z.enum(['x', 'y']), e: z.iso.date(), f: z.string() });
    for (const e of refusal(schema, { a: [], b: 'abc', c: 'n', d: 'q', e: 'no', g: 1 })) {
      expect(e.messageZh, e.path).not.toMatch(/数值过|无效输入|无效选项|期望|未知的键/);
      expect(e.message, e.path).not.toMatch(/Too small|Too big|Invalid input|Invalid option|Unrecognized/);
    }
  });
});

describe("a schema's own words for a pattern", () => {
  it('have their Chinese, every one written in server/ as `.regex(…, \'…\')`', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { OWN_WORDS_ZH } = await import('../../server/http/issue-words');
    const root = new URL('../../server/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => /\.tsx?$/.test(f));
    const said: string[] = [];
    for (const f of files) {
      const text = await readFile(new URL(f, root), 'utf8');
      for (const m of text.matchAll(/\.regex\(\/(?:[^/\\\n]|\\.)+\/[a-z]*,\s*'([^']+)'\)/g)) if (m[1]) said.push(m[1]);
    }
    expect(said.length).toBeGreaterThanOrEqual(6);
    expect(said.filter((words) => !OWN_WORDS_ZH.has(words))).toEqual([]);
  });

  it("say an insurer code's form in Chinese too", async () => {
    const { insurerCreateSchema } = await import('../../server/insurers/create');
    expect(refusal(insurerCreateSchema, { name: '中国人寿', code: 'China Life' })).toEqual([
      { path: 'code', message: 'must be 2–32 letters, digits, _ or -', messageZh: '应为 2–32 位字母、数字、下划线（_）或连字符（-），例如 PICC' },
    ]);
  });
});
