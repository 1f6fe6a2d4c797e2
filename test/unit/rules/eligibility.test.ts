import { describe, expect, it } from 'vitest';
import { eligibilityRules } from '../../../server/cases/rules/eligibility';
import { caseRow, entryRow, facts, firmRow, FIRM_USCC, problems, roundRow, wrongCheck } from './facts';

const check = (over: Parameters<typeof facts>[0]) => problems(eligibilityRules, facts(over));

describe('the round window (SPEC §5)', () => {
  const round = roundRow({ opensAt: new Date('2026-03-01T00:00:00+08:00'), closesAt: new Date('2026-03-31T17:00:00+08:00') });

  it('accepts a first submission from the opening instant until just before the closing one', () => {
    expect(check({ round, now: round.opensAt })).toEqual([]);
    expect(check({ round, now: new Date(round.closesAt.getTime() - 1) })).toEqual([]);
  });

  it('refuses one before the round opens, naming the window in Beijing time', () => {
    expect(check({ round, now: new Date(round.opensAt.getTime() - 1) })).toEqual([
      {
        code: 'round.closed',
        path: 'roundId',
        message: 'the round has not opened yet: it accepts applications from 1 Mar 2026, 00:00 until 31 Mar 2026, 17:00 (Beijing time)',
        messageZh: '本批次申报尚未开始：申报时间为北京时间 2026年3月1日 00:00 至 2026年3月31日 17:00',
      },
    ]);
  });

  it('refuses one at or after the closing instant', () => {
    const closed = {
      code: 'round.closed',
      path: 'roundId',
      message: 'the round has closed: it accepts applications from 1 Mar 2026, 00:00 until 31 Mar 2026, 17:00 (Beijing time)',
      messageZh: '本批次申报已截止：申报时间为北京时间 2026年3月1日 00:00 至 2026年3月31日 17:00',
    };
    expect(check({ round, now: round.closesAt })).toEqual([closed]);
    expect(check({ round, now: new Date('2026-05-01T00:00:00Z') })).toEqual([closed]);
  });

  it('lets a case submitted in time be resubmitted after the round closed', () => {
    expect(check({ round, now: new Date('2026-05-01T00:00:00Z'), row: caseRow({ submittedAt: new Date('2026-03-10T00:00:00Z') }) })).toEqual([]);
  });
});

describe('a barred firm', () => {
  // NOW is 2026-06-15 10:00 in Shanghai
  it('may not apply up to and including the last day of its ban', () => {
    expect(check({ firm: firmRow({ bannedUntil: '2026-06-15' }) })).toEqual([
      {
        code: 'firm.banned',
        path: 'enterprise.bannedUntil',
        message: 'the firm is barred from the programme until 15 Jun 2026 and cannot apply before 15 Jun 2026 has passed',
        messageZh: '企业被禁止参与本项目至 2026年6月15日，在此之前不得申报',
      },
    ]);
    expect(check({ firm: firmRow({ bannedUntil: '2029-01-01' }) }).map((p) => p.code)).toEqual(['firm.banned']);
  });

  it('may apply again the day after the ban ends', () => {
    expect(check({ firm: firmRow({ bannedUntil: '2026-06-14' }) })).toEqual([]);
  });

  it('counts the ban in Shanghai days, not UTC days', () => {
    // 16:30 UTC on the 14th is already the 15th in Shanghai: a ban until the 14th is over
    expect(check({ firm: firmRow({ bannedUntil: '2026-06-14' }), now: new Date('2026-06-14T16:30:00Z') })).toEqual([]);
  });
});

describe("the firm's profile", () => {
  it('lists every gap of an incomplete profile', () => {
    const firm = firmRow({ uscc: wrongCheck(FIRM_USCC), city: '320100', bankName: '  ', bankAccount: '' });
    expect(check({ firm })).toEqual([
      {
        code: 'firm.profile_incomplete',
        path: 'enterprise.uscc',
        message: expect.stringMatching(/^the firm profile is incomplete: the firm's unified social credit code is invalid \(.+\); update it on the enterprise page$/),
        messageZh: expect.stringMatching(/^企业信息不完整：企业统一社会信用代码无效（.+），请在企业信息页补充$/),
      },
      {
        code: 'firm.profile_incomplete',
        path: 'enterprise.city',
        message: 'the firm profile is incomplete: the firm\'s city "320100" is not a city of the province; update it on the enterprise page',
        messageZh: '企业信息不完整：企业所在城市"320100"不是本省地市，请在企业信息页补充',
      },
      {
        code: 'firm.profile_incomplete',
        path: 'enterprise.bankName',
        message: 'the firm profile is incomplete: the bank for the subsidy is missing; update it on the enterprise page',
        messageZh: '企业信息不完整：缺少补偿收款开户银行，请在企业信息页补充',
      },
      {
        code: 'firm.profile_incomplete',
        path: 'enterprise.bankAccount',
        message: 'the firm profile is incomplete: the bank account for the subsidy is missing; update it on the enterprise page',
        messageZh: '企业信息不完整：缺少补偿收款银行账号，请在企业信息页补充',
      },
    ]);
  });

  it('names the USCC fault the code check found', () => {
    const [found] = check({ firm: firmRow({ uscc: '91330100' }) });
    expect(found?.message).toContain('(A unified social credit code has 18 characters; this one has 8)');
    expect(found?.messageZh).toContain('（统一社会信用代码应为 18 位，当前为 8 位）');
  });

  it('refuses a bank account of spaces only', () => {
    expect(check({ firm: firmRow({ bankAccount: '   ' }) }).map((p) => p.path)).toEqual(['enterprise.bankAccount']);
  });
});

describe('the catalogue entry', () => {
  it("must belong to the round's edition", () => {
    expect(check({ entry: null })).toEqual([
      {
        code: 'entry.not_in_edition',
        path: 'catalogueEntryId',
        message: "the catalogue entry is not in the catalogue edition of this round; choose an entry of the round's edition",
        messageZh: '所选材料不在本批次适用的目录版本中，请重新选择目录条目',
      },
    ]);
  });

  it('must not be excluded from the round by id', () => {
    expect(check({ round: roundRow({ excludedEntryIds: ['entry-1'] }) })).toEqual([
      { code: 'entry.excluded', path: 'catalogueEntryId', message: 'the entry "超纯氨" is excluded from this round', messageZh: '目录条目"超纯氨"不在本批次支持范围内' },
    ]);
  });

  it('must not be in an excluded category at any of the three levels', () => {
    for (const category of ['关键战略材料', '电子化工', '电子气体']) {
      expect(check({ round: roundRow({ excludedCategories: ['其他', category] }) })).toEqual([
        {
          code: 'entry.excluded',
          path: 'catalogueEntryId',
          message: `the category "${category}" of the entry "超纯氨" is excluded from this round`,
          messageZh: `目录条目"超纯氨"所属类别"${category}"不在本批次支持范围内`,
        },
      ]);
    }
  });

  it('passes when other entries or categories are excluded, or a level is empty', () => {
    expect(check({ round: roundRow({ excludedEntryIds: ['entry-2'], excludedCategories: ['前沿新材料'] }) })).toEqual([]);
    expect(check({ entry: entryRow({ majorCategory: '', subCategory: null }), round: roundRow({ excludedCategories: [''] }) })).toEqual([]);
  });
});
