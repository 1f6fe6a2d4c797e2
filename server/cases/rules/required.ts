import type { CaseRow } from '../../engine/scope';
import { problem, type Rule } from './problem';
import { visibleLength } from '../../domain/text';

// Drafts may be incomplete; a submitted application may not (SPEC §5). The batch number is
// optional: not every first-batch delivery carries one.

interface Field {
  path: string;
  en: string;
  zh: string;
  value: (row: CaseRow) => unknown;
}

const field = (path: string, en: string, zh: string, value: Field['value']): Field => ({ path, en, zh, value });

const FIELDS: Field[] = [
  field('material.name', 'the material name', '材料名称', (r) => r.material.name),
  field('material.specification', 'the material specification', '规格型号', (r) => r.material.specification),
  field('userUnit.name', "the user unit's name", '用户单位名称', (r) => r.userUnit.name),
  field('userUnit.uscc', "the user unit's unified social credit code", '用户单位统一社会信用代码', (r) => r.userUnit.uscc),
  field('contract.number', 'the contract number', '合同编号', (r) => r.contract.number),
  field('contract.signedOn', 'the contract signing date', '合同签订日期', (r) => r.contract.signedOn),
  field('contract.amount', 'the contract amount', '合同金额', (r) => r.contractAmountFen),
  field('contract.quantity', 'the quantity sold', '销售数量', (r) => r.contract.quantity),
  field('contract.unit', 'the unit of the quantity', '计量单位', (r) => r.contract.unit),
  field('contract.deliveredOn', 'the delivery date', '交付日期', (r) => r.contract.deliveredOn),
  field('policy.insurerId', 'the insurer', '承保保险公司', (r) => r.insurerId),
  field('policy.number', 'the policy number', '保单号', (r) => r.policy.number),
  field('policy.liabilityLimit', 'the liability limit', '保险金额（责任限额）', (r) => r.liabilityLimitFen),
  field('policy.premium', 'the premium', '保费', (r) => r.premiumFen),
  field('policy.startsOn', 'the policy start date', '保险起期', (r) => r.policy.startsOn),
  field('policy.endsOn', 'the policy end date', '保险止期', (r) => r.policy.endsOn),
  field('policy.premiumInvoiceNo', 'the premium invoice number', '保费发票号码', (r) => r.policy.premiumInvoiceNo),
  field('policy.paidOn', 'the premium payment date', '保费支付日期', (r) => r.policy.paidOn),
];

// text of invisible characters alone (zero-width spaces) gives nothing a reviewer can read
const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && visibleLength(v) === 0);

/** `contract.signedOn` → `contract.signed_on.missing`, in the snake case of the other codes. */
export const missingCode = (path: string) => `${path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}.missing`;

const requiredFields: Rule = ({ row }) =>
  FIELDS.filter((f) => isEmpty(f.value(row))).map((f) => problem(missingCode(f.path), f.path, `${f.en} is missing`, `请填写${f.zh}`));

export const requiredRules: Rule[] = [requiredFields];
