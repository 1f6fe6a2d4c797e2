// How a date or an instant reads to people, one convention per language for the pages and the
// emails alike: 2026年12月7日 / 7 Dec 2026, and with a time of day, Beijing time to the minute —
// 2026年12月7日 14:05 / 7 Dec 2026, 14:05. Where the time of day matters (a deadline, a window's
// end) the zone is said, where each language says it: 北京时间 2026年12月7日 14:05 /
// 7 Dec 2026, 14:05 (Beijing time). A day deadline — a clock's due day, which runs to the end
// of that day in Beijing time (SPEC §4) — is its date alone, after the page's one word for it:
// 截止日期 2026年12月7日 / due 7 Dec 2026, in the inbox, on the case page and in the words after
// a step alike. Values for machines (CSV/XLSX, JSON, `<time datetime>`) stay ISO and never pass
// through here.

export type Lang = 'zh' | 'en';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
// China keeps no daylight saving time: Beijing time is UTC+8 all year
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A business date, YYYY-MM-DD: 2026年12月7日 / 7 Dec 2026; anything else is given back as it came. */
export function dayWords(iso: string, lang: Lang): string {
  const m = ISO_DAY.exec(iso);
  if (!m) return iso;
  const [year, month, day] = [m[1] ?? '', Number(m[2]), Number(m[3])];
  const name = MONTHS[month - 1];
  if (!name || day < 1 || day > 31) return iso;
  return lang === 'zh' ? `${year}年${month}月${day}日` : `${day} ${name} ${year}`;
}

/**
 * An instant in Beijing time: 2026年12月7日 14:05 / 7 Dec 2026, 14:05; with `zone`, naming the
 * zone: 北京时间 2026年12月7日 14:05 / 7 Dec 2026, 14:05 (Beijing time).
 */
export function timeWords(at: Date, lang: Lang, zone = false): string {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString();
  const day = dayWords(local.slice(0, 10), lang);
  const clock = local.slice(11, 16);
  if (lang === 'zh') return `${zone ? '北京时间 ' : ''}${day} ${clock}`;
  return `${day}, ${clock}${zone ? ' (Beijing time)' : ''}`;
}
