import { formatYuan } from '../domain/money';

/** History payloads are JSON: money goes back to the yuan strings the caller sent. */
export function auditPayload(value: unknown): unknown {
  if (typeof value === 'bigint') return formatYuan(value);
  if (Array.isArray(value)) return value.map(auditPayload);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, auditPayload(v)]));
  return value;
}
