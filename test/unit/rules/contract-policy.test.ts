import { describe, expect, it } from 'vitest';
import { contractPolicyRules } from '../../../server/cases/rules/contract-policy';
import { yuanText } from '../../../server/cases/rules/problem';
import { caseRow, facts, problems, roundRow } from './facts';

const check = (row: Partial<ReturnType<typeof caseRow>>, round = roundRow()) => problems(contractPolicyRules, facts({ row: caseRow(row), round }));
const policy = (startsOn: string, endsOn: string) => ({ ...caseRow().policy, startsOn, endsOn });

describe('the contract amount (SPEC §5)', () => {
  // the round's minimum is 200,000.00 yuan
  it("accepts the round's minimum exactly", () => {
    expect(check({ contractAmountFen: 20_000_000n })).toEqual([]);
  });

  it('refuses one fen less, with both amounts grouped by thousands', () => {
    expect(check({ contractAmountFen: 19_999_999n })).toEqual([
      {
        code: 'contract.below_minimum',
        path: 'contract.amount',
        message: "the contract amount 199,999.99 is below the round's minimum of 200,000.00",
        messageZh: '合同金额 199,999.99 元低于本批次最低要求 200,000.00 元',
      },
    ]);
  });

  it('leaves a missing amount to the required fields', () => {
    expect(check({ contractAmountFen: null })).toEqual([]);
  });
});

describe('the policy dates', () => {
  // the round's insurance window: 2025-09-01 to 2026-12-31
  it('accepts a start on the first and on the last day of the window', () => {
    expect(check({ policy: policy('2025-09-01', '2026-08-31') })).toEqual([]);
    expect(check({ policy: policy('2026-12-31', '2027-12-31') })).toEqual([]);
  });

  it('refuses a start the day before or the day after the window', () => {
    expect(check({ policy: policy('2025-08-31', '2026-08-30') })).toEqual([
      {
        code: 'policy.start_outside_window',
        path: 'policy.startsOn',
        message: "the policy starts on 31 Aug 2025, outside the round's insurance window 1 Sep 2025 to 31 Dec 2026",
        messageZh: '保险起期 2025年8月31日 不在本批次受理的保险起期范围（2025年9月1日 至 2026年12月31日）内',
      },
    ]);
    expect(check({ policy: policy('2027-01-01', '2027-12-31') }).map((p) => p.code)).toEqual(['policy.start_outside_window']);
  });

  it('refuses an end on or before the start', () => {
    const sameDay = check({ policy: policy('2026-04-01', '2026-04-01') });
    expect(sameDay).toEqual([
      {
        code: 'policy.end_before_start',
        path: 'policy.endsOn',
        message: 'the policy ends on 1 Apr 2026, which is not after its start on 1 Apr 2026',
        messageZh: '保险止期 2026年4月1日 须晚于保险起期 2026年4月1日',
      },
    ]);
    expect(check({ policy: policy('2026-04-01', '2026-03-01') }).map((p) => p.code)).toEqual(['policy.end_before_start']);
  });

  it('accepts a term of one day and of 366 days, and refuses 367', () => {
    expect(check({ policy: policy('2026-04-01', '2026-04-02') })).toEqual([]);
    expect(check({ policy: policy('2026-04-01', '2027-04-02') })).toEqual([]);
    expect(check({ policy: policy('2026-04-01', '2027-04-03') })).toEqual([
      {
        code: 'policy.term_too_long',
        path: 'policy.endsOn',
        message: 'the policy runs 367 days from 1 Apr 2026 to 3 Apr 2027; one application covers at most 366 days (one policy year)',
        messageZh: '保险期间 2026年4月1日 至 2027年4月3日 共 367 天，每次申请最多覆盖 366 天（一个保险年度）',
      },
    ]);
  });

  it('leaves missing dates to the required fields', () => {
    expect(check({ policy: { number: 'PICC-1' } })).toEqual([]);
    expect(check({ policy: { startsOn: '2026-04-01' } })).toEqual([]);
    expect(check({ policy: { endsOn: '2026-04-01' } })).toEqual([]);
  });
});

describe('the insurer and the amounts insured', () => {
  it("refuses an insurer that is not on the round's list", () => {
    expect(check({ insurerId: 'insurer-other' })).toEqual([
      {
        code: 'policy.insurer_not_listed',
        path: 'policy.insurerId',
        message: "the insurer is not on this round's list of approved insurers; choose one of the round's insurers",
        messageZh: '承保保险公司不在本批次的承保机构名单中，请选择名单内的保险公司',
      },
    ]);
    expect(check({ insurerId: null })).toEqual([]);
    expect(check({ insurerId: 'insurer-cpic' })).toEqual([]);
  });

  it('refuses a premium and a liability limit of zero or less, and accepts one fen', () => {
    expect(check({ premiumFen: 0n, liabilityLimitFen: -100n })).toEqual([
      { code: 'policy.premium_not_positive', path: 'policy.premium', message: 'the premium must be more than 0.00; it is 0.00', messageZh: '保费须大于 0，当前为 0.00 元' },
      {
        code: 'policy.limit_not_positive',
        path: 'policy.liabilityLimit',
        message: 'the liability limit must be more than 0.00; it is -1.00',
        messageZh: '保险金额（责任限额）须大于 0，当前为 -1.00 元',
      },
    ]);
    expect(check({ liabilityLimitFen: 0n }).map((p) => p.code)).toEqual(['policy.limit_not_positive']);
    expect(check({ premiumFen: -1n }).map((p) => p.code)).toEqual(['policy.premium_not_positive']);
    expect(check({ premiumFen: 1n, liabilityLimitFen: 1n })).toEqual([]);
    expect(check({ premiumFen: null, liabilityLimitFen: null })).toEqual([]);
  });
});

describe('amounts in messages', () => {
  it('groups whole yuan by thousands and keeps the fen', () => {
    expect(yuanText(0n)).toBe('0.00');
    expect(yuanText(99_999n)).toBe('999.99');
    expect(yuanText(100_000n)).toBe('1,000.00');
    expect(yuanText(123_456_789_01n)).toBe('123,456,789.01');
    expect(yuanText(-150_000_000n)).toBe('-1,500,000.00');
  });
});
