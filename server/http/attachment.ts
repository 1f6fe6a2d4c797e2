import type { Writable } from 'node:stream';
import type { Response } from 'express';
import { contentDisposition } from '../documents/download';
import type { Logger } from '../logger';
import { StreamClosed } from '../streams';

// Files a route answers with (its `ok.file` in route.ts): a download that no browser renders in our
// origin and no cache keeps, named in RFC 5987 words so that a Chinese round name survives.

function attachmentHeaders(res: Response, mediaType: string, fileName: string): void {
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', contentDisposition(fileName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

/** A file built whole in memory (a few kilobytes). */
export function sendAttachment(res: Response, file: { mediaType: string; fileName: string; body: Buffer }): void {
  attachmentHeaders(res, file.mediaType, file.fileName);
  res.setHeader('Content-Length', String(file.body.length));
  res.status(200).end(file.body);
}

/**
 * A file written while it is produced. `produce` asks for the stream (naming the file) once it has
 * something to write: until then a refusal or an error is answered as a problem as usual. After it,
 * the status line has gone out, so a failure cuts the connection instead, and the client sees an
 * incomplete download rather than a file that looks whole.
 */
export async function streamAttachment(
  res: Response,
  mediaType: string,
  log: Logger,
  produce: (open: (fileName: string) => Writable) => Promise<unknown>,
): Promise<void> {
  let opened = false;
  const open = (fileName: string): Writable => {
    opened = true;
    attachmentHeaders(res, mediaType, fileName);
    res.status(200);
    return res;
  };
  try {
    await produce(open);
  } catch (err) {
    if (!opened) throw err;
    // a reader that went away needs no log line; anything else is ours to look at
    if (!(err instanceof StreamClosed)) log.error({ err }, 'a streamed download failed part-way; its connection was cut');
    res.destroy();
  }
}
