import { formatYuan } from '../domain/money';

/** History payloads are JSON: money goes back to the yuan strings the caller sent. */
export function auditPayload(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, auditValue(v)]));
}

function auditValue(value: unknown): unknown {
  if (typeof value === 'bigint') return formatYuan(value);
  if (Array.isArray(value)) return value.map(auditValue);
  if (value && typeof value === 'object') return auditPayload(value);
  return value;
}
