import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabaseUrl, pgConnection } from '../../db/url';

describe('database URLs', () => {
  it("takes a host parameter naming a directory as the Unix socket there, and keeps it from the server's settings", () => {
    expect(pgConnection('postgres://postgres@localhost:5432/firstbatch?host=/var/run/postgresql')).toEqual({ url: 'postgres://postgres@localhost:5432/firstbatch', host: '/var/run/postgresql' });
    expect(pgConnection('postgres://u:p@localhost:6543/db?host=%2Ftmp&sslmode=disable')).toEqual({ url: 'postgres://u:p@localhost:6543/db?sslmode=disable', host: '/tmp' });
  });

  it('leaves a TCP URL, and a host parameter that is not a directory, as they are', () => {
    expect(pgConnection('postgres://postgres@127.0.0.1:5432/firstbatch')).toEqual({ url: 'postgres://postgres@127.0.0.1:5432/firstbatch' });
    expect(pgConnection('postgres://postgres@db:5432/x?host=other')).toEqual({ url: 'postgres://postgres@db:5432/x?host=other' });
  });

  it('defaults to the socket where the local server has one, else to loopback TCP', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pgsock-'));
    try {
      expect(defaultDatabaseUrl(dir)).toBe('postgres://postgres@127.0.0.1:5432/firstbatch');
      writeFileSync(path.join(dir, '.s.PGSQL.5432'), '');
      expect(defaultDatabaseUrl(dir)).toBe(`postgres://postgres@localhost:5432/firstbatch?host=${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
