import { Worker } from 'node:worker_threads';
import pLimit from 'p-limit';
import { fileErrors } from './parse-errors';
import type { ParseResult } from './parse-types';

// Reading a workbook is seconds of CPU and hundreds of MB at the limits the zip guard allows.
// In a worker thread, with its own heap limit, one at a time per process: the event loop keeps
// answering, and eight imports at once cost one import's memory, not eight.
const HEAP_LIMIT_MB = 512;
const oneAtATime = pLimit(1);

// The process runs TypeScript through tsx; a worker thread does not inherit its loader, so the
// worker registers it before importing its module.
const tsxApi = import.meta.resolve('tsx/esm/api');
const workerModule = new URL('./parse-worker.ts', import.meta.url).href;
const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerModule)}); })`;

export function parseEditionFileOffThread(buf: Buffer, filename: string, contentType?: string, heapLimitMb = HEAP_LIMIT_MB): Promise<ParseResult> {
  return oneAtATime(() => runWorker(buf, filename, contentType, heapLimitMb));
}

function runWorker(buf: Buffer, filename: string, contentType: string | undefined, heapLimitMb: number): Promise<ParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), filename, contentType },
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb, maxYoungGenerationSizeMb: Math.max(1, Math.floor(heapLimitMb / 16)) },
    });
    let settled = false;
    worker.once('message', (result: ParseResult) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err: Error & { code?: string }) => {
      settled = true;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        resolve({ entries: [], errors: [fileErrors.tooLargeUnpacked(`more than ${heapLimitMb} MB to read`)], categories: [], title: null });
      } else reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the catalogue reader stopped with code ${code} before answering`));
    });
  });
}
