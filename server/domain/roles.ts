import type { Role } from '../../db/schema/accounts';

// The roles of SPEC §2 as people read them, in refusals and emails.
export const roleNames: Record<Role, { zh: string; en: string }> = {
  firm: { zh: '企业', en: 'firm' },
  municipal: { zh: '市级审核', en: 'municipal reviewer' },
  provincial: { zh: '省级审核', en: 'provincial reviewer' },
  expert: { zh: '专家', en: 'expert' },
  insurer: { zh: '保险公司', en: 'insurer' },
  finance: { zh: '财务', en: 'finance' },
  admin: { zh: '管理员', en: 'administrator' },
};
