import type { Locale } from './i18n';
import { groupThousands } from '../domain/money';
import { dayWords, timeWords } from '../domain/date-words';

// Display only: amounts arrive as the API's yuan strings ("1500000.00") and stay strings, never floats.

/** "1500000.00" → "1,500,000.00". */
export function yuan(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  const [whole = '0', cents = '00'] = amount.split('.');
  return groupThousands(`${whole}.${cents}`);
}

// digits grouped by threes with one kind of separator — commas, full-width commas or spaces — as amounts are shown
const GROUPED = /^\d{1,3}([,，\s])\d{3}(?:\1\d{3})*(?:\.\d+)?$/;

/**
 * An amount as typed into a form in the shape shown ("1,500,000.00", full width, spaces):
 * the API's "1500000.00". Separators count only where they group thousands: anything else
 * ("1,2,3", a decimal comma "1234,56") is passed on as typed, for the API's schema to refuse,
 * never read as another amount.
 */
export function plainAmount(typed: string): string {
  // NFKC: full-width digits, commas and point (１，５００．００) are the amount they look like
  const text = typed.normalize('NFKC').trim();
  return GROUPED.test(text) ? text.replace(/[,，\s]/g, '') : text;
}

// Rates travel in the API as integer basis points (300 = 3 %); people read and type percent.
const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?\s*[%％]?$/;

/** Basis points as percent with two decimals, for a form's field: 300 → "3.00". */
export function percentValue(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(Math.abs(bp % 100)).padStart(2, '0')}`;
}

/** Basis points as percent for reading: 300 → "3.00 %". */
export const percent = (bp: number | null | undefined): string => (bp === null || bp === undefined ? '—' : `${percentValue(bp)} %`);

/**
 * A percent typed into a form ("3", "3.5", "3.05 %") as basis points, read from the digits so that
 * no float rounds it; null when it is no percent with at most two decimals.
 */
export function bpOfPercent(typed: string): number | null {
  const m = PERCENT.exec(typed.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A business date (YYYY-MM-DD): 2026年3月1日 in Chinese, 1 Mar 2026 in English. */
export function date(iso: string | null | undefined, locale: Locale): string {
  return iso ? dayWords(iso, locale) : '—';
}

/** Words in brackets after others: full-width （） in Chinese, as Chinese text writes them; " (…)" in English. */
export const aside = (words: string, locale: Locale): string => (locale === 'zh' ? `（${words}）` : ` (${words})`);

/** An instant, in Beijing time: 2026年3月1日 14:05 / 1 Mar 2026, 14:05. */
export function instant(iso: string | Date | null | undefined, locale: Locale): string {
  return iso ? timeWords(typeof iso === 'string' ? new Date(iso) : iso, locale) : '—';
}

/** An instant whose time of day matters (a deadline), naming the zone: 北京时间 2026年3月1日 17:00 / 1 Mar 2026, 17:00 (Beijing time). */
export function instantBeijing(iso: string | Date | null | undefined, locale: Locale): string {
  return iso ? timeWords(typeof iso === 'string' ? new Date(iso) : iso, locale, true) : '—';
}

/** A file's size for people: 512 B, 48.2 KB, 3.5 MB (1 KB = 1024 bytes); the same in both languages. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // rounded first, so that a size just under a megabyte reads 1.0 MB, not 1024.0 KB
  const kb = Math.round((bytes / 1024) * 10) / 10;
  if (kb < 1024) return `${kb.toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
