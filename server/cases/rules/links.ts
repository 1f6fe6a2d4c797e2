import { DEAD_STATES, problem, type Rule, type SubmissionFacts } from './problem';

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

const renewalLink: Rule = ({ renewal, row }) => {
  const previous = renewal?.previous;
  if (!renewal) return null;
  if (!previous || previous.enterpriseId !== row.enterpriseId) {
    return problem('renewal.not_found', 'renewalOf', "the previous year's application is not one of this firm's applications", '所续保的上一年度申请不存在或不属于本企业');
  }
  if (previous.catalogueEntryId !== row.catalogueEntryId) {
    return problem(
      'renewal.other_entry',
      'renewalOf',
      `the previous year's application ${previous.number} is for another catalogue entry; a renewal continues the same material`,
      `上一年度申请 ${previous.number} 的目录条目与本申请不同，续保须为同一材料`,
    );
  }
  // Should be "approved or beyond"; approval arrives with the later review stages, so until then
  // any submitted application that has not ended without a subsidy counts.
  if (previous.submittedAt === null || DEAD_STATES.includes(previous.state)) {
    return problem(
      'renewal.previous_not_accepted',
      'renewalOf',
      `the previous year's application ${previous.number} is ${previous.state}; only an accepted application can be renewed`,
      `上一年度申请 ${previous.number} 当前状态为 ${previous.state}，只有已受理的申请可以续保`,
    );
  }
  return null;
};

/** The link itself is sound (renewal.not_found otherwise): only then do its year and length mean anything. */
const ownLink = ({ renewal, row }: SubmissionFacts) => (renewal?.previous?.enterpriseId === row.enterpriseId ? renewal.previous : null);

const renewalYear: Rule = (facts) => {
  const previous = ownLink(facts);
  if (!previous || previous.roundYear < facts.round.year) return null;
  return problem(
    'renewal.not_previous_year',
    'renewalOf',
    `the previous application ${previous.number} belongs to the ${previous.roundYear} round; a renewal links to an earlier year's application`,
    `所续保的申请 ${previous.number} 属于 ${previous.roundYear} 年度批次，续保须关联以前年度的申请`,
  );
};

// At most 3 policy years per product (policy), each year a new application linked to the first.
const chainLength: Rule = (facts) => {
  const { renewal, round } = facts;
  if (!ownLink(facts) || !renewal || renewal.chainLength <= round.maxYears) return null;
  return problem(
    'renewal.chain_too_long',
    'renewalOf',
    `this would be policy year ${renewal.chainLength} of the product; the round subsidises at most ${round.maxYears} years`,
    `本申请将是该产品的第 ${renewal.chainLength} 个保险年度，本批次最多补偿 ${round.maxYears} 个年度`,
  );
};

export const linkRules: Rule[] = [documentsPresent, notDuplicate, renewalLink, renewalYear, chainLength];
