import { describe, expect, it } from 'vitest';
import { env } from '../../server/env';
import { assertSeedAllowed } from '../../seeds/guard';

const withDb = (url: string, over: Partial<typeof env> = {}) => ({ ...env, DATABASE_URL: url, ...over });

describe('seeding demo data', () => {
  it('is allowed on a local database and on the compose network', () => {
    expect(() => assertSeedAllowed(withDb('postgres://postgres@127.0.0.1:5432/firstbatch'))).not.toThrow();
    expect(() => assertSeedAllowed(withDb('postgres://postgres@localhost/firstbatch'))).not.toThrow();
    expect(() => assertSeedAllowed(withDb('postgres://postgres@postgres:5432/firstbatch'))).not.toThrow();
    expect(() => assertSeedAllowed(withDb('postgres://postgres@db.example.org:5432/firstbatch?host=/var/run/postgresql'))).not.toThrow();
  });

  it('refuses a non-local database unless told explicitly', () => {
    expect(() => assertSeedAllowed(withDb('postgres://app@db.prod.example.gov.cn/firstbatch'))).toThrow(/non-local/);
    expect(() => assertSeedAllowed(withDb('postgres://app@db.prod.example.gov.cn/firstbatch', { SEED_ALLOW_REMOTE: '1' }))).not.toThrow();
    // libpq's host parameter names a socket directory only when it is a path; a host name there is another machine
    expect(() => assertSeedAllowed(withDb('postgres://app@db.prod.example.gov.cn/firstbatch?host=db2.example.gov.cn'))).toThrow(/non-local/);
  });

  it('refuses production whatever the host', () => {
    expect(() => assertSeedAllowed(withDb('postgres://postgres@127.0.0.1/firstbatch', { NODE_ENV: 'production', SEED_ALLOW_REMOTE: '1' }))).toThrow(/production/);
  });
});
