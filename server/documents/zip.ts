import type { FileHandle } from 'node:fs/promises';

// Just enough of the ZIP format (APPNOTE 6.3.10 §4.3.12, §4.3.16) to list the entry names of an
// archive from its central directory — the authoritative index — without a dependency and
// without reading the whole file.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_HEADER_SIZE = 46;

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** The entry names of the archive, or null when the bytes are not a readable ZIP. */
export async function zipEntryNames(file: FileHandle, size: number): Promise<string[] | null> {
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(file, size - tailLength, tailLength);
  const eocd = findEocd(tail);
  if (eocd === null) return null;
  const entries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  // ZIP64 markers (0xFFFFFFFF) land here too: an OFD within 20 MB never needs them
  if (cdOffset + cdSize > size) return null;
  return centralNames(await readAt(file, cdOffset, cdSize), entries);
}

function findEocd(tail: Buffer): number | null {
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  return null;
}

function centralNames(cd: Buffer, entries: number): string[] | null {
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + CENTRAL_HEADER_SIZE > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) return null;
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const nameEnd = p + CENTRAL_HEADER_SIZE + nameLength;
    if (nameEnd > cd.length) return null;
    names.push(cd.toString('utf8', p + CENTRAL_HEADER_SIZE, nameEnd));
    p = nameEnd + extraLength + commentLength;
  }
  return names;
}
