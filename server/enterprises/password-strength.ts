import { ZxcvbnFactory, type TranslationKeys } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations as english } from '@zxcvbn-ts/language-en';
import { COMMON_PASSWORDS_ZH } from './common-passwords-zh';

type Warning = keyof TranslationKeys['warnings'];
type Suggestion = keyof TranslationKeys['suggestions'];

// zxcvbn's score 3 means at least 10^8 guesses ("safely unguessable" in its documentation): far
// beyond what the sign-in limits let anyone try online, and costly offline against scrypt.
export const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

// Built on first use: loading the dictionaries takes about a tenth of a second, which processes which
// never register a firm (the worker, most tests) need not pay.
function estimatorOf(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    // English words and names, without the package's short lists for word sequences (numbers,
    // months, planets…): those spell "onetwothree" out, and triple the time of every check
    dictionary: {
      ...commonDictionary,
      'commonWords-en': englishDictionary['commonWords-en'],
      'firstnames-en': englishDictionary['firstnames-en'],
      'lastnames-en': englishDictionary['lastnames-en'],
      'wikipedia-en': englishDictionary['wikipedia-en'],
      'passwords-zh': COMMON_PASSWORDS_ZH,
    },
    graphs: adjacencyGraphs,
    // The matchers run on the event loop, and crafted input (many l33t-able characters) takes
    // them hundreds of milliseconds; 64 characters that are all guessable are rare and still
    // judged, and beyond 10 l33t substitutions a password is no dictionary word in disguise.
    maxLength: 64,
    l33tMaxSubstitutions: 10,
  });
  return estimator;
}

const ZH_WARNINGS: Record<Warning, string> = {
  straightRow: '键盘上连成一排的键很容易被猜中',
  keyPattern: '简短的键盘图案很容易被猜中',
  simpleRepeat: '“aaa”这样的重复字符很容易被猜中',
  extendedRepeat: '“abcabcabc”这样的重复片段很容易被猜中',
  sequences: '“abc”这样的常见序列很容易被猜中',
  recentYears: '近几年的年份很容易被猜中',
  dates: '日期很容易被猜中',
  topTen: '这是最常用的密码之一',
  topHundred: '这是很常用的密码',
  common: '这是常用密码',
  similarToCommon: '这与常用密码相近',
  wordByItself: '单个词语很容易被猜中',
  namesByThemselves: '单独的姓或名很容易被猜中',
  commonNames: '常见的姓名很容易被猜中',
  userInputs: '不要使用个人信息或与本网站相关的内容',
  pwned: '该密码曾在网上的数据泄露中出现',
};

const ZH_SUGGESTIONS: Record<Suggestion, string> = {
  l33t: '不要用“@”代替“a”这类容易预料的替换',
  reverseWords: '不要把常见词语倒过来拼写',
  allUppercase: '只把部分字母大写，不要全部大写',
  capitalization: '大写的不要只是首字母',
  dates: '不要使用与自己相关的日期和年份',
  recentYears: '不要使用近几年的年份',
  associatedYears: '不要使用与自己相关的年份',
  sequences: '不要使用常见的字符序列',
  repeated: '不要重复词语或字符',
  longerKeyboardPattern: '键盘图案要更长，并多次改变方向',
  anotherWord: '再加几个不常见的词',
  useWords: '用几个词组成，但避开常见短语',
  noNeed: '不用符号、数字或大写字母也能设出强密码',
  pwned: '如果别处也用了这个密码，应当修改',
};

const COMMON_WARNINGS: readonly Warning[] = ['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned'];

const isWarning = (key: string | null): key is Warning => key !== null && Object.hasOwn(ZH_WARNINGS, key);
const isSuggestion = (key: string): key is Suggestion => Object.hasOwn(ZH_SUGGESTIONS, key);

export interface Weakness {
  /** The password is (close to) one that leaks show people use, rather than merely guessable. */
  common: boolean;
  en: string;
  zh: string;
}

/** Why the password is too easy to guess, in the estimator's words; null when it is not. */
export function weaknessOf(password: string): Weakness | null {
  const { score, feedback } = estimatorOf().check(password);
  if (score >= MIN_SCORE) return null;
  // the estimator gives its feedback as keys, since no translations were handed to it
  const warning = isWarning(feedback.warning) ? feedback.warning : null;
  const suggestions = feedback.suggestions.filter(isSuggestion);
  if (!warning && suggestions.length === 0) suggestions.push('anotherWord');
  const en = [...(warning ? [english.warnings[warning]] : []), ...suggestions.map((s) => english.suggestions[s])];
  const zh = [...(warning ? [ZH_WARNINGS[warning]] : []), ...suggestions.map((s) => ZH_SUGGESTIONS[s])];
  return {
    common: warning !== null && COMMON_WARNINGS.includes(warning),
    en: `this password is too easy to guess: ${en.join(' ')}`,
    zh: `密码太容易被猜中：${zh.join('；')}。`,
  };
}
