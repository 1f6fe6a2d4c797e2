import { parentPort, workerData } from 'node:worker_threads';
import { parseEditionFile } from './parse';

// Runs in a worker thread (parse-off-thread.ts): turns one uploaded file into a ParseResult.
const { bytes, filename, contentType } = workerData as { bytes: Uint8Array; filename: string; contentType?: string };
const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
parentPort?.postMessage(await parseEditionFile(buf, filename, contentType));
