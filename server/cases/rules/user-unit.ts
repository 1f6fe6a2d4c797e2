import { checkUscc } from '../../domain/uscc';
import type { FieldError } from '../../errors';
import { problem, type Rule } from './problem';

// SPEC §5 (policy): the buyer is a real, independent end user — not the firm itself, not one of
// its affiliates (关联企业), not a trader (贸易商) reselling the material.

const usccValid: Rule = ({ row }) => {
  const uscc = row.userUnit.uscc?.trim();
  if (!uscc) return null;
  const check = checkUscc(uscc);
  if (check.ok) return null;
  return problem('user_unit.uscc_invalid', 'userUnit.uscc', `the user unit's unified social credit code is invalid: ${check.message.en}`, `用户单位统一社会信用代码无效：${check.message.zh}`);
};

const notTheFirm: Rule = ({ row, firm }) =>
  row.userUnit.uscc && row.userUnit.uscc === firm.uscc
    ? problem(
        'user_unit.same_as_firm',
        'userUnit.uscc',
        "the user unit's unified social credit code is the firm's own: the buyer must be another organisation",
        '用户单位的统一社会信用代码与申报企业相同，用户单位须为其他单位',
      )
    : null;

const notAffiliate: Rule = ({ row, firm }) => {
  const out: FieldError[] = [];
  if (row.userUnit.notAffiliate !== true) {
    out.push(
      problem(
        'user_unit.affiliate',
        'userUnit.notAffiliate',
        'the firm must declare that the user unit is not an affiliate of the firm (notAffiliate: true); sales to affiliates are not subsidised',
        '须声明用户单位与申报企业不存在关联关系；向关联企业销售不予补偿',
      ),
    );
  }
  const uscc = row.userUnit.uscc;
  if (uscc && firm.affiliations.includes(uscc)) {
    out.push(
      problem(
        'user_unit.affiliate',
        'userUnit.uscc',
        `the user unit ${uscc} is listed among the firm's declared affiliations; sales to affiliates are not subsidised`,
        `用户单位 ${uscc} 在申报企业登记的关联企业名单中；向关联企业销售不予补偿`,
      ),
    );
  }
  return out;
};

const notTrader: Rule = ({ row }) =>
  row.userUnit.notTrader === true
    ? null
    : problem(
        'user_unit.trader',
        'userUnit.notTrader',
        'the firm must declare that the user unit is not a trader (notTrader: true); sales to traders are not subsidised',
        '须声明用户单位不是贸易商；向贸易商销售不予补偿',
      );

export const userUnitRules: Rule[] = [usccValid, notTheFirm, notAffiliate, notTrader];
