import { problem, type Rule } from './problem';
import { renewalRules } from './renewal';

// SPEC §5: what the case must have around it — its documents, no live twin, a sound renewal chain.

// SPEC §3's default required types; a type a round adds beyond these is shown by its code.
const DOCUMENT_NAMES: Record<string, { en: string; zh: string }> = {
  business_license: { en: 'business licence', zh: '营业执照' },
  sales_contract: { en: 'sales contract', zh: '销售合同' },
  sales_invoice: { en: 'sales invoice', zh: '销售发票' },
  insurance_policy: { en: 'insurance policy', zh: '保险单' },
  premium_invoice: { en: 'premium invoice', zh: '保费发票' },
  premium_payment_proof: { en: 'proof of premium payment', zh: '保费支付凭证' },
  test_report: { en: 'test report', zh: '检测报告' },
  user_confirmation: { en: "user unit's confirmation of use", zh: '用户单位应用证明' },
  integrity_pledge: { en: 'integrity pledge', zh: '诚信承诺书' },
};

const documentsPresent: Rule = ({ round, documentTypes }) =>
  round.requiredDocuments
    .filter((type) => !documentTypes.has(type))
    .map((type) => {
      const name = DOCUMENT_NAMES[type] ?? { en: type, zh: type };
      return problem('documents.missing', `documents.${type}`, `the ${name.en} (${type}) has not been uploaded`, `缺少必备材料：${name.zh}，请上传`);
    });

const notDuplicate: Rule = ({ duplicate, row }) =>
  duplicate
    ? problem(
        'case.duplicate',
        'policy.number',
        `application ${duplicate.number} already covers this material, user unit and policy ${row.policy.number ?? ''}; withdraw one of the two`,
        `申请 ${duplicate.number} 已就同一材料、同一用户单位和保单 ${row.policy.number ?? ''} 提出申报，不得重复申报`,
      )
    : null;

export const linkRules: Rule[] = [documentsPresent, notDuplicate, ...renewalRules];
