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
