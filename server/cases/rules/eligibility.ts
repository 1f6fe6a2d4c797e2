import { checkUscc } from '../../domain/uscc';
import { isCityCode } from '../../domain/cities';
import { shanghaiDate } from '../../calendar/dates';
import type { FieldError } from '../../errors';
import { dayWords, timeWords } from '../../domain/date-words';
import { problem, type Rule } from './problem';

// SPEC §5: the round, the firm and the catalogue entry — may this firm apply with this material now?

// The window binds the first SUBMIT only (SPEC §4: "SUBMIT refused after it"). A case returned
// for revision was submitted in time; its RESUBMIT must not be lost because the round closed since.
const roundOpen: Rule = ({ round, now, row }) => {
  if (row.submittedAt !== null || (round.opensAt <= now && now < round.closesAt)) return null;
  const when = now < round.opensAt ? { en: 'has not opened yet', zh: '尚未开始' } : { en: 'has closed', zh: '已截止' };
  return problem(
    'round.closed',
    'roundId',
    `the round ${when.en}: it accepts applications from ${timeWords(round.opensAt, 'en')} until ${timeWords(round.closesAt, 'en', true)}`,
    `本批次申报${when.zh}：申报时间为北京时间 ${timeWords(round.opensAt, 'zh')} 至 ${timeWords(round.closesAt, 'zh')}`,
  );
};

const firmNotBanned: Rule = ({ firm, now }) => {
  if (!firm.bannedUntil || firm.bannedUntil < shanghaiDate(now)) return null;
  return problem(
    'firm.banned',
    'enterprise.bannedUntil',
    `the firm is barred from the programme until ${dayWords(firm.bannedUntil, 'en')} and cannot apply before ${dayWords(firm.bannedUntil, 'en')} has passed`,
    `企业被禁止参与本项目至 ${dayWords(firm.bannedUntil, 'zh')}，在此之前不得申报`,
  );
};

const firmProfileComplete: Rule = ({ firm }) => {
  const out: FieldError[] = [];
  const incomplete = (path: string, en: string, zh: string) =>
    out.push(problem('firm.profile_incomplete', path, `the firm profile is incomplete: ${en}; update it on the enterprise page`, `企业信息不完整：${zh}，请在企业信息页补充`));
  const uscc = checkUscc(firm.uscc);
  if (!uscc.ok) incomplete('enterprise.uscc', `the firm's unified social credit code is invalid (${uscc.message.en})`, `企业统一社会信用代码无效（${uscc.message.zh}）`);
  if (!isCityCode(firm.city)) incomplete('enterprise.city', `the firm's city "${firm.city}" is not a city of the province`, `企业所在城市"${firm.city}"不是本省地市`);
  if (!firm.bankName.trim()) incomplete('enterprise.bankName', 'the bank for the subsidy is missing', '缺少补偿收款开户银行');
  if (!firm.bankAccount.trim()) incomplete('enterprise.bankAccount', 'the bank account for the subsidy is missing', '缺少补偿收款银行账号');
  return out;
};

const entryInEdition: Rule = ({ entry }) =>
  entry
    ? null
    : problem(
        'entry.not_in_edition',
        'catalogueEntryId',
        "the catalogue entry is not in the catalogue edition of this round; choose an entry of the round's edition",
        '所选材料不在本批次适用的目录版本中，请重新选择目录条目',
      );

const entryNotExcluded: Rule = ({ entry, round }) => {
  if (!entry) return null;
  if (round.excludedEntryIds.includes(entry.id)) {
    return problem('entry.excluded', 'catalogueEntryId', `the entry "${entry.name}" is excluded from this round`, `目录条目"${entry.name}"不在本批次支持范围内`);
  }
  const category = [entry.topCategory, entry.majorCategory, entry.subCategory].find((c) => c && round.excludedCategories.includes(c));
  if (!category) return null;
  return problem(
    'entry.excluded',
    'catalogueEntryId',
    `the category "${category}" of the entry "${entry.name}" is excluded from this round`,
    `目录条目"${entry.name}"所属类别"${category}"不在本批次支持范围内`,
  );
};

export const eligibilityRules: Rule[] = [roundOpen, firmNotBanned, firmProfileComplete, entryInEdition, entryNotExcluded];
