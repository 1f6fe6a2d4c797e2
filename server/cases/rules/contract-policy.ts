import { epochDay } from '../../calendar/dates';
import { problem, yuanText, type Rule } from './problem';
import { dayWords } from '../../domain/date-words';

// SPEC §5: the money and dates of the sale and the policy. Empty fields are reported by
// required.ts; these rules judge only what is there.

/** 366 days: a policy year that spans 29 February, counted from start to end date. */
const MAX_TERM_DAYS = 366;

const contractMinimum: Rule = ({ row, round }) => {
  if (row.contractAmountFen === null || row.contractAmountFen >= round.minContractFen) return null;
  const amount = yuanText(row.contractAmountFen);
  const minimum = yuanText(round.minContractFen);
  return problem(
    'contract.below_minimum',
    'contract.amount',
    `the contract amount ${amount} is below the round's minimum of ${minimum}`,
    `合同金额 ${amount} 元低于本批次最低要求 ${minimum} 元`,
  );
};

const startInWindow: Rule = ({ row, round }) => {
  const starts = row.policy.startsOn;
  if (!starts || (starts >= round.insuranceStartsOn && starts <= round.insuranceEndsOn)) return null;
  return problem(
    'policy.start_outside_window',
    'policy.startsOn',
    `the policy starts on ${dayWords(starts, 'en')}, outside the round's insurance window ${dayWords(round.insuranceStartsOn, 'en')} to ${dayWords(round.insuranceEndsOn, 'en')}`,
    `保险起期 ${dayWords(starts, 'zh')} 不在本批次受理的保险起期范围（${dayWords(round.insuranceStartsOn, 'zh')} 至 ${dayWords(round.insuranceEndsOn, 'zh')}）内`,
  );
};

const termValid: Rule = ({ row }) => {
  const { startsOn, endsOn } = row.policy;
  if (!startsOn || !endsOn) return null;
  const days = epochDay(endsOn) - epochDay(startsOn);
  if (days <= 0) {
    return problem('policy.end_before_start', 'policy.endsOn', `the policy ends on ${dayWords(endsOn, 'en')}, which is not after its start on ${dayWords(startsOn, 'en')}`, `保险止期 ${dayWords(endsOn, 'zh')} 须晚于保险起期 ${dayWords(startsOn, 'zh')}`);
  }
  if (days <= MAX_TERM_DAYS) return null;
  return problem(
    'policy.term_too_long',
    'policy.endsOn',
    `the policy runs ${days} days from ${dayWords(startsOn, 'en')} to ${dayWords(endsOn, 'en')}; one application covers at most ${MAX_TERM_DAYS} days (one policy year)`,
    `保险期间 ${dayWords(startsOn, 'zh')} 至 ${dayWords(endsOn, 'zh')} 共 ${days} 天，每次申请最多覆盖 ${MAX_TERM_DAYS} 天（一个保险年度）`,
  );
};

const insurerListed: Rule = ({ row, round }) =>
  row.insurerId === null || round.insurerIds.includes(row.insurerId)
    ? null
    : problem(
        'policy.insurer_not_listed',
        'policy.insurerId',
        "the insurer is not on this round's list of approved insurers; choose one of the round's insurers",
        '承保保险公司不在本批次的承保机构名单中，请选择名单内的保险公司',
      );

const premiumPositive: Rule = ({ row }) =>
  row.premiumFen === null || row.premiumFen > 0n
    ? null
    : problem('policy.premium_not_positive', 'policy.premium', `the premium must be more than 0.00; it is ${yuanText(row.premiumFen)}`, `保费须大于 0，当前为 ${yuanText(row.premiumFen)} 元`);

const limitPositive: Rule = ({ row }) =>
  row.liabilityLimitFen === null || row.liabilityLimitFen > 0n
    ? null
    : problem(
        'policy.limit_not_positive',
        'policy.liabilityLimit',
        `the liability limit must be more than 0.00; it is ${yuanText(row.liabilityLimitFen)}`,
        `保险金额（责任限额）须大于 0，当前为 ${yuanText(row.liabilityLimitFen)} 元`,
      );

export const contractPolicyRules: Rule[] = [contractMinimum, startInWindow, termValid, insurerListed, premiumPositive, limitPositive];
