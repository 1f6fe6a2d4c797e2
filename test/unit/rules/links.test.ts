import { describe, expect, it } from 'vitest';
import { linkRules } from '../../../server/cases/rules/links';
import type { LinkedCase, RenewalFacts } from '../../../server/cases/rules/problem';
import { caseRow, facts, problems, REQUIRED, roundRow } from './facts';

describe('required documents (SPEC §5)', () => {
  it('names each missing type in both languages, a type of its own by its code', () => {
    const round = roundRow({ requiredDocuments: [...REQUIRED, 'integrity_pledge', 'site_photos'] });
    expect(problems(linkRules, facts({ round, documentTypes: new Set(['sales_contract']) }))).toEqual([
      { code: 'documents.missing', path: 'documents.business_license', message: 'the business licence (business_license) has not been uploaded', messageZh: '缺少必备材料：营业执照，请上传' },
      { code: 'documents.missing', path: 'documents.insurance_policy', message: 'the insurance policy (insurance_policy) has not been uploaded', messageZh: '缺少必备材料：保险单，请上传' },
      { code: 'documents.missing', path: 'documents.integrity_pledge', message: 'the integrity pledge (integrity_pledge) has not been uploaded', messageZh: '缺少必备材料：诚信承诺书，请上传' },
      { code: 'documents.missing', path: 'documents.site_photos', message: 'the site_photos (site_photos) has not been uploaded', messageZh: '缺少必备材料：site_photos，请上传' },
    ]);
  });

  it('has a name for each default type', () => {
    const names = {
      business_license: ['business licence', '营业执照'],
      sales_contract: ['sales contract', '销售合同'],
      sales_invoice: ['sales invoice', '销售发票'],
      insurance_policy: ['insurance policy', '保险单'],
      premium_invoice: ['premium invoice', '保费发票'],
      premium_payment_proof: ['proof of premium payment', '保费支付凭证'],
      test_report: ['test report', '检测报告'],
      user_confirmation: ["user unit's confirmation of use", '用户单位应用证明'],
      integrity_pledge: ['integrity pledge', '诚信承诺书'],
    };
    const found = problems(linkRules, facts({ round: roundRow({ requiredDocuments: Object.keys(names) }), documentTypes: new Set() }));
    expect(found.map((p) => [p.message, p.messageZh])).toEqual(Object.entries(names).map(([type, [en, zh]]) => [`the ${en} (${type}) has not been uploaded`, `缺少必备材料：${zh}，请上传`]));
  });

  it('asks only for what the round requires', () => {
    expect(problems(linkRules, facts({ round: roundRow({ requiredDocuments: [] }), documentTypes: new Set() }))).toEqual([]);
  });
});

describe('a live twin', () => {
  it('refuses a second application for the same material, user unit and policy', () => {
    expect(problems(linkRules, facts({ duplicate: { number: 'ZJ2026-000007' } }))).toEqual([
      {
        code: 'case.duplicate',
        path: 'policy.number',
        message: 'application ZJ2026-000007 already covers this material, user unit and policy PICC-1; withdraw one of the two',
        messageZh: '申请 ZJ2026-000007 已就同一材料、同一用户单位和保单 PICC-1 提出申报，不得重复申报',
      },
    ]);
    const noNumber = problems(linkRules, facts({ duplicate: { number: 'ZJ2026-000007' }, row: caseRow({ policy: {} }) }));
    expect(noNumber[0]?.message).toBe('application ZJ2026-000007 already covers this material, user unit and policy ; withdraw one of the two');
    expect(noNumber[0]?.messageZh).toBe('申请 ZJ2026-000007 已就同一材料、同一用户单位和保单  提出申报，不得重复申报');
  });
});

// The case under test is in the 2026 round; `previous` is last year's application it renews.
const previous = (over: Partial<LinkedCase> = {}): LinkedCase => ({
  id: 'case-2025',
  number: 'ZJ2025-000003',
  enterpriseId: 'firm-1',
  catalogueEntryId: 'entry-2025',
  entryName: '超纯氨',
  state: 'municipal',
  submittedAt: new Date('2025-06-01T00:00:00Z'),
  roundYear: 2025,
  ...over,
});
const renewal = (over: Partial<RenewalFacts> = {}): RenewalFacts => ({ previous: previous(), entryName: '超纯氨', liveMembers: [{ id: 'case-2025', number: 'ZJ2025-000003', roundYear: 2025 }], ...over });
const renewing = (r: RenewalFacts | null, round = roundRow()) => problems(linkRules, facts({ renewal: r, round, row: caseRow({ renewalOf: 'case-2025' }) }));
const codes = (r: RenewalFacts | null, round = roundRow()) => renewing(r, round).map((p) => p.code);

describe('a renewal (SPEC §1, §5)', () => {
  it("passes a renewal of the firm's own accepted application of last year for the same material", () => {
    expect(renewing(renewal())).toEqual([]);
    expect(renewing(null)).toEqual([]);
  });

  it("refuses a link to nothing or to another firm's application", () => {
    const notFound = { code: 'renewal.not_found', path: 'renewalOf', message: "the previous year's application is not one of this firm's applications", messageZh: '所续保的上一年度申请不存在或不属于本企业' };
    expect(renewing(renewal({ previous: null }))).toEqual([notFound]);
    // nothing else is judged about a link that is not the firm's
    expect(renewing(renewal({ previous: previous({ enterpriseId: 'firm-2', roundYear: 2026, state: 'withdrawn' }), liveMembers: [1, 2, 3].map((n) => ({ id: `c${n}`, number: `N${n}`, roundYear: 2023 + n })) }))).toEqual([notFound]);
  });

  it('refuses another material, recognised by name across editions', () => {
    expect(renewing(renewal({ entryName: '电子级硅烷' }))).toEqual([
      {
        code: 'renewal.other_entry',
        path: 'renewalOf',
        message: "the previous year's application ZJ2025-000003 is for another material (超纯氨); a renewal continues the same material",
        messageZh: '上一年度申请 ZJ2025-000003 的材料（超纯氨）与本申请不同，续保须为同一材料',
      },
    ]);
    // the same name in full-width forms and with stray spaces is the same material
    expect(renewing(renewal({ entryName: ' 超纯氨 ', previous: previous({ entryName: '超纯氨　' }) }))).toEqual([]);
    expect(renewing(renewal({ entryName: 'ＡＢＣ', previous: previous({ entryName: 'ABC' }) }))).toEqual([]);
    // the same entry (same edition) needs no name check
    expect(renewing(renewal({ entryName: null, previous: previous({ catalogueEntryId: 'entry-1', entryName: '旧名' }) }))).toEqual([]);
    expect(codes(renewal({ entryName: null, previous: previous({ entryName: '超纯氨' }) }))).toEqual(['renewal.other_entry']);
  });

  it('refuses to renew an application that was never submitted or ended without a subsidy', () => {
    expect(renewing(renewal({ previous: previous({ state: 'withdrawn' }) }))).toEqual([
      {
        code: 'renewal.previous_not_accepted',
        path: 'renewalOf',
        message: "the previous year's application ZJ2025-000003 is withdrawn; only an accepted application can be renewed",
        messageZh: '上一年度申请 ZJ2025-000003 当前状态为 withdrawn，只有已受理的申请可以续保',
      },
    ]);
    for (const state of ['rejected', 'lapsed']) expect(codes(renewal({ previous: previous({ state }) }))).toEqual(['renewal.previous_not_accepted']);
    expect(codes(renewal({ previous: previous({ state: 'draft', submittedAt: null }) }))).toEqual(['renewal.previous_not_accepted']);
  });

  it("refuses a link to this year's or a later application", () => {
    const thisYear = renewing(renewal({ previous: previous({ roundYear: 2026 }), liveMembers: [] }));
    expect(thisYear).toEqual([
      {
        code: 'renewal.not_previous_year',
        path: 'renewalOf',
        message: "the previous application ZJ2025-000003 belongs to the 2026 round; a renewal links to an earlier year's application",
        messageZh: '所续保的申请 ZJ2025-000003 属于 2026 年度批次，续保须关联以前年度的申请',
      },
    ]);
    expect(codes(renewal({ previous: previous({ roundYear: 2027 }), liveMembers: [] }))).toEqual(['renewal.not_previous_year']);
  });

  it("counts this application as a year of the product's chain, up to the round's maximum", () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, number: `ZJ${2025 - i}-000001`, roundYear: 2025 - i }));
    expect(renewing(renewal({ liveMembers: members(2) }))).toEqual([]);
    expect(renewing(renewal({ liveMembers: members(3) }))).toEqual([
      {
        code: 'renewal.chain_too_long',
        path: 'renewalOf',
        message: 'this would be policy year 4 of the product; the round subsidises at most 3 years',
        messageZh: '本申请将是该产品的第 4 个保险年度，本批次最多补偿 3 个年度',
      },
    ]);
    expect(codes(renewal({ liveMembers: members(3) }), roundRow({ maxYears: 4 }))).toEqual([]);
    expect(codes(renewal({ liveMembers: [] }), roundRow({ maxYears: 1 }))).toEqual([]);
  });

  it('refuses a second live renewal of the product for the same year', () => {
    const twin = { id: 'case-twin', number: 'ZJ2026-000009', roundYear: 2026 };
    expect(renewing(renewal({ liveMembers: [...renewal().liveMembers, twin] }))).toEqual([
      {
        code: 'renewal.year_taken',
        path: 'renewalOf',
        message: 'application ZJ2026-000009 already renews this product for 2026; withdraw one of the two',
        messageZh: '申请 ZJ2026-000009 已就该产品申报 2026 年度续保，同一年度不得重复申报',
      },
    ]);
    // a link to this year's case is explained once, as the wrong year
    expect(codes(renewal({ previous: previous({ roundYear: 2026 }), liveMembers: [twin] }))).toEqual(['renewal.not_previous_year']);
  });
});
