import type { Role } from '../http/roles';
import type { Messages } from './i18n';
import { NOTICE_PUBLISHERS } from '../notices/publish';
import { ENTERPRISE_LIST_READERS } from '../enterprises/list';
import { CLAIM_READERS } from '../claims/list';

/** The roles whose people have an inbox of cases waiting for them (SPEC §7 "Web pages"). */
export const INBOX_ROLES: readonly Role[] = ['municipal', 'provincial', 'expert', 'insurer', 'finance'];
/** The roles that act on cases and so have a case list. */
export const CASE_ROLES: readonly Role[] = ['firm', ...INBOX_ROLES];

export const hasAny = (roles: readonly Role[] | undefined, wanted: readonly Role[]) => (roles ?? []).some((r) => wanted.includes(r));

export interface NavItem {
  href: string;
  label: string;
}

/** The links of the header, by the roles of who is signed in. */
export function navFor(t: Messages, roles: readonly Role[] | null): NavItem[] {
  if (!roles) return [{ href: '/catalogue', label: t.nav.catalogue }, { href: '/notices', label: t.nav.notices }];
  return [
    { href: '/', label: t.nav.home },
    ...(hasAny(roles, INBOX_ROLES) ? [{ href: '/inbox', label: t.nav.inbox }] : []),
    ...(hasAny(roles, CASE_ROLES) ? [{ href: '/cases', label: t.nav.cases }] : []),
    ...(hasAny(roles, CLAIM_READERS) ? [{ href: '/claims', label: t.claimList.nav }] : []),
    ...(hasAny(roles, ['firm']) ? [{ href: '/firm', label: t.firm.nav }] : []),
    ...(hasAny(roles, ENTERPRISE_LIST_READERS) ? [{ href: '/firms', label: t.firms.nav }] : []),
    ...(hasAny(roles, ['finance', 'provincial']) ? [{ href: '/money', label: t.nav.money }] : []),
    ...(hasAny(roles, NOTICE_PUBLISHERS) ? [{ href: '/review/notices', label: t.review.noticesTitle }] : []),
    { href: '/catalogue', label: t.nav.catalogue },
    { href: '/notices', label: t.nav.notices },
    ...(hasAny(roles, ['admin']) ? [{ href: '/admin', label: t.admin.nav }] : []),
  ];
}
