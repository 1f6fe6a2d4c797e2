import type { enterprises } from '../../db/schema';
import { cityByCode, isCityCode } from '../domain/cities';
import { isValidUscc } from '../domain/uscc';
import type { EnterpriseView } from './schema';

export type EnterpriseRow = typeof enterprises.$inferSelect;

/**
 * SPEC §5 "firm profile complete (valid USCC, city, bank account)": the fields still missing, by
 * name. SUBMIT's rules can call this too, so the profile page and the refusal never disagree.
 */
export function profileGaps(firm: Pick<EnterpriseRow, 'uscc' | 'city' | 'bankName' | 'bankAccount'>): string[] {
  const gaps: string[] = [];
  // rows written before validation existed, or by hand, are judged by the same rule
  if (!isValidUscc(firm.uscc)) gaps.push('uscc');
  if (!isCityCode(firm.city)) gaps.push('city');
  if (firm.bankName.trim() === '') gaps.push('bankName');
  if (firm.bankAccount.trim() === '') gaps.push('bankAccount');
  return gaps;
}

export function enterpriseView(firm: EnterpriseRow): EnterpriseView {
  const missing = profileGaps(firm);
  return {
    id: firm.id,
    name: firm.name,
    uscc: firm.uscc,
    city: firm.city,
    cityName: cityByCode(firm.city)?.name ?? null,
    address: firm.address,
    contactName: firm.contactName,
    contactPhone: firm.contactPhone,
    contactEmail: firm.contactEmail,
    bankName: firm.bankName,
    bankAccount: firm.bankAccount,
    affiliations: [...firm.affiliations],
    bannedUntil: firm.bannedUntil,
    profileComplete: missing.length === 0,
    missing,
    createdAt: firm.createdAt.toISOString(),
    updatedAt: firm.updatedAt.toISOString(),
  };
}
