/**
 * The unique index that refused a row, when that is what an error is: drizzle wraps the driver's
 * error (sometimes twice), and Postgres names the index in `constraint_name`.
 */
export function violatedUniqueIndex(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++, e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name } = e as { code?: string; constraint_name?: string };
    if (code === '23505') return constraint_name ?? '';
  }
  return undefined;
}

/** Postgres down or unreachable: 503, and the process recovers by itself when it returns. */
const DRIVER_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);
export function isDatabaseUnavailable(err: unknown): boolean {
  const codes = [(err as { code?: unknown } | null)?.code, (err as { cause?: { code?: unknown } } | null)?.cause?.code];
  return codes.some(
    (code) =>
      typeof code === 'string' &&
      // SQLSTATE classes 08 (connection), 53 (resources), 57P (operator intervention), and a
      // database that refuses connections for now (55000 from ALTER DATABASE … ALLOW_CONNECTIONS),
      // and a statement cancelled by the statement timeout (57014) under overload
      (DRIVER_CODES.has(code) || /^(08|53)/.test(code) || code.startsWith('57P') || code === '55000' || code === '57014'),
  );
}
