import { describe, expect, it } from 'vitest';
import { toUser } from '../../server/auth/sessions';
import { roleProblems, scopeProblems, type AccountShape } from '../../server/admin/users/rules';
import type { users } from '../../db/schema';

const row = (over: Partial<typeof users.$inferSelect> = {}): typeof users.$inferSelect => ({
  id: '00000000-0000-4000-8000-000000000001',
  email: 'expert@staff.test',
  passwordHash: null,
  name: '专家',
  roles: ['expert'],
  city: null,
  enterpriseId: null,
  insurerId: null,
  organisationUscc: null,
  organisationName: null,
  affiliations: [],
  active: true,
  createdAt: new Date(0),
  ...over,
});

const shape = (over: Partial<AccountShape>): AccountShape => ({ roles: ['provincial'], city: null, insurerId: null, organisationUscc: null, organisationName: null, affiliations: [], ...over });
const codes = (problems: { path: string; code?: string }[]) => problems.map((p) => `${p.path}:${p.code}`);

describe('a staff account as the permission rules see it', () => {
  it("counts an expert's organisation among their relations for four eyes, once", () => {
    expect(toUser(row({ organisationUscc: '91330100799655058B', affiliations: ['91330200MA2AAAAA1X'] })).affiliations).toEqual(['91330100799655058B', '91330200MA2AAAAA1X']);
    expect(toUser(row({ organisationUscc: '91330100799655058B', affiliations: ['91330100799655058B'] })).affiliations).toEqual(['91330100799655058B']);
    expect(toUser(row()).affiliations).toEqual([]);
  });
});

describe('the roles and scope of a staff account', () => {
  it('takes any set of staff roles but firm, and an administrator alone', () => {
    expect(roleProblems(['provincial', 'finance'])).toEqual([]);
    expect(roleProblems(['admin'])).toEqual([]);
    expect(codes(roleProblems(['firm']))).toEqual(['roles:user.role_firm']);
    expect(codes(roleProblems(['admin', 'finance']))).toEqual(['roles:user.admin_exclusive']);
  });

  it('pairs each scope with its role both ways', () => {
    expect(scopeProblems(shape({ roles: ['municipal', 'insurer'], city: '330100', insurerId: '00000000-0000-4000-8000-000000000002' }))).toEqual([]);
    expect(codes(scopeProblems(shape({ roles: ['municipal', 'insurer'], city: '330100' })))).toEqual(['insurerId:user.scope_required']);
    expect(codes(scopeProblems(shape({ roles: ['provincial'], organisationName: '某单位' })))).toEqual(['organisationName:user.scope_refused']);
  });
});
