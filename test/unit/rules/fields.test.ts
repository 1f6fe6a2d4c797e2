import { describe, expect, it } from 'vitest';
import { missingCode, requiredRules } from '../../../server/cases/rules/required';
import { userUnitRules } from '../../../server/cases/rules/user-unit';
import { BUYER_USCC, caseRow, facts, firmRow, FIRM_USCC, problems, wrongCheck } from './facts';

describe('required fields (SPEC §5)', () => {
  it('passes a complete application, with or without a batch number', () => {
    expect(problems(requiredRules, facts())).toEqual([]);
    expect(problems(requiredRules, facts({ row: caseRow({ material: { name: '超纯氨', specification: '7N' } }) }))).toEqual([]);
  });

  it('lists every missing field of an empty draft, in the order of the form, in both languages', () => {
    const empty = caseRow({ material: {}, userUnit: {}, contract: {}, policy: {}, contractAmountFen: null, insurerId: null, liabilityLimitFen: null, premiumFen: null });
    const found = problems(requiredRules, facts({ row: empty }));
    expect(found.map((p) => p.path)).toEqual([
      'material.name',
      'material.specification',
      'userUnit.name',
      'userUnit.uscc',
      'contract.number',
      'contract.signedOn',
      'contract.amount',
      'contract.quantity',
      'contract.unit',
      'contract.deliveredOn',
      'policy.insurerId',
      'policy.number',
      'policy.liabilityLimit',
      'policy.premium',
      'policy.startsOn',
      'policy.endsOn',
      'policy.premiumInvoiceNo',
      'policy.paidOn',
    ]);
    expect(found.map((p) => [p.message, p.messageZh])).toEqual([
      ['the material name is missing', '请填写材料名称'],
      ['the material specification is missing', '请填写规格型号'],
      ["the user unit's name is missing", '请填写用户单位名称'],
      ["the user unit's unified social credit code is missing", '请填写用户单位统一社会信用代码'],
      ['the contract number is missing', '请填写合同编号'],
      ['the contract signing date is missing', '请填写合同签订日期'],
      ['the contract amount is missing', '请填写合同金额'],
      ['the quantity sold is missing', '请填写销售数量'],
      ['the unit of the quantity is missing', '请填写计量单位'],
      ['the delivery date is missing', '请填写交付日期'],
      ['the insurer is missing', '请填写承保保险公司'],
      ['the policy number is missing', '请填写保单号'],
      ['the liability limit is missing', '请填写保险金额（责任限额）'],
      ['the premium is missing', '请填写保费'],
      ['the policy start date is missing', '请填写保险起期'],
      ['the policy end date is missing', '请填写保险止期'],
      ['the premium invoice number is missing', '请填写保费发票号码'],
      ['the premium payment date is missing', '请填写保费支付日期'],
    ]);
    expect(found.map((p) => p.code)).toEqual(found.map((p) => missingCode(p.path)));
  });

  it('treats blank text as missing, and a zero amount as present (its own rule judges it)', () => {
    const row = caseRow({ material: { name: '  ', specification: '7N' }, premiumFen: 0n });
    expect(problems(requiredRules, facts({ row }))).toEqual([
      { code: 'material.name.missing', path: 'material.name', message: 'the material name is missing', messageZh: '请填写材料名称' },
    ]);
  });

  it('spells codes in snake case', () => {
    expect(missingCode('contract.signedOn')).toBe('contract.signed_on.missing');
    expect(missingCode('policy.premiumInvoiceNo')).toBe('policy.premium_invoice_no.missing');
    expect(missingCode('material.name')).toBe('material.name.missing');
  });
});

describe('the user unit (SPEC §5, policy)', () => {
  const withUnit = (userUnit: ReturnType<typeof caseRow>['userUnit'], firm = firmRow()) => problems(userUnitRules, facts({ row: caseRow({ userUnit }), firm }));
  const unit = { name: '用户单位有限公司', uscc: BUYER_USCC, notAffiliate: true, notTrader: true };

  it('passes an independent end user', () => {
    expect(withUnit(unit)).toEqual([]);
  });

  it('refuses an invalid USCC with the reason, and leaves a missing one to the required fields', () => {
    expect(withUnit({ ...unit, uscc: wrongCheck(BUYER_USCC) })).toEqual([
      {
        code: 'user_unit.uscc_invalid',
        path: 'userUnit.uscc',
        message: expect.stringMatching(/^the user unit's unified social credit code is invalid: .+/),
        messageZh: expect.stringMatching(/^用户单位统一社会信用代码无效：.+/),
      },
    ]);
    expect(withUnit({ ...unit, uscc: 'abc' })[0]?.message).toBe("the user unit's unified social credit code is invalid: A unified social credit code has 18 characters; this one has 3");
    expect(withUnit({ ...unit, uscc: 'abc' })[0]?.messageZh).toBe('用户单位统一社会信用代码无效：统一社会信用代码应为 18 位，当前为 3 位');
    expect(withUnit({ ...unit, uscc: '   ' })).toEqual([]);
    expect(withUnit({ ...unit, uscc: undefined })).toEqual([]);
  });

  it('checks the code without the spaces around it', () => {
    expect(withUnit({ ...unit, uscc: ` ${BUYER_USCC} ` })).toEqual([]);
  });

  it('refuses the firm itself as its own buyer', () => {
    expect(withUnit({ ...unit, uscc: FIRM_USCC })).toEqual([
      {
        code: 'user_unit.same_as_firm',
        path: 'userUnit.uscc',
        message: "the user unit's unified social credit code is the firm's own: the buyer must be another organisation",
        messageZh: '用户单位的统一社会信用代码与申报企业相同，用户单位须为其他单位',
      },
    ]);
  });

  it('requires the declaration that the buyer is not an affiliate, and refuses a declared affiliate', () => {
    const undeclared = {
      code: 'user_unit.affiliate',
      path: 'userUnit.notAffiliate',
      message: 'the firm must declare that the user unit is not an affiliate of the firm (notAffiliate: true); sales to affiliates are not subsidised',
      messageZh: '须声明用户单位与申报企业不存在关联关系；向关联企业销售不予补偿',
    };
    expect(withUnit({ ...unit, notAffiliate: false })).toEqual([undeclared]);
    expect(withUnit({ ...unit, notAffiliate: undefined })).toEqual([undeclared]);
    expect(withUnit(unit, firmRow({ affiliations: ['91330300MA2AAAAAA1', BUYER_USCC] }))).toEqual([
      {
        code: 'user_unit.affiliate',
        path: 'userUnit.uscc',
        message: `the user unit ${BUYER_USCC} is listed among the firm's declared affiliations; sales to affiliates are not subsidised`,
        messageZh: `用户单位 ${BUYER_USCC} 在申报企业登记的关联企业名单中；向关联企业销售不予补偿`,
      },
    ]);
    // a firm's list of affiliations is no reason to refuse a buyer without a code yet
    expect(withUnit({ ...unit, uscc: '' }, firmRow({ affiliations: [''] }))).toEqual([]);
  });

  it('requires the declaration that the buyer is not a trader', () => {
    const trader = {
      code: 'user_unit.trader',
      path: 'userUnit.notTrader',
      message: 'the firm must declare that the user unit is not a trader (notTrader: true); sales to traders are not subsidised',
      messageZh: '须声明用户单位不是贸易商；向贸易商销售不予补偿',
    };
    expect(withUnit({ ...unit, notTrader: false })).toEqual([trader]);
    expect(withUnit({ ...unit, notTrader: undefined })).toEqual([trader]);
  });
});
