import { existsSync } from 'node:fs';

/** Where Debian's (and most Linux distributions') PostgreSQL listens on its Unix socket. */
const SOCKET_DIR = '/var/run/postgresql';

/**
 * The database URL when none is set: the local server's Unix socket where it has one, as psql and
 * pgbench connect by default, else its TCP port on loopback. A socket costs both sides of every
 * statement less than loopback TCP (docs/benchmarks.md, "The event path, round three").
 */
export function defaultDatabaseUrl(socketDir = SOCKET_DIR): string {
  return existsSync(`${socketDir}/.s.PGSQL.5432`) ? `postgres://postgres@localhost:5432/firstbatch?host=${socketDir}` : 'postgres://postgres@127.0.0.1:5432/firstbatch';
}

/**
 * postgres.js's URL and options for a postgres:// URL. A `host` parameter naming a directory is
 * libpq's way of asking for the Unix socket there (`postgres://postgres@localhost/db?host=/var/run/postgresql`);
 * postgres.js takes the directory as its `host` option, and would otherwise send the parameter to
 * the server as a setting.
 */
export function pgConnection(url: string): { url: string; host?: string } {
  const u = new URL(url);
  const dir = u.searchParams.get('host');
  if (!dir?.startsWith('/')) return { url };
  u.searchParams.delete('host');
  return { url: u.toString(), host: dir };
}
