import { badRequest } from '../errors';

/** `If-Match: 7` or `If-Match: "7"` — the version of a case or batch the caller last saw. */
export function ifMatchOf(header: string | undefined, noun = 'case'): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m?.[1]) throw badRequest(`If-Match must be the ${noun} version, e.g. 3 or "3"`, [{ path: 'header.If-Match', message: 'not a version number' }]);
  return Number(m[1]);
}
