// The four kinds of file SPEC §3 accepts. The kind is decided from the bytes (sniff.ts); the
// name's extension and the part's declared Content-Type must then agree with it, so that a PNG
// renamed to .pdf is refused rather than served later under the wrong type.

export type FileKind = 'pdf' | 'jpeg' | 'png' | 'ofd';

interface KindInfo {
  mediaType: string;
  extensions: readonly string[];
  /** Content-Types a client may declare for the part besides the generic ones */
  declared: readonly string[];
}

export const kinds: Record<FileKind, KindInfo> = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'], declared: ['application/pdf', 'application/x-pdf'] },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jpe'], declared: ['image/jpeg', 'image/jpg', 'image/pjpeg'] },
  png: { mediaType: 'image/png', extensions: ['png'], declared: ['image/png', 'image/x-png'] },
  // GB/T 33190 documents are ZIP containers; browsers rarely know the type and send a generic one
  ofd: { mediaType: 'application/ofd', extensions: ['ofd'], declared: ['application/ofd', 'application/x-ofd'] },
};

// What clients send when they do not know the type: says nothing, so it cannot disagree.
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

export function declaredTypeAgrees(kind: FileKind, declared: string | undefined): boolean {
  const type = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return GENERIC.has(type) || kinds[kind].declared.includes(type);
}

/** The extension after the last dot, lower-cased; null when the name has none. */
export function extensionOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return null;
  return fileName.slice(dot + 1).toLowerCase();
}

export function extensionAgrees(kind: FileKind, fileName: string): boolean {
  const ext = extensionOf(fileName);
  return ext === null || kinds[kind].extensions.includes(ext);
}
