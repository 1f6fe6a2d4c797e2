import { TOP_CATEGORIES } from './parse-types';

// Real edition files do not agree on how category rows are numbered. Seen so far:
//   先进基础材料 / 一、先进化工材料 / （一）高性能树脂          (plain top, 一、 major, （一） sub)
//   一、先进基础材料 / （一）先进化工材料 / 1. 高性能树脂       (numbered top, one level deeper below)
//   第一部分 先进基础材料 …, half-width '(一)', '1、', '1．', and majors with no sub-categories.
// So the level is never read from the numbering alone: a top category is recognised by its name
// (the programme has exactly three), the first numbering style met under a top category marks
// the majors, and any other style below it marks the subs. A style that is conventionally
// shallower than the majors' (一、 above （一） above 1. above （1）) re-bases the majors.

const CN = '[一二三四五六七八九十百零〇两]+';

type Style = 'chapter' | 'cnComma' | 'cnParen' | 'arabicDot' | 'arabicParen' | 'circled' | 'none';

const STYLES: readonly { style: Exclude<Style, 'none'>; re: RegExp; rank: number }[] = [
  { style: 'chapter', re: new RegExp(`^第${CN}[部分类章节篇]+[、.．:：\\s]*`), rank: 0 },
  { style: 'cnParen', re: new RegExp(`^[（(]\\s*${CN}\\s*[)）][、.．\\s]*`), rank: 2 },
  // A separator is required: '三元正极材料' must not read as '三、元正极材料'.
  { style: 'cnComma', re: new RegExp(`^${CN}(?:\\s*[、.．]|\\s+)\\s*`), rank: 1 },
  { style: 'arabicParen', re: /^[（(]\s*\d+\s*[)）][、.．\s]*/, rank: 4 },
  // '(?!\d)' keeps '1.5mm …' from reading as item 1.
  { style: 'arabicDot', re: /^\d+(?:\s*[、.．](?!\d)|\s+)\s*/, rank: 3 },
  { style: 'circled', re: /^[\u2460-\u2473]\s*/, rank: 5 },
];

export interface CategoryLabel {
  style: Style;
  name: string;
}

/** Splits '（一）先进化工材料' into its numbering style and the bare name '先进化工材料'. */
export function readLabel(text: string): CategoryLabel {
  const trimmed = text.trim();
  for (const { style, re } of STYLES) {
    const match = re.exec(trimmed);
    if (match && match[0].length < trimmed.length) {
      return { style, name: cleanName(trimmed.slice(match[0].length)) };
    }
  }
  return { style: 'none', name: cleanName(trimmed) };
}

/** True when the cell holds only a numbering token, e.g. '一、' or '（一）' in the 序号 column. */
export function isNumberingToken(text: string): boolean {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return false;
  return STYLES.some(({ re }) => re.exec(trimmed)?.[0].length === trimmed.length)
    || new RegExp(`^${CN}$`).test(trimmed);
}

function cleanName(name: string): string {
  return name.replace(/[:：]\s*$/, '').replace(/\s+/g, ' ').trim();
}

export function topCategoryOf(name: string): string | null {
  const compact = name.replace(/\s+/g, '');
  return TOP_CATEGORIES.find((top) => top === compact) ?? null;
}

export interface CategoryState {
  top: string | null;
  major: string | null;
  sub: string | null;
  majorStyle: Style | null;
  subStyle: Style | null;
}

export const INITIAL_CATEGORY_STATE: CategoryState = { top: null, major: null, sub: null, majorStyle: null, subStyle: null };

export interface CategoryStep {
  state: CategoryState;
  level: 'top' | 'major' | 'sub';
  /** A third distinct numbering style under a top category: folded into the sub level. */
  tooDeep: boolean;
}

export function applyCategoryRow(state: CategoryState, text: string): CategoryStep {
  const label = readLabel(text);
  const top = topCategoryOf(label.name);
  if (top !== null) {
    return { state: { ...INITIAL_CATEGORY_STATE, top }, level: 'top', tooDeep: false };
  }
  if (isMajorStyle(state, label.style)) {
    const next = { ...state, major: label.name, sub: null, majorStyle: label.style, subStyle: null };
    return { state: next, level: 'major', tooDeep: false };
  }
  const tooDeep = state.subStyle !== null && state.subStyle !== label.style;
  const subStyle = state.subStyle ?? label.style;
  return { state: { ...state, sub: label.name, subStyle }, level: 'sub', tooDeep };
}

function isMajorStyle(state: CategoryState, style: Style): boolean {
  if (state.majorStyle === null || state.majorStyle === style) return true;
  const rank = rankOf(style);
  const majorRank = rankOf(state.majorStyle);
  return rank !== null && majorRank !== null && rank < majorRank;
}

function rankOf(style: Style): number | null {
  return STYLES.find((s) => s.style === style)?.rank ?? null;
}
