import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomUscc } from '../../seeds/factories';
import { useTestApp } from '../support/use-app';
import { PageClient } from '../support/pages';

const { t } = useTestApp({ env: { REGISTRATIONS_PER_HOUR: 3, LOGINS_PER_MINUTE: 4 }, world: false });

const registration = () => ({
  enterprise: {
    name: '限流测试新材料有限公司',
    uscc: randomUscc('330300'),
    city: '330300',
    address: '温州市鹿城区测试路 8 号',
    contactName: '陈工',
    contactPhone: '0577-88888888',
    contactEmail: 'chen@firm.test',
    bankName: '中国银行温州分行',
    bankAccount: '3560000000000001',
    affiliations: [],
  },
  user: { email: `${randomUUID()}@firm.test`, password: 'Throttle-2026-test', name: '陈经理' },
});

describe('POST /enterprises/register throttling', () => {
  it('answers 429 with Retry-After once an address has used its hourly registrations, before any work', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.api.post('/enterprises/register', registration())).status);
    expect(statuses).toEqual([202, 202, 202]);
    const refused = await t.api.post('/enterprises/register', registration());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    // a malformed body counts too: the throttle runs before validation
    expect((await t.api.post('/enterprises/register', { nonsense: true })).status).toBe(429);
  });

  it('gives one IPv6 /64 one budget, however many of its addresses it uses', async () => {
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    const statuses = [];
    for (let i = 1; i <= 4; i++) statuses.push((await t.api.post('/enterprises/register', registration(), undefined, from(`2001:db8:7:7::${i}`))).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect((await t.api.post('/enterprises/register', registration(), undefined, from('2001:db8:7:8::1'))).status).toBe(202);
  });
});

describe('POST /auth/login throttling', () => {
  it('answers 429 to an address that tries too many sign-ins in a minute, whichever accounts it tries', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.api.post('/auth/login', { email: `spray-${i}-${randomUUID()}@example.test`, password: 'guess-1' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('answers 429 to a /64 that spreads its sign-ins over many IPv6 addresses', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) {
      const headers = { 'X-Forwarded-For': `2001:db8:9:9::${i}` };
      statuses.push((await t.api.post('/auth/login', { email: `spray-${i}-${randomUUID()}@example.test`, password: 'guess-1' }, undefined, headers)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('says on the sign-in page, the email kept, how many seconds an address that signs in too often must wait', async () => {
    const b = new PageClient(t.url, { 'X-Forwarded-For': '198.51.100.31' });
    const csrf = PageClient.csrfOf((await b.get('/login')).text);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await b.post('/login', { _csrf: csrf, email: `spray-${i}-${randomUUID()}@example.test`, password: 'guess-1', next: '/' })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const res = await b.post('/login', { _csrf: csrf, email: 'li.si@example.test', password: 'guess-1', next: '/' });
    expect(res.status).toBe(429);
    const seconds = Number(res.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(res.text).toContain('value="li.si@example.test"');
    expect(res.text).toContain(`登录尝试过于频繁，请 ${seconds} 秒后再试。`);
    expect(res.text).toContain('<a href="/password/forgot">');
  });
});
