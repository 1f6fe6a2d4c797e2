import { extensionOf, kinds, type FileKind } from './media';

const MAX_LENGTH = 120;

/**
 * The client's file name reduced to something safe to show and to put in a Content-Disposition:
 * only the base name, no control or bidi-override characters (the "‮fdp.exe" trick), nothing
 * Windows refuses, no leading dots. It is never part of a storage path — blobs are named by
 * their hash — so this is about the people who download it, not about the disk.
 */
export function cleanBaseName(original: string | undefined): string {
  const base = (original ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  return base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
}

/** The name kept: the cleaned base name, ending in the kind's extension, at most 120 characters. */
export function storedFileName(cleaned: string, kind: FileKind): string {
  const named = cleaned === '' ? 'document' : cleaned;
  const withExt = extensionOf(named) === null ? `${named}.${kinds[kind].extensions[0] ?? kind}` : named;
  const chars = [...withExt];
  if (chars.length <= MAX_LENGTH) return withExt;
  const suffix = `.${extensionOf(withExt) ?? kind}`;
  return chars.slice(0, MAX_LENGTH - suffix.length).join('') + suffix;
}
