import { DEAD_STATES, problem, type Rule, type SubmissionFacts } from './problem';

// SPEC §1/§5: at most the round's maximum policy years per product, each year a new application
// linked to the first (or, as firms also do, to the previous year's).

/** Editions are annual with fresh entry ids, so a product is recognised by its material's name. */
const sameMaterial = (a: string | null, b: string | null) => a !== null && b !== null && a.normalize('NFKC').trim() === b.normalize('NFKC').trim();

const renewalLink: Rule = ({ renewal, row }) => {
  const previous = renewal?.previous;
  if (!renewal) return null;
  if (!previous || previous.enterpriseId !== row.enterpriseId) {
    return problem('renewal.not_found', 'renewalOf', "the previous year's application is not one of this firm's applications", '所续保的上一年度申请不存在或不属于本企业');
  }
  if (previous.catalogueEntryId !== row.catalogueEntryId && !sameMaterial(previous.entryName, renewal.entryName)) {
    return problem(
      'renewal.other_entry',
      'renewalOf',
      `the previous year's application ${previous.number} is for another material (${previous.entryName}); a renewal continues the same material`,
      `上一年度申请 ${previous.number} 的材料（${previous.entryName}）与本申请不同，续保须为同一材料`,
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

// Withdrawn, rejected and lapsed cases and drafts hold no year (renewal-chain.ts): they free their place.
const chainLength: Rule = (facts) => {
  const { renewal, round } = facts;
  const years = (renewal?.liveMembers.length ?? 0) + 1;
  if (!ownLink(facts) || years <= round.maxYears) return null;
  return problem(
    'renewal.chain_too_long',
    'renewalOf',
    `this would be policy year ${years} of the product; the round subsidises at most ${round.maxYears} years`,
    `本申请将是该产品的第 ${years} 个保险年度，本批次最多补偿 ${round.maxYears} 个年度`,
  );
};

/** One live application per policy year of a product; a link to this year's case is renewalYear's to explain. */
const yearTaken: Rule = (facts) => {
  const previous = ownLink(facts);
  if (!previous || previous.roundYear >= facts.round.year) return null;
  const taken = facts.renewal?.liveMembers.find((m) => m.roundYear === facts.round.year);
  if (!taken) return null;
  return problem(
    'renewal.year_taken',
    'renewalOf',
    `application ${taken.number} already renews this product for ${taken.roundYear}; withdraw one of the two`,
    `申请 ${taken.number} 已就该产品申报 ${taken.roundYear} 年度续保，同一年度不得重复申报`,
  );
};

export const renewalRules: Rule[] = [renewalLink, renewalYear, chainLength, yearTaken];
