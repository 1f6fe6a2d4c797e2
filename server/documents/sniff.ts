import { open } from 'node:fs/promises';
import type { FileKind } from './media';
import { zipEntryNames } from './zip';

const PDF = Buffer.from('%PDF-', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
// GB/T 33190-2016 §7.2: every OFD package has its entry file OFD.xml at the root
const OFD_ENTRY = 'OFD.xml';

/** The kind of file the bytes are, whatever the name or declared type say; null when none of ours. */
export async function sniffFile(path: string): Promise<FileKind | null> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(8);
    await file.read(head, 0, head.length, 0);
    if (startsWith(head, PDF)) return 'pdf';
    if (startsWith(head, JPEG)) return 'jpeg';
    if (startsWith(head, PNG)) return 'png';
    if (startsWith(head, ZIP)) {
      const names = await zipEntryNames(file, size);
      return names?.includes(OFD_ENTRY) ? 'ofd' : null;
    }
    return null;
  } finally {
    await file.close();
  }
}

function startsWith(buf: Buffer, magic: Buffer): boolean {
  return buf.length >= magic.length && buf.subarray(0, magic.length).equals(magic);
}
