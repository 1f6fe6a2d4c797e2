import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** The reader of a streamed answer went away (a closed tab, a cancelled download): stop producing it. */
export class StreamClosed extends Error {
  constructor() {
    super('the stream was closed before it was finished');
    this.name = 'StreamClosed';
  }
}

/**
 * Resolves when `out` can take more, at once if it can; rejects with StreamClosed once it is closed.
 * A producer that awaits this between batches holds at most a batch beyond what the reader takes.
 */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new StreamClosed());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new StreamClosed());
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Resolves once `out` has finished; rejects with StreamClosed if it is closed first. A producer
 * waiting for its own end (exceljs's commit waits for 'finish') would otherwise wait forever on a
 * reader that went away.
 */
export async function ended(out: Writable): Promise<void> {
  try {
    await finished(out, { readable: false });
  } catch {
    throw new StreamClosed();
  }
}
