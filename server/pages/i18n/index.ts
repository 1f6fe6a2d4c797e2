import type { Request } from 'express';
import { parseCookie } from 'cookie';
import { zh, type Messages } from './zh';
import { en } from './en';

export type Locale = 'zh' | 'en';
export type { Messages };

export const LANG_COOKIE = 'fb_lang';
const catalogues: Record<Locale, Messages> = { zh, en };

export const isLocale = (s: unknown): s is Locale => s === 'zh' || s === 'en';

/** Simplified Chinese unless the person chose English with the switch (a cookie, so the choice sticks). */
export function localeOf(req: Request): Locale {
  const header = req.headers.cookie;
  const chosen = header ? parseCookie(header)[LANG_COOKIE] : undefined;
  return isLocale(chosen) ? chosen : 'zh';
}

export const messagesFor = (locale: Locale): Messages => catalogues[locale];
