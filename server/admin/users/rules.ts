import { eq } from 'drizzle-orm';
import { insurers, type Role } from '../../../db/schema';
import type { DbOrTx } from '../../../db/client';
import { isCityCode } from '../../domain/cities';
import type { FieldError } from '../../errors';
import { affiliationProblems, usccProblems } from '../../enterprises/rules';

// What a staff account must look like (SPEC §2, §7), judged on the account as it would be after a
// create or an edit: each returns every problem, with a path, English, Chinese and a stable code.

export interface AccountShape {
  roles: readonly Role[];
  city: string | null;
  insurerId: string | null;
  organisationUscc: string | null;
  organisationName: string | null;
  affiliations: readonly string[];
}

const problem = (path: string, code: string, message: string, messageZh: string): FieldError => ({ path, code, message, messageZh });

export function roleProblems(roles: readonly Role[]): FieldError[] {
  const problems: FieldError[] = [];
  if (roles.includes('firm')) {
    problems.push(problem('roles', 'user.role_firm', "firm accounts come only from a firm's own registration; choose staff roles", '企业账号只能由企业自行注册产生，请选择工作人员角色'));
  }
  if (new Set(roles).size !== roles.length) problems.push(problem('roles', 'user.role_duplicate', 'a role is listed twice', '角色重复'));
  // SPEC §2: administrators configure the programme and cannot act on cases, under any hat
  if (roles.includes('admin') && roles.some((r) => r !== 'admin')) {
    problems.push(problem('roles', 'user.admin_exclusive', 'an administrator holds no other role: administrators may not act on cases', '管理员账号不能兼任其他角色（管理员不得办理申请）'));
  }
  return problems;
}

/** Each scope belongs to one role: required with it, refused without it. */
const SCOPES = [
  { field: 'city', role: 'municipal', en: 'a municipal reviewer has exactly one city', zh: '市级审核人员须指定一个所属城市', who: 'a municipal reviewer', whoZh: '市级审核人员' },
  { field: 'insurerId', role: 'insurer', en: 'insurer staff belong to exactly one insurer', zh: '保险公司人员须指定所属保险公司', who: 'insurer staff', whoZh: '保险公司人员' },
  { field: 'organisationUscc', role: 'expert', en: "an expert's organisation needs its unified social credit code", zh: '专家须填写所在单位的统一社会信用代码', who: 'an expert', whoZh: '专家' },
  { field: 'organisationName', role: 'expert', en: "an expert's organisation needs its name", zh: '专家须填写所在单位名称', who: 'an expert', whoZh: '专家' },
] as const;

export function scopeProblems(a: AccountShape): FieldError[] {
  const problems: FieldError[] = [];
  for (const s of SCOPES) {
    const value = a[s.field];
    if (a.roles.includes(s.role) && value === null) problems.push(problem(s.field, 'user.scope_required', s.en, s.zh));
    if (!a.roles.includes(s.role) && value !== null) {
      problems.push(problem(s.field, 'user.scope_refused', `only ${s.who} has ${s.field}; send ${s.field}: null`, `仅${s.whoZh}可填写 ${s.field}，请将其设为 null`));
    }
  }
  if (a.city !== null && !isCityCode(a.city)) {
    problems.push(problem('city', 'user.city_unknown', 'must be the GB/T 2260 code of one of the 11 cities (330100 杭州市 … 331100 丽水市)', '须为本省 11 个设区市之一的行政区划代码（330100 杭州市 … 331100 丽水市）'));
  }
  if (a.organisationUscc !== null) problems.push(...usccProblems('organisationUscc', a.organisationUscc));
  // '' as the own code: an expert's organisation may also be listed among the firms they are related to
  problems.push(...affiliationProblems('affiliations', a.affiliations, ''));
  return problems;
}

export async function insurerProblems(db: DbOrTx, insurerId: string | null): Promise<FieldError[]> {
  if (insurerId === null) return [];
  const [found] = await db.select({ id: insurers.id }).from(insurers).where(eq(insurers.id, insurerId));
  return found ? [] : [problem('insurerId', 'user.insurer_unknown', 'no insurer has this id; add the insurer first (POST /insurers)', '该保险公司不存在，请先添加保险公司')];
}

export async function accountProblems(db: DbOrTx, a: AccountShape): Promise<FieldError[]> {
  return [...roleProblems(a.roles), ...scopeProblems(a), ...(await insurerProblems(db, a.insurerId))];
}
