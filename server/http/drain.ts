import type { ServerResponse } from 'node:http';
import type { Server } from 'node:http';

/**
 * A graceful stop for an HTTP server under keep-alive traffic. `server.close()` alone waits for
 * every kept-alive socket, and a client that keeps sending keeps its socket busy, so the grace
 * period would run out with the workers and the pool never closed. Instead: stop accepting, close
 * idle sockets now and whenever one falls idle, and answer whatever is in flight — arrived before
 * the stop or after it — with `Connection: close`, so that its socket ends with the answer and the
 * client opens a new one elsewhere instead of reusing this one.
 */
export function drainable(server: Server): () => Promise<void> {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const closing = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) return closing(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return async () => {
    draining = true;
    for (const res of inFlight) closing(res);
    const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  };
}
