import { inflateRawSync } from 'node:zlib';

// exceljs (through JSZip) inflates every part of a workbook into memory before reading a cell,
// so a 4 MB upload declaring a 3.9 GB sheet exhausted the heap and killed the process. This
// checks the ZIP central directory (APPNOTE 6.3.10 §4.3.12, §4.3.16) first. The directory can
// lie, and JSZip does not believe it either, so every entry is then inflated with a hard cap at
// its declared size: the real bytes cannot outgrow what the budget allowed.
// (server/documents/zip.ts reads names from a file handle only; sizes need this reader.)

// exceljs holds a sheet as objects about fifteen times the size of its XML: a 45 MB sheet took
// 740 MB. The largest official edition (2025, 445 entries) is well under 1 MB of sheet XML.
export const MAX_UNPACKED_BYTES = 24 * 1024 * 1024;
export const MAX_PART_BYTES = 8 * 1024 * 1024;
export const MAX_COMPRESSION_RATIO = 200;
// Below this, a high ratio is a short repetitive part (styles, empty rows), not a bomb.
const RATIO_FLOOR_BYTES = 1024 * 1024;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_MARK = 0xffffffff;
const STORED = 0;
const DEFLATED = 8;

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

export type ZipVerdict = { ok: true } | { ok: false; reason: 'unreadable' | 'too_large'; detail: string };

const unreadable = (detail: string): ZipVerdict => ({ ok: false, reason: 'unreadable', detail });
const tooLarge = (detail: string): ZipVerdict => ({ ok: false, reason: 'too_large', detail });

export function checkZipBudget(buf: Buffer): ZipVerdict {
  const entries = readCentralDirectory(buf);
  if (entries === null) return unreadable('the ZIP central directory cannot be read');
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressed;
    if (total > MAX_UNPACKED_BYTES) return tooLarge(`more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB unpacked`);
    if (entry.uncompressed > MAX_PART_BYTES) return tooLarge(`${entry.name} unpacks to more than ${MAX_PART_BYTES / 1024 / 1024} MB`);
    const ratio = entry.uncompressed / Math.max(entry.compressed, 1);
    if (entry.uncompressed >= RATIO_FLOOR_BYTES && ratio > MAX_COMPRESSION_RATIO) {
      return tooLarge(`${entry.name} is compressed ${Math.round(ratio)}:1`);
    }
  }
  for (const entry of entries) {
    const verdict = verifyEntry(buf, entry);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}

function readCentralDirectory(buf: Buffer): ZipEntry[] | null {
  const eocd = findEocd(buf);
  if (eocd === null) return null;
  const disk = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  // Split archives and ZIP64 (0xFFFF / 0xFFFFFFFF markers) are never needed by a 10 MB workbook.
  if (disk !== 0 || cdDisk !== 0 || count === 0xffff || cdOffset === ZIP64_MARK) return null;
  if (cdOffset + cdSize > eocd) return null;
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + CENTRAL_HEADER_SIZE > eocd || buf.readUInt32LE(p) !== CENTRAL_SIGNATURE) return null;
    const nameEnd = p + CENTRAL_HEADER_SIZE + buf.readUInt16LE(p + 28);
    if (nameEnd > eocd) return null;
    const entry: ZipEntry = {
      name: buf.toString('utf8', p + CENTRAL_HEADER_SIZE, nameEnd),
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressed: buf.readUInt32LE(p + 20),
      uncompressed: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    if (entry.compressed === ZIP64_MARK || entry.uncompressed === ZIP64_MARK || entry.localOffset === ZIP64_MARK) return null;
    entries.push(entry);
    p = nameEnd + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

function findEocd(buf: Buffer): number | null {
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  for (let i = buf.length - EOCD_SIZE; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  return null;
}

function verifyEntry(buf: Buffer, entry: ZipEntry): ZipVerdict {
  const at = entry.localOffset;
  if (at + LOCAL_HEADER_SIZE > buf.length || buf.readUInt32LE(at) !== LOCAL_SIGNATURE) {
    return unreadable(`${entry.name}: no local header`);
  }
  const start = at + LOCAL_HEADER_SIZE + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (start + entry.compressed > buf.length) return unreadable(`${entry.name} is truncated`);
  if ((entry.flags & 1) !== 0) return unreadable(`${entry.name} is encrypted`);
  if (entry.method === STORED) {
    return entry.compressed === entry.uncompressed ? { ok: true } : unreadable(`${entry.name}: stored sizes differ`);
  }
  if (entry.method !== DEFLATED) return unreadable(`${entry.name}: compression method ${entry.method}`);
  try {
    // maxOutputLength stops inflating as soon as the output passes the declared size.
    inflateRawSync(buf.subarray(start, start + entry.compressed), { maxOutputLength: Math.max(entry.uncompressed, 1) });
  } catch (error) {
    if (error instanceof RangeError) return tooLarge(`${entry.name} unpacks to more than its declared ${entry.uncompressed} bytes`);
    return unreadable(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ok: true };
}
