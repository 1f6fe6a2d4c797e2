import type { PageCtx } from './page';
import { date, yuan } from './format';
import { documentTypes } from '../../db/schema/cases';

// What a history entry of the firm's own (an edit, an upload) did, in words: the fields an edit
// changed, from what to what, and the kind and version of an uploaded document. An edit's entry
// keeps the fields it sent (server/cases/update.ts); what they were before is read by replaying
// the application's entries in order from its creation, so the oldest entries say it too.

type Item = { eventType: string; payload: unknown };
type Flat = Map<string, unknown>;

const MONEY = new Set(['contract.amount', 'policy.liabilityLimit', 'policy.premium']);
const DATES = new Set(['contract.signedOn', 'contract.deliveredOn', 'policy.startsOn', 'policy.endsOn', 'policy.paidOn']);
// ids say nothing to a reader: their field is named, not its value
const IDS = new Set(['roundId', 'catalogueEntryId', 'renewalOf', 'policy.insurerId']);

/** A body (a CREATE's or an EDIT's payload) as dotted paths and their values. */
function flatten(payload: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return out;
  for (const [k, v] of Object.entries(payload)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, path, out);
    else out.set(path, v);
  }
  return out;
}

export interface FieldChange {
  path: string;
  /** undefined: the history does not say (the value was never given, or the entry predates the history) */
  from: unknown;
  to: unknown;
}

/** Each EDIT's changed fields, by the entry's index; an upload's kind and version are in its own payload. */
export function editChanges(items: readonly Item[]): Map<number, FieldChange[]> {
  const known: Flat = new Map();
  const out = new Map<number, FieldChange[]>();
  items.forEach((item, i) => {
    if (item.eventType === 'CREATE') for (const [k, v] of flatten(item.payload)) known.set(k, v);
    if (item.eventType !== 'EDIT') return;
    const changes: FieldChange[] = [];
    for (const [path, to] of flatten(item.payload)) {
      const from = known.get(path);
      if ((from === '' ? null : (from ?? null)) !== (to === '' ? null : (to ?? null))) changes.push({ path, from, to });
      known.set(path, to);
    }
    out.set(i, changes);
  });
  return out;
}

function valueWords(p: PageCtx, path: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return p.t.casePage.notGiven;
  if (typeof value === 'boolean') return value ? p.t.casePage.yes : p.t.casePage.no;
  if (typeof value !== 'string') return String(value);
  if (MONEY.has(path)) return yuan(value);
  if (DATES.has(path)) return date(value, p.locale);
  return value;
}

/** "保费（元）：1,000.00 → 1,200.00；保险起期：…" — an id's field by its name only. */
export function changeWords(p: PageCtx, changes: readonly FieldChange[]): string {
  const c = p.t.casePage;
  const name = (path: string) => c.fieldNames[path] ?? path;
  const one = (ch: FieldChange) => (IDS.has(ch.path) ? name(ch.path) : `${name(ch.path)}${p.t.colon}${valueWords(p, ch.path, ch.from)} → ${valueWords(p, ch.path, ch.to)}`);
  return c.changed(changes.map(one).join(p.locale === 'zh' ? '；' : '; '));
}

/** "营业执照 第 2 版 · licence.pdf", from an upload's payload; what an older entry lacks is left out. */
export function uploadWords(p: PageCtx, payload: unknown): string | null {
  const { type, version, fileName } = (payload ?? {}) as { type?: unknown; version?: unknown; fileName?: unknown };
  const kind = (documentTypes as readonly unknown[]).includes(type) ? p.t.docTypes[type as (typeof documentTypes)[number]] : null;
  const parts = [kind, typeof version === 'number' ? p.t.firmDocs.version(version) : null].filter((s): s is string => s !== null);
  if (parts.length === 0) return null;
  const what = parts.join(' ');
  return typeof fileName === 'string' ? `${what} · ${fileName}` : what;
}
