import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

// Content-addressed storage under DATA_DIR: a blob is named by its SHA-256, so identical files are
// stored once, a stored file can never be overwritten with other bytes, and no client-supplied
// name ever reaches the file system.

const SHA256 = /^[0-9a-f]{64}$/;

/** Where multipart uploads land while they are checked; the same file system as the blobs, so the final rename is atomic. */
export function uploadTempDir(dataDir: string): string {
  return join(resolve(dataDir), 'tmp');
}

export function blobPath(dataDir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error('not a SHA-256 hex digest');
  return join(resolve(dataDir), 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Moves a checked temp file into the store; when the same content is already there, keeps that one. */
export async function storeBlob(dataDir: string, tempPath: string, sha256: string): Promise<string> {
  const target = blobPath(dataDir, sha256);
  if (await exists(target)) return target;
  await mkdir(join(target, '..'), { recursive: true });
  await rename(tempPath, target);
  return target;
}

export async function discardTemp(path: string | undefined): Promise<void> {
  if (path) await rm(path, { force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
