// The estimator's own lists come from leaks of mostly English-speaking sites, where `woaini` ranks
// near 19 000 and `woaini1314` not at all. Among Chinese users they are in the top few dozen. These
// are the pinyin and number-pun entries (520 "我爱你", 1314 "一生一世") of a
// published frequency table of leaked passwords of Chinese users, most frequent first; its other
// entries (123456, qwerty, …) the common list already holds. The estimator reads the rank from
// the order, and also finds these inside longer passwords.
export const COMMON_PASSWORDS_ZH = [
  '5201314',
  '1314520',
  '7758521',
  'woaini',
  '5211314',
  '7758258',
  '520520',
  'woaini1314',
  '1314521',
  '521521',
  'woaini123',
  'woaini520',
  'woaini521',
  'a5201314',
  'caonima',
  '201314',
  '7758520',
  'zhang123',
  '584520',
  'aini1314',
  'wocaonima',
  '5845201314',
  'woainima',
  '3344520',
  'woaiwojia',
  'qq5201314',
  '5201314a',
  '211314',
  'buzhidao',
  'wang123',
  '5845211314',
  'a1314520',
  '131421',
  '5201314520',
  '584521',
];
